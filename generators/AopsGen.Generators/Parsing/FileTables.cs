using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AopsGen.Generators;

/// <summary>
/// What one file can contribute to a table, read from its syntax alone: every type declaration (by a key that is equal for
/// the parts of one partial type), the type declarations that carry attributes (with the last name of each attribute as
/// written), and the names of its using aliases. Read again only when the file's tree changes; the generator matches the
/// attribute names against [AddressSpaceOperations] and every alias in the compilation, so a class whose file did not change
/// is found without binding anything. Equal when it is of the same tree.
/// </summary>
internal sealed class FileTables : IEquatable<FileTables>
{
    private FileTables(SyntaxTree tree, ImmutableArray<TypePart> parts, ImmutableArray<AttributedType> attributed, ImmutableArray<string> aliases)
    {
        Tree = tree;
        Parts = parts;
        Attributed = attributed;
        Aliases = aliases;
    }

    public SyntaxTree Tree { get; }

    /// <summary>Every type declaration in the file, with its <see cref="TypePart.Key"/>.</summary>
    public ImmutableArray<TypePart> Parts { get; }

    /// <summary>The type declarations that carry at least one attribute.</summary>
    public ImmutableArray<AttributedType> Attributed { get; }

    /// <summary>The names the file's using alias directives (global or not) declare.</summary>
    public ImmutableArray<string> Aliases { get; }

    public static FileTables From(SyntaxTree tree, CancellationToken cancellationToken)
    {
        var root = (CompilationUnitSyntax)tree.GetRoot(cancellationToken);
        var parts = ImmutableArray.CreateBuilder<TypePart>();
        var attributed = ImmutableArray.CreateBuilder<AttributedType>();
        var aliases = ImmutableArray.CreateBuilder<string>();
        AddAliases(root.Usings, aliases);
        AddMembers(tree, root.Members, string.Empty, ImmutableArray<string>.Empty, parts, attributed, aliases);
        return new FileTables(tree, parts.ToImmutable(), attributed.ToImmutable(), aliases.ToImmutable());
    }

    private static void AddAliases(SyntaxList<UsingDirectiveSyntax> usings, ImmutableArray<string>.Builder aliases)
    {
        foreach (UsingDirectiveSyntax directive in usings)
        {
            if (directive.Alias is not null)
            {
                aliases.Add(directive.Alias.Name.Identifier.ValueText);
            }
        }
    }

    private static void AddMembers(
        SyntaxTree tree,
        SyntaxList<MemberDeclarationSyntax> members,
        string container,
        ImmutableArray<string> containingKeys,
        ImmutableArray<TypePart>.Builder parts,
        ImmutableArray<AttributedType>.Builder attributed,
        ImmutableArray<string>.Builder aliases)
    {
        foreach (MemberDeclarationSyntax member in members)
        {
            switch (member)
            {
                case BaseNamespaceDeclarationSyntax ns:
                    AddAliases(ns.Usings, aliases);
                    AddMembers(tree, ns.Members, container + NamespaceName(ns.Name) + ".", containingKeys, parts, attributed, aliases);
                    break;
                case TypeDeclarationSyntax type:
                    string key = Key(tree, type, container);
                    parts.Add(new TypePart(key, type));
                    if (type.AttributeLists.Count > 0)
                    {
                        attributed.Add(new AttributedType(type, key, containingKeys, AttributeNames(type)));
                    }
                    AddMembers(tree, type.Members, key + "+", containingKeys.Add(key), parts, attributed, aliases);
                    break;
            }
        }
    }

    /// <summary>
    /// Namespace, containing types, name and arity: the same for every part of one partial type. A <c>file</c> type's key also
    /// holds its file, since two files may each declare their own.
    /// </summary>
    private static string Key(SyntaxTree tree, TypeDeclarationSyntax type, string container)
    {
        string key = container + type.Identifier.ValueText + "`"
            + (type.TypeParameterList?.Parameters.Count ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return type.Modifiers.Any(SyntaxKind.FileKeyword) ? tree.FilePath + "|" + key : key;
    }

    private static ImmutableArray<string> AttributeNames(TypeDeclarationSyntax type)
    {
        var names = ImmutableArray.CreateBuilder<string>();
        foreach (AttributeListSyntax list in type.AttributeLists)
        {
            foreach (AttributeSyntax attribute in list.Attributes)
            {
                names.Add(LastName(attribute.Name));
            }
        }
        return names.ToImmutable();
    }

    /// <summary>
    /// A namespace's name as the compiler reads it, <c>A.B</c> however it is written (<c>@A . B</c>): the parts of one partial
    /// class declared in files that spell their namespace differently share one key.
    /// </summary>
    internal static string NamespaceName(NameSyntax name) => name switch
    {
        QualifiedNameSyntax qualified => NamespaceName(qualified.Left) + "." + qualified.Right.Identifier.ValueText,
        SimpleNameSyntax simple => simple.Identifier.ValueText,
        _ => name.ToString(),
    };

    /// <summary>The rightmost identifier of an attribute's name: <c>AddressSpaceOperations</c> of <c>global::AopsGen.AddressSpaceOperations</c>.</summary>
    internal static string LastName(NameSyntax name) => name switch
    {
        QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
        AliasQualifiedNameSyntax aliased => aliased.Name.Identifier.ValueText,
        SimpleNameSyntax simple => simple.Identifier.ValueText,
        _ => string.Empty,
    };

    public bool Equals(FileTables? other) => other is not null && ReferenceEquals(Tree, other.Tree);

    public override bool Equals(object? obj) => Equals(obj as FileTables);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Tree);
}

/// <summary>
/// What all files say together, for <see cref="TableCandidate.Find"/>: the names an attribute may be written with and mean
/// [AddressSpaceOperations] (its own two, and every using alias of the compilation), and the declarations of each type by
/// <see cref="TypePart.Key"/>. Built again on every run (look-ups only); never equal to an earlier one, so every file's
/// candidates are found again with it, and compared one by one.
/// </summary>
internal sealed class TableIndex
{
    private static readonly string[] ClassAttributeNames = { "AddressSpaceOperations", "AddressSpaceOperationsAttribute" };

    private readonly Dictionary<string, List<SyntaxNode>> _parts = new(StringComparer.Ordinal);

    private readonly WeakReference<Compilation> _compilation;

    public TableIndex(ImmutableArray<FileTables> files, Compilation compilation)
    {
        _compilation = new WeakReference<Compilation>(compilation);
        AttributeNames = new HashSet<string>(ClassAttributeNames, StringComparer.Ordinal);
        bool anyAttributed = false;
        foreach (FileTables file in files)
        {
            AttributeNames.UnionWith(file.Aliases);
            anyAttributed |= !file.Attributed.IsEmpty;
        }
        if (!anyAttributed)
        {
            return;
        }
        foreach (FileTables file in files)
        {
            foreach (TypePart part in file.Parts)
            {
                if (!_parts.TryGetValue(part.Key, out List<SyntaxNode>? declarations))
                {
                    _parts[part.Key] = declarations = new List<SyntaxNode>(1);
                }
                declarations.Add(part.Declaration);
            }
        }
    }

    /// <summary>The last names an attribute may have and be [AddressSpaceOperations].</summary>
    public HashSet<string> AttributeNames { get; }

    /// <summary>The declarations of the type with <paramref name="key"/>, in file order.</summary>
    public IReadOnlyList<SyntaxNode> Parts(string key)
        => _parts.TryGetValue(key, out List<SyntaxNode>? declarations) ? declarations : Array.Empty<SyntaxNode>();

    /// <summary>The compilation of this run, while it is alive.</summary>
    public Compilation? Compilation() => _compilation.TryGetTarget(out Compilation? compilation) ? compilation : null;
}

/// <summary>One declaration of a type, and the key its partial parts share.</summary>
internal readonly struct TypePart
{
    public TypePart(string key, TypeDeclarationSyntax declaration)
    {
        Key = key;
        Declaration = declaration;
    }

    public string Key { get; }

    public TypeDeclarationSyntax Declaration { get; }
}

/// <summary>A type declaration with attributes: its key, the keys of the types around it, and each attribute's last name.</summary>
internal sealed class AttributedType
{
    public AttributedType(TypeDeclarationSyntax declaration, string key, ImmutableArray<string> containingKeys, ImmutableArray<string> attributeNames)
    {
        Declaration = declaration;
        Key = key;
        ContainingKeys = containingKeys;
        AttributeNames = attributeNames;
    }

    public TypeDeclarationSyntax Declaration { get; }

    public string Key { get; }

    public ImmutableArray<string> ContainingKeys { get; }

    public ImmutableArray<string> AttributeNames { get; }
}

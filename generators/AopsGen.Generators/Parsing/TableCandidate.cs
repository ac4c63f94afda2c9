using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AopsGen.Generators;

/// <summary>
/// One class that may be an [AddressSpaceOperations] table, found in the syntax (<see cref="Find"/>), reduced to what decides
/// whether its model must be computed again: the syntax of every declaration of the class and of each type around it
/// (compared by reference, so a candidate is equal exactly when none of those trees changed). Nothing is bound to find it,
/// so after an edit only the changed trees are read again and no class is looked at semantically: whether the attribute
/// is AopsGen's, the table's name and the signatures are checked later, by <see cref="TableParser"/>, and only for
/// candidates that changed or when the <see cref="DeclarationFingerprint"/> did.
/// </summary>
internal sealed class TableCandidate : IEquatable<TableCandidate>
{
    private readonly WeakReference<Compilation> _compilation;

    private TableCandidate(ImmutableArray<SyntaxNode> declarations, bool checkEveryRun, Compilation compilation)
    {
        Declarations = declarations;
        CheckEveryRun = checkEveryRun;
        _compilation = new WeakReference<Compilation>(compilation);
    }

    /// <summary>The declaration carrying the attribute first, then every other declaration of the class and of the types around it.</summary>
    public ImmutableArray<SyntaxNode> Declarations { get; }

    /// <summary>
    /// The attribute has an argument that is not a literal (<c>[AddressSpaceOperations(Names.Fs)]</c>): a constant in another file
    /// can change the table's name without changing any declaration, so this candidate is never equal to an earlier one.
    /// </summary>
    public bool CheckEveryRun { get; }

    /// <summary>
    /// Every type declaration in <paramref name="file"/> with an attribute whose last name is [AddressSpaceOperations]'s or any
    /// using alias of the compilation (a superset of the tables: <see cref="TableParser"/> binds each and keeps AopsGen's),
    /// with the other parts of its class and of the types around it, from <paramref name="index"/>.
    /// </summary>
    public static ImmutableArray<TableCandidate> Find(FileTables file, TableIndex index, CancellationToken cancellationToken)
    {
        if (file.Attributed.IsEmpty || index.Compilation() is not Compilation compilation)
        {
            return ImmutableArray<TableCandidate>.Empty;
        }
        var candidates = ImmutableArray.CreateBuilder<TableCandidate>();
        foreach (AttributedType type in file.Attributed)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!MayCarryClassAttribute(type, index.AttributeNames))
            {
                continue;
            }
            var declarations = ImmutableArray.CreateBuilder<SyntaxNode>();
            declarations.Add(type.Declaration);
            AddOtherParts(index.Parts(type.Key), type.Declaration, declarations);
            foreach (string key in type.ContainingKeys)
            {
                AddOtherParts(index.Parts(key), type.Declaration, declarations);
            }
            candidates.Add(new TableCandidate(declarations.ToImmutable(), HasNonLiteralArgument(type.Declaration, index.AttributeNames), compilation));
        }
        return candidates.ToImmutable();
    }

    private static void AddOtherParts(IReadOnlyList<SyntaxNode> parts, SyntaxNode declaration, ImmutableArray<SyntaxNode>.Builder declarations)
    {
        foreach (SyntaxNode part in parts)
        {
            if (part != declaration)
            {
                declarations.Add(part);
            }
        }
    }

    private static bool MayCarryClassAttribute(AttributedType type, HashSet<string> names)
    {
        foreach (string name in type.AttributeNames)
        {
            if (names.Contains(name))
            {
                return true;
            }
        }
        return false;
    }

    private static bool HasNonLiteralArgument(TypeDeclarationSyntax declaration, HashSet<string> names)
    {
        foreach (AttributeListSyntax list in declaration.AttributeLists)
        {
            foreach (AttributeSyntax attribute in list.Attributes)
            {
                if (attribute.ArgumentList is null || !names.Contains(FileTables.LastName(attribute.Name)))
                {
                    continue;
                }
                foreach (AttributeArgumentSyntax argument in attribute.ArgumentList.Arguments)
                {
                    if (argument.Expression is not LiteralExpressionSyntax)
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /// <summary>
    /// A compilation to check this candidate in: one that holds every tree of <see cref="Declarations"/> and whose declarations
    /// match <paramref name="fingerprint"/> (the current one's). The fingerprint's own compilation when it is still alive and
    /// holds those trees (the fingerprint changed, or this class's trees predate it); otherwise the one this candidate was found
    /// in, which is the current compilation whenever the candidate changed. Weak references: a cached candidate must not keep
    /// an old compilation alive in the driver's tables.
    /// </summary>
    public Compilation CompilationFor(DeclarationFingerprint fingerprint)
    {
        if (fingerprint.LiveCompilation() is Compilation fingerprinted && HoldsDeclarations(fingerprinted))
        {
            return fingerprinted;
        }
        if (_compilation.TryGetTarget(out Compilation? found) && found is not null && HoldsDeclarations(found))
        {
            return found;
        }
        throw new InvalidOperationException("AopsGen: no live compilation holds the declarations of class '"
            + ((Declarations[0] as BaseTypeDeclarationSyntax)?.Identifier.ValueText ?? "?") + "'.");
    }

    private bool HoldsDeclarations(Compilation compilation)
    {
        foreach (SyntaxNode declaration in Declarations)
        {
            if (!compilation.ContainsSyntaxTree(declaration.SyntaxTree))
            {
                return false;
            }
        }
        return true;
    }

    public bool Equals(TableCandidate? other)
    {
        if (other is null || CheckEveryRun || other.CheckEveryRun || other.Declarations.Length != Declarations.Length)
        {
            return false;
        }
        for (int i = 0; i < Declarations.Length; i++)
        {
            if (!ReferenceEquals(Declarations[i], other.Declarations[i]))
            {
                return false;
            }
        }
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as TableCandidate);

    public override int GetHashCode()
    {
        int hash = 17;
        foreach (SyntaxNode declaration in Declarations)
        {
            hash = unchecked((hash * 31) + System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(declaration));
        }
        return hash;
    }
}

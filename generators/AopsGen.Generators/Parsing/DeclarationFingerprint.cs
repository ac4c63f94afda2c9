using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AopsGen.Generators;

/// <summary>
/// The declarations of one file that can change, from outside a table's own files, what a name in an op signature or
/// attribute binds to: every namespace and type declared (with the namespaces and types around it, kind, modifiers,
/// arity and base list, since a nested type of a base class is in scope too) and every <c>global using</c>. Method
/// bodies, fields and everything else inside a type are left out: editing them changes no name's meaning.
/// </summary>
internal sealed class FileDeclarations : IEquatable<FileDeclarations>
{
    private readonly string[] _lines;

    private FileDeclarations(string[] lines)
    {
        _lines = lines;
    }

    /// <summary>Reads the declarations of <paramref name="tree"/>; the walk stops at type members that are not types.</summary>
    public static FileDeclarations From(SyntaxTree tree, CancellationToken cancellationToken)
    {
        var root = (CompilationUnitSyntax)tree.GetRoot(cancellationToken);
        var lines = new List<string>();
        foreach (UsingDirectiveSyntax directive in root.Usings)
        {
            if (!directive.GlobalKeyword.IsKind(Microsoft.CodeAnalysis.CSharp.SyntaxKind.None))
            {
                lines.Add(directive.ToString());
            }
        }
        AddMembers(root.Members, string.Empty, lines);
        return new FileDeclarations(lines.ToArray());
    }

    private static void AddMembers(SyntaxList<MemberDeclarationSyntax> members, string container, List<string> lines)
    {
        foreach (MemberDeclarationSyntax member in members)
        {
            switch (member)
            {
                case BaseNamespaceDeclarationSyntax ns:
                    string name = container + FileTables.NamespaceName(ns.Name);
                    lines.Add("namespace " + name);
                    AddMembers(ns.Members, name + ".", lines);
                    break;
                case BaseTypeDeclarationSyntax type:
                    var line = new StringBuilder();
                    line.Append(type.Modifiers.ToString()).Append(' ');
                    string arity = "`0";
                    if (type is TypeDeclarationSyntax withMembers)
                    {
                        line.Append(withMembers.Keyword.ValueText).Append(' ');
                        arity = "`" + (withMembers.TypeParameterList?.Parameters.Count ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    }
                    else
                    {
                        line.Append("enum ");
                    }
                    string qualified = container + type.Identifier.ValueText + arity;
                    line.Append(qualified);
                    if (type.BaseList is not null)
                    {
                        line.Append(' ').Append(type.BaseList.ToString());
                    }
                    lines.Add(line.ToString());
                    if (type is TypeDeclarationSyntax nested)
                    {
                        AddMembers(nested.Members, qualified + "+", lines);
                    }
                    break;
                case DelegateDeclarationSyntax @delegate:
                    lines.Add(@delegate.Modifiers.ToString() + " delegate " + container + @delegate.Identifier.ValueText
                        + "`" + (@delegate.TypeParameterList?.Parameters.Count ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
            }
        }
    }

    public bool Equals(FileDeclarations? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }
        if (other is null || other._lines.Length != _lines.Length)
        {
            return false;
        }
        for (int i = 0; i < _lines.Length; i++)
        {
            if (!string.Equals(_lines[i], other._lines[i], StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as FileDeclarations);

    public override int GetHashCode()
    {
        int hash = 17;
        foreach (string line in _lines)
        {
            hash = unchecked((hash * 31) + StringComparer.Ordinal.GetHashCode(line));
        }
        return hash;
    }
}

/// <summary>
/// Everything outside a table's own files that its checks depend on: the <see cref="FileDeclarations"/> of every file, the
/// references (AopsGen's identity among them: a new AopsGen, or any assembly adding a type to an imported namespace, can
/// change what a name binds to), the assembly name (InternalsVisibleTo) and the compilation options. Equal fingerprints mean
/// that every op signature and attribute outside the changed trees binds as before, so a table whose trees did not change
/// keeps its model. It remembers, weakly, the compilation it was first computed from: one whose declarations match it.
/// </summary>
internal sealed class DeclarationFingerprint : IEquatable<DeclarationFingerprint>
{
    private readonly ImmutableArray<FileDeclarations> _files;
    private readonly ImmutableArray<MetadataReference> _references;
    private readonly string? _assemblyName;
    private readonly CompilationOptions _options;
    private readonly WeakReference<Compilation> _compilation;

    public DeclarationFingerprint(ImmutableArray<FileDeclarations> files, Compilation compilation)
    {
        _files = files;
        _references = compilation.References.ToImmutableArray();
        _assemblyName = compilation.AssemblyName;
        _options = compilation.Options;
        _compilation = new WeakReference<Compilation>(compilation);
    }

    /// <summary>
    /// What names in op attributes and signatures bound to, by scope key (<see cref="SyntaxTableReader"/>): the same in every
    /// compilation with an equal fingerprint, so kept with it. Not part of equality.
    /// </summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, ScopeAnswers> Scopes { get; } = new(StringComparer.Ordinal);

    /// <summary>The compilation this fingerprint was computed from, while it is alive.</summary>
    public Compilation? LiveCompilation() => _compilation.TryGetTarget(out Compilation? compilation) ? compilation : null;

    public bool Equals(DeclarationFingerprint? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }
        if (other is null
            || !string.Equals(_assemblyName, other._assemblyName, StringComparison.Ordinal)
            || _files.Length != other._files.Length
            || _references.Length != other._references.Length
            || !_options.Equals(other._options))
        {
            return false;
        }
        for (int i = 0; i < _references.Length; i++)
        {
            if (!_references[i].Equals(other._references[i]))
            {
                return false;
            }
        }
        for (int i = 0; i < _files.Length; i++)
        {
            if (!_files[i].Equals(other._files[i]))
            {
                return false;
            }
        }
        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as DeclarationFingerprint);

    public override int GetHashCode() => unchecked((_files.Length * 31) + _references.Length);
}

using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace AopsGen.Generators;

/// <summary>
/// A type of the op catalog (<see cref="OpParameter.TypeForMatching"/>: <c>int</c>, <c>global::AopsGen.Page</c>,
/// <c>global::System.ReadOnlySpan&lt;global::AopsGen.IoVec&gt;</c>) compared with a symbol by its parts: the answer of
/// comparing <see cref="SymbolDisplayFormat.FullyQualifiedFormat"/>'s text with the catalog's (nullability aside), without
/// building that text, which made the signature check most of the generator's and analyzers' time.
/// </summary>
internal sealed class TypePattern
{
    private static readonly Dictionary<string, SpecialType> Keywords = new()
    {
        ["void"] = SpecialType.System_Void,
        ["bool"] = SpecialType.System_Boolean,
        ["int"] = SpecialType.System_Int32,
        ["uint"] = SpecialType.System_UInt32,
        ["long"] = SpecialType.System_Int64,
        ["ulong"] = SpecialType.System_UInt64,
        ["object"] = SpecialType.System_Object,
    };

    private readonly SpecialType _keyword;
    private readonly string[] _namespace;
    private readonly string _name;
    private readonly ImmutableArray<TypePattern> _typeArguments;

    private TypePattern(SpecialType keyword, string[] ns, string name, ImmutableArray<TypePattern> typeArguments)
    {
        _keyword = keyword;
        _namespace = ns;
        _name = name;
        _typeArguments = typeArguments;
    }

    /// <summary>Reads a catalog type: a keyword of <see cref="Keywords"/>, or <c>global::</c> namespace, name and type arguments.</summary>
    public static TypePattern Parse(string text)
    {
        int position = 0;
        TypePattern pattern = Parse(text, ref position);
        if (position != text.Length)
        {
            throw new System.ArgumentException("not a catalog type: " + text, nameof(text));
        }
        return pattern;
    }

    private static TypePattern Parse(string text, ref int position)
    {
        int start = position;
        while (position < text.Length && text[position] != '<' && text[position] != ',' && text[position] != '>')
        {
            position++;
        }
        string qualified = text.Substring(start, position - start).Trim();
        var arguments = ImmutableArray<TypePattern>.Empty;
        if (position < text.Length && text[position] == '<')
        {
            ImmutableArray<TypePattern>.Builder builder = ImmutableArray.CreateBuilder<TypePattern>();
            do
            {
                position++;
                builder.Add(Parse(text, ref position));
            }
            while (position < text.Length && text[position] == ',');
            if (position >= text.Length || text[position] != '>')
            {
                throw new System.ArgumentException("unclosed type argument list: " + text, nameof(text));
            }
            position++;
            arguments = builder.ToImmutable();
        }
        if (arguments.IsEmpty && Keywords.TryGetValue(qualified, out SpecialType keyword))
        {
            return new TypePattern(keyword, System.Array.Empty<string>(), qualified, arguments);
        }
        const string Global = "global::";
        if (!qualified.StartsWith(Global, System.StringComparison.Ordinal))
        {
            throw new System.ArgumentException("a catalog type is a keyword or starts with global::: " + text, nameof(text));
        }
        string[] parts = qualified.Substring(Global.Length).Split('.');
        string[] ns = new string[parts.Length - 1];
        System.Array.Copy(parts, ns, ns.Length);
        return new TypePattern(SpecialType.None, ns, parts[parts.Length - 1], arguments);
    }

    /// <summary>Whether <paramref name="type"/> is this type (nullable reference annotations are not looked at).</summary>
    public bool Matches(ITypeSymbol type)
    {
        if (_keyword != SpecialType.None)
        {
            return type.SpecialType == _keyword;
        }
        if (type is not INamedTypeSymbol named
            || named.TypeKind == TypeKind.Error
            || named.SpecialType != SpecialType.None
            || named.ContainingType is not null
            || named.Arity != _typeArguments.Length
            || named.Name != _name)
        {
            return false;
        }
        INamespaceSymbol? ns = named.ContainingNamespace;
        for (int i = _namespace.Length - 1; i >= 0; i--)
        {
            if (ns is null || ns.IsGlobalNamespace || ns.Name != _namespace[i])
            {
                return false;
            }
            ns = ns.ContainingNamespace;
        }
        if (ns is null || !ns.IsGlobalNamespace)
        {
            return false;
        }
        for (int i = 0; i < _typeArguments.Length; i++)
        {
            if (!_typeArguments[i].Matches(named.TypeArguments[i]))
            {
                return false;
            }
        }
        return true;
    }
}

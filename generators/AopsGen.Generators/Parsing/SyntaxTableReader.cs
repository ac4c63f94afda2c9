using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AopsGen.Generators;

/// <summary>
/// Fills a table's op slots from the class's syntax, as <see cref="TableValidation.CheckType"/> and
/// <see cref="TableValidation.BoundOps"/> would from its symbols, without binding every op method's attributes and
/// parameters (most of a cold run's time: the compiler builds each class's members, binds each attribute with its
/// arguments, and binds each parameter type). What a name in an attribute or a signature binds to depends only on the
/// scope it is written in: the namespaces around it with their <c>using</c> directives (the <see cref="ScopeKey"/>), the
/// compilation's declarations, references and global usings (the <see cref="DeclarationFingerprint"/>), and the types the
/// class and the classes around it declare or inherit. So each (scope, attribute name) and each (scope, type as written)
/// is bound once per fingerprint, by the compiler, on the first method that uses it (<see cref="Resolve"/>), and the answer
/// serves every other method written in the same scope, in this class and the next.
/// <para>
/// The syntax cannot tell when the class or a class around it has a base list (a base type's nested types are in scope),
/// declares a nested type whose name the signature or attribute uses, or has a partial method (whose parts merge their
/// attributes); then <see cref="TryRead"/> returns false and the caller binds the class (the reason is never a guess).</para>
/// </summary>
internal static class SyntaxTableReader
{
    /// <summary>Every distinct type of the catalog's signatures (<see cref="OpParameter.TypeForMatching"/>, return types).</summary>
    private static readonly string[] PatternTexts = OpCatalog.All
        .SelectMany(op => new[] { op.ReturnType }.Concat(op.Parameters.Select(p => p.TypeForMatching)))
        .Distinct(System.StringComparer.Ordinal)
        .ToArray();

    private static readonly TypePattern[] Patterns = PatternTexts.Select(TypePattern.Parse).ToArray();

    /// <summary>Each op's signature as indexes in <see cref="Patterns"/>: the return type's, then each parameter's.</summary>
    private static readonly int[][] Signatures = OpCatalog.All
        .Select(op => new[] { op.ReturnType }.Concat(op.Parameters.Select(p => p.TypeForMatching)).Select(text => System.Array.IndexOf(PatternTexts, text)).ToArray())
        .ToArray();

    /// <summary>
    /// The method each op slot of <paramref name="type"/> gets (by op), or null when the type cannot hold a table; false when the
    /// syntax cannot tell (see the class summary). <paramref name="compilation"/> matches <paramref name="fingerprint"/>; the
    /// fingerprint holds the answers already bound.
    /// </summary>
    public static bool TryRead(INamedTypeSymbol type, DeclarationFingerprint fingerprint, Compilation compilation, CancellationToken cancellationToken, out Dictionary<OpKind, string>? slots)
    {
        slots = null;
        List<TypeDeclarationSyntax>? parts = Parts(type, cancellationToken);
        if (parts is null)
        {
            return false;
        }
        HashSet<string>? shadowing = null;
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            List<TypeDeclarationSyntax>? declarations = ReferenceEquals(current, type) ? parts : Parts(current, cancellationToken);
            if (declarations is null)
            {
                return false;
            }
            foreach (TypeDeclarationSyntax declaration in declarations)
            {
                if (declaration.BaseList is not null)
                {
                    return false;
                }
                AddNestedTypeNames(declaration, ref shadowing);
            }
        }

        if (TableValidation.UnsupportedKindReason(type) is not null
            || TableValidation.FirstNonPartial(type, cancellationToken) is not null
            || DeclaresGeneratedMember(parts))
        {
            return true;
        }

        var bound = new Dictionary<OpKind, string>();
        var orders = new (string Path, int Position)[OpCatalog.All.Length];
        foreach (TypeDeclarationSyntax part in parts)
        {
            ScopeAnswers? scope = null;
            foreach (MemberDeclarationSyntax member in part.Members)
            {
                if (member is not MethodDeclarationSyntax method)
                {
                    continue;
                }
                if (method.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    return false;
                }
                if (method.AttributeLists.Count == 0 || method.TypeParameterList is not null || method.ExplicitInterfaceSpecifier is not null)
                {
                    // A generic or explicit method never fills a slot (HasSignature), whatever its attributes say.
                    continue;
                }
                scope ??= fingerprint.Scopes.GetOrAdd(ScopeKey(part), static _ => new ScopeAnswers());
                uint ops = 0;
                foreach (AttributeListSyntax list in method.AttributeLists)
                {
                    // The attributes the compiler puts on the method itself: lists without a target or with 'method:'.
                    if (list.Target is not null && !list.Target.Identifier.IsKind(SyntaxKind.MethodKeyword))
                    {
                        continue;
                    }
                    foreach (AttributeSyntax attribute in list.Attributes)
                    {
                        if (Shadowed(attribute.Name, shadowing, attributeName: true)
                            || !TryAnswer(scope.Attributes, attribute.Name, method, scope, shadowing, compilation, cancellationToken, out int op))
                        {
                            return false;
                        }
                        ops |= op >= 0 ? 1u << op : 0;
                    }
                }
                for (int op = 0; ops != 0; op++, ops >>= 1)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if ((ops & 1) == 0)
                    {
                        continue;
                    }
                    if (!TryMatch(method, OpCatalog.All[op], scope, shadowing, compilation, cancellationToken, out bool matches))
                    {
                        return false;
                    }
                    (string Path, int Position) order = (method.SyntaxTree.FilePath, method.Identifier.SpanStart);
                    if (matches && (!bound.ContainsKey((OpKind)op) || TableValidation.IsEarlierInSource(order, orders[op])))
                    {
                        bound[(OpKind)op] = method.Identifier.ValueText;
                        orders[op] = order;
                    }
                }
            }
        }
        slots = bound;
        return true;
    }

    /// <summary>The type's declarations, or null when one is not a class, struct, interface or record declaration.</summary>
    private static List<TypeDeclarationSyntax>? Parts(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        var parts = new List<TypeDeclarationSyntax>(type.DeclaringSyntaxReferences.Length);
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            SyntaxNode declaration = reference.GetSyntax(cancellationToken);
            if (declaration is not (ClassDeclarationSyntax or StructDeclarationSyntax or InterfaceDeclarationSyntax or RecordDeclarationSyntax))
            {
                return null;
            }
            parts.Add((TypeDeclarationSyntax)declaration);
        }
        return parts;
    }

    private static void AddNestedTypeNames(TypeDeclarationSyntax declaration, ref HashSet<string>? names)
    {
        foreach (MemberDeclarationSyntax member in declaration.Members)
        {
            SyntaxToken? name = member switch
            {
                BaseTypeDeclarationSyntax nested => nested.Identifier,
                DelegateDeclarationSyntax nested => nested.Identifier,
                _ => null,
            };
            if (name is SyntaxToken identifier)
            {
                (names ??= new HashSet<string>(System.StringComparer.Ordinal)).Add(identifier.ValueText);
            }
        }
    }

    /// <summary>Whether a name in <paramref name="syntax"/> (for an attribute, also with <c>Attribute</c> added) is a nested type in scope.</summary>
    private static bool Shadowed(TypeSyntax syntax, HashSet<string>? shadowing, bool attributeName)
    {
        if (shadowing is null)
        {
            return false;
        }
        foreach (SyntaxNode node in syntax.DescendantNodesAndSelf())
        {
            if (node is SimpleNameSyntax name
                && (shadowing.Contains(name.Identifier.ValueText) || (attributeName && shadowing.Contains(name.Identifier.ValueText + "Attribute"))))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The syntax side of <see cref="TableValidation.CheckType"/>'s <see cref="TypeProblem.GeneratedMemberClash"/>: a member named as one the generator adds.</summary>
    private static bool DeclaresGeneratedMember(List<TypeDeclarationSyntax> parts)
    {
        foreach (TypeDeclarationSyntax part in parts)
        {
            foreach (MemberDeclarationSyntax member in part.Members)
            {
                if (member is BaseFieldDeclarationSyntax field)
                {
                    foreach (VariableDeclaratorSyntax variable in field.Declaration.Variables)
                    {
                        if (IsGeneratedMemberName(variable.Identifier))
                        {
                            return true;
                        }
                    }
                }
                else if (MemberName(member) is SyntaxToken name && IsGeneratedMemberName(name))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static bool IsGeneratedMemberName(SyntaxToken name) => System.Array.IndexOf(TableValidation.GeneratedMemberNames, name.ValueText) >= 0;

    /// <summary>The name a member declaration gives its member (explicit interface implementations, fields and unnamed members: none).</summary>
    private static SyntaxToken? MemberName(MemberDeclarationSyntax member) => member switch
    {
        MethodDeclarationSyntax { ExplicitInterfaceSpecifier: null } method => method.Identifier,
        PropertyDeclarationSyntax { ExplicitInterfaceSpecifier: null } property => property.Identifier,
        EventDeclarationSyntax { ExplicitInterfaceSpecifier: null } @event => @event.Identifier,
        BaseTypeDeclarationSyntax nested => nested.Identifier,
        DelegateDeclarationSyntax nested => nested.Identifier,
        _ => null,
    };

    /// <summary>
    /// Whether <paramref name="method"/> (neither generic nor an explicit interface implementation) has <paramref name="op"/>'s
    /// signature, as <see cref="TableValidation.CheckMethod"/> says of a method that is not partial: static, not by-ref,
    /// each type and ref kind the op's. False when a type's name is shadowed or cannot be bound.
    /// </summary>
    private static bool TryMatch(MethodDeclarationSyntax method, OpDescriptor op, ScopeAnswers scope, HashSet<string>? shadowing,
        Compilation compilation, CancellationToken cancellationToken, out bool matches)
    {
        matches = false;
        SeparatedSyntaxList<ParameterSyntax> parameters = method.ParameterList.Parameters;
        if (!method.Modifiers.Any(SyntaxKind.StaticKeyword) || method.ReturnType is RefTypeSyntax || parameters.Count != op.Parameters.Length)
        {
            return true;
        }
        for (int i = 0; i <= parameters.Count; i++)
        {
            TypeSyntax? type = i == 0 ? method.ReturnType : parameters[i - 1].Type;
            if (type is null || (i > 0 && RefKindOf(parameters[i - 1]) != op.Parameters[i - 1].RefKind))
            {
                return true;
            }
            if (Shadowed(type, shadowing, attributeName: false)
                || !TryAnswer(scope.Types, type, method, scope, shadowing, compilation, cancellationToken, out int pattern))
            {
                return false;
            }
            if (pattern != Signatures[(int)op.Kind][i])
            {
                return true;
            }
        }
        matches = true;
        return true;
    }

    private static RefKind RefKindOf(ParameterSyntax parameter)
    {
        bool isRef = false;
        foreach (SyntaxToken modifier in parameter.Modifiers)
        {
            switch (modifier.Kind())
            {
                case SyntaxKind.OutKeyword:
                    return RefKind.Out;
                case SyntaxKind.InKeyword:
                    return RefKind.In;
                case SyntaxKind.RefKeyword:
                    isRef = true;
                    break;
                case SyntaxKind.ReadOnlyKeyword when isRef:
                    return RefKind.RefReadOnlyParameter;
            }
        }
        return isRef ? RefKind.Ref : RefKind.None;
    }

    /// <summary>The index of the pattern <paramref name="type"/> matches, or -1.</summary>
    private static int PatternIndex(ITypeSymbol type)
    {
        for (int i = 0; i < Patterns.Length; i++)
        {
            if (Patterns[i].Matches(type))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The answer for <paramref name="name"/>, bound on <paramref name="method"/> when no method of the scope has bound it yet.</summary>
    private static bool TryAnswer(ConcurrentDictionary<string, int> answers, TypeSyntax name, MethodDeclarationSyntax method, ScopeAnswers scope,
        HashSet<string>? shadowing, Compilation compilation, CancellationToken cancellationToken, out int answer)
        => answers.TryGetValue(Written(name), out answer)
           || (Resolve(method, scope, shadowing, compilation, cancellationToken) && answers.TryGetValue(Written(name), out answer));

    /// <summary>A name or type as written, the key of an answer: a plain name or keyword is the token's own text (no new string).</summary>
    private static string Written(TypeSyntax name) => name switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.Text,
        PredefinedTypeSyntax keyword => keyword.Keyword.Text,
        _ => name.ToString(),
    };

    /// <summary>
    /// Binds <paramref name="method"/> as <see cref="TableValidation"/> does and records, for its scope, what each of its
    /// attributes and each type of its signature turned out to be; not a name a nested type of this class or of a class around
    /// it may shadow (<paramref name="shadowing"/>): that answer holds for this class only.
    /// </summary>
    private static bool Resolve(MethodDeclarationSyntax method, ScopeAnswers scope, HashSet<string>? shadowing, Compilation compilation, CancellationToken cancellationToken)
    {
        if (compilation.GetSemanticModel(method.SyntaxTree).GetDeclaredSymbol(method, cancellationToken) is not IMethodSymbol symbol)
        {
            return false;
        }
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            if (attribute.ApplicationSyntaxReference is { } reference && reference.SyntaxTree == method.SyntaxTree
                && reference.GetSyntax(cancellationToken) is AttributeSyntax { Parent.Parent: var owner } syntax && owner == method
                && !Shadowed(syntax.Name, shadowing, attributeName: true))
            {
                scope.Attributes[Written(syntax.Name)] = TableValidation.FindOp(attribute.AttributeClass) is OpDescriptor op ? (int)op.Kind : -1;
            }
        }
        if (method.ReturnType is not RefTypeSyntax && !symbol.ReturnsByRef && !symbol.ReturnsByRefReadonly
            && !Shadowed(method.ReturnType, shadowing, attributeName: false))
        {
            scope.Types[Written(method.ReturnType)] = PatternIndex(symbol.ReturnType);
        }
        SeparatedSyntaxList<ParameterSyntax> parameters = method.ParameterList.Parameters;
        if (symbol.Parameters.Length == parameters.Count)
        {
            for (int i = 0; i < parameters.Count; i++)
            {
                if (parameters[i].Type is TypeSyntax type && !Shadowed(type, shadowing, attributeName: false))
                {
                    scope.Types[Written(type)] = PatternIndex(symbol.Parameters[i].Type);
                }
            }
        }
        return true;
    }

    /// <summary>
    /// What, around a type declaration, decides what a name in it binds to (besides the compilation's declarations and the types
    /// around it): each enclosing namespace with its extern aliases and usings, and those of the file; and the file itself when
    /// it declares a <c>file</c> type (visible in that file only).
    /// </summary>
    private static string ScopeKey(TypeDeclarationSyntax part)
    {
        var key = new StringBuilder(256);
        var namespaces = new Stack<BaseNamespaceDeclarationSyntax>();
        for (SyntaxNode? node = part.Parent; node is not null; node = node.Parent)
        {
            if (node is BaseNamespaceDeclarationSyntax ns)
            {
                namespaces.Push(ns);
            }
            else if (node is CompilationUnitSyntax unit)
            {
                AppendImports(key, unit.Externs, unit.Usings);
                if (DeclaresFileLocalType(unit.Members))
                {
                    key.Append("file ").Append(part.SyntaxTree.FilePath).Append('\n');
                }
            }
        }
        foreach (BaseNamespaceDeclarationSyntax ns in namespaces)
        {
            key.Append("namespace ").Append(ns.Name).Append('\n');
            AppendImports(key, ns.Externs, ns.Usings);
        }
        return key.ToString();
    }

    private static void AppendImports(StringBuilder key, SyntaxList<ExternAliasDirectiveSyntax> externs, SyntaxList<UsingDirectiveSyntax> usings)
    {
        foreach (ExternAliasDirectiveSyntax directive in externs)
        {
            key.Append(directive).Append('\n');
        }
        foreach (UsingDirectiveSyntax directive in usings)
        {
            key.Append(directive).Append('\n');
        }
    }

    private static bool DeclaresFileLocalType(SyntaxList<MemberDeclarationSyntax> members)
    {
        foreach (MemberDeclarationSyntax member in members)
        {
            if (member is BaseNamespaceDeclarationSyntax ns ? DeclaresFileLocalType(ns.Members) : member.Modifiers.Any(SyntaxKind.FileKeyword))
            {
                return true;
            }
        }
        return false;
    }
}

/// <summary>
/// What names written in one scope (<see cref="SyntaxTableReader"/>'s scope key) bound to, as the compiler bound them on the first
/// method that used them: the same for every method of the scope, in every compilation with an equal <see cref="DeclarationFingerprint"/>.
/// </summary>
internal sealed class ScopeAnswers
{
    /// <summary>An attribute's name as written (<c>ReadPage</c>, <c>AopsGen.ReadPageAttribute</c>) → its <see cref="OpKind"/>, or -1 for any other attribute.</summary>
    public ConcurrentDictionary<string, int> Attributes { get; } = new(System.StringComparer.Ordinal);

    /// <summary>A type as written (<c>Page?</c>, <c>ReadOnlySpan&lt;IoVec&gt;</c>) → the catalog type it is, as an index of the reader's patterns, or -1.</summary>
    public ConcurrentDictionary<string, int> Types { get; } = new(System.StringComparer.Ordinal);
}

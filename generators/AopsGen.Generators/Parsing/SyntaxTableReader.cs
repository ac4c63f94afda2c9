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
        var shadowing = new HashSet<string>(System.StringComparer.Ordinal);
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
                AddNestedTypeNames(declaration, shadowing);
            }
        }

        if (TableValidation.UnsupportedKindReason(type) is not null
            || TableValidation.FirstNonPartial(type, cancellationToken) is not null
            || DeclaresGeneratedMember(parts))
        {
            return true;
        }

        var bound = new Dictionary<OpKind, (string Name, (string Path, int Position) Order)>();
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
                List<OpKind>? ops = null;
                foreach (AttributeSyntax attribute in MethodAttributes(method))
                {
                    if (Shadowed(attribute.Name, shadowing, attributeName: true)
                        || !TryAnswer(scope.Attributes, attribute.Name.ToString(), method, scope, shadowing, compilation, cancellationToken, out int op))
                    {
                        return false;
                    }
                    if (op >= 0)
                    {
                        (ops ??= new List<OpKind>()).Add((OpKind)op);
                    }
                }
                if (ops is null)
                {
                    continue;
                }
                if (!TryReadSignature(method, scope, shadowing, compilation, cancellationToken, out int[]? signature))
                {
                    return false;
                }
                foreach (OpKind op in ops)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (signature is null || !Matches(signature, method, OpCatalog.All[(int)op]))
                    {
                        continue;
                    }
                    (string Path, int Position) order = (method.SyntaxTree.FilePath, method.Identifier.SpanStart);
                    if (!bound.TryGetValue(op, out var existing) || TableValidation.IsEarlierInSource(order, existing.Order))
                    {
                        bound[op] = (method.Identifier.ValueText, order);
                    }
                }
            }
        }
        slots = bound.ToDictionary(pair => pair.Key, pair => pair.Value.Name);
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

    private static void AddNestedTypeNames(TypeDeclarationSyntax declaration, HashSet<string> names)
    {
        foreach (MemberDeclarationSyntax member in declaration.Members)
        {
            switch (member)
            {
                case BaseTypeDeclarationSyntax nested:
                    names.Add(nested.Identifier.ValueText);
                    break;
                case DelegateDeclarationSyntax nested:
                    names.Add(nested.Identifier.ValueText);
                    break;
            }
        }
    }

    /// <summary>Whether a name in <paramref name="syntax"/> (for an attribute, also with <c>Attribute</c> added) is a nested type in scope.</summary>
    private static bool Shadowed(TypeSyntax syntax, HashSet<string> shadowing, bool attributeName)
    {
        if (shadowing.Count == 0)
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
                foreach (SyntaxToken name in MemberNames(member))
                {
                    if (System.Array.IndexOf(TableValidation.GeneratedMemberNames, name.ValueText) >= 0)
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /// <summary>The names a member declaration gives to members of its type (explicit interface implementations give none).</summary>
    private static IEnumerable<SyntaxToken> MemberNames(MemberDeclarationSyntax member)
    {
        switch (member)
        {
            case MethodDeclarationSyntax { ExplicitInterfaceSpecifier: null } method:
                yield return method.Identifier;
                break;
            case PropertyDeclarationSyntax { ExplicitInterfaceSpecifier: null } property:
                yield return property.Identifier;
                break;
            case EventDeclarationSyntax { ExplicitInterfaceSpecifier: null } @event:
                yield return @event.Identifier;
                break;
            case BaseFieldDeclarationSyntax field:
                foreach (VariableDeclaratorSyntax variable in field.Declaration.Variables)
                {
                    yield return variable.Identifier;
                }
                break;
            case BaseTypeDeclarationSyntax nested:
                yield return nested.Identifier;
                break;
            case DelegateDeclarationSyntax nested:
                yield return nested.Identifier;
                break;
        }
    }

    /// <summary>The attributes the compiler puts on the method itself: lists without a target or with <c>method:</c>.</summary>
    private static IEnumerable<AttributeSyntax> MethodAttributes(MethodDeclarationSyntax method)
    {
        foreach (AttributeListSyntax list in method.AttributeLists)
        {
            if (list.Target is null || list.Target.Identifier.IsKind(SyntaxKind.MethodKeyword))
            {
                foreach (AttributeSyntax attribute in list.Attributes)
                {
                    yield return attribute;
                }
            }
        }
    }

    /// <summary>
    /// The method's signature as pattern indexes (return type first, then each parameter's), or null when no op's slot can take
    /// the method whatever its types (not static, by-ref return, <c>__arglist</c>); false when a type's name is shadowed or
    /// cannot be bound. The method is neither generic nor an explicit interface implementation.
    /// </summary>
    private static bool TryReadSignature(MethodDeclarationSyntax method, ScopeAnswers scope, HashSet<string> shadowing, Compilation compilation, CancellationToken cancellationToken, out int[]? signature)
    {
        signature = null;
        if (!method.Modifiers.Any(SyntaxKind.StaticKeyword) || method.ReturnType is RefTypeSyntax)
        {
            return true;
        }
        SeparatedSyntaxList<ParameterSyntax> parameters = method.ParameterList.Parameters;
        var types = new int[parameters.Count + 1];
        for (int i = 0; i <= parameters.Count; i++)
        {
            TypeSyntax? type = i == 0 ? method.ReturnType : parameters[i - 1].Type;
            if (type is null)
            {
                return true;
            }
            if (Shadowed(type, shadowing, attributeName: false)
                || !TryAnswer(scope.Types, type.ToString(), method, scope, shadowing, compilation, cancellationToken, out types[i]))
            {
                return false;
            }
        }
        signature = types;
        return true;
    }

    /// <summary>The syntax side of <see cref="TableValidation.HasSignature"/>, the method being static, ordinary and not generic.</summary>
    private static bool Matches(int[] signature, MethodDeclarationSyntax method, OpDescriptor op)
    {
        if (signature.Length != op.Parameters.Length + 1 || signature[0] != PatternIndex(op.ReturnType))
        {
            return false;
        }
        for (int i = 0; i < op.Parameters.Length; i++)
        {
            if (RefKindOf(method.ParameterList.Parameters[i]) != op.Parameters[i].RefKind
                || signature[i + 1] != PatternIndex(op.Parameters[i].TypeForMatching))
            {
                return false;
            }
        }
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

    private static int PatternIndex(string text) => System.Array.IndexOf(PatternTexts, text);

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

    /// <summary>The answer for <paramref name="written"/>, bound on <paramref name="method"/> when no method of the scope has bound it yet.</summary>
    private static bool TryAnswer(ConcurrentDictionary<string, int> answers, string written, MethodDeclarationSyntax method, ScopeAnswers scope,
        HashSet<string> shadowing, Compilation compilation, CancellationToken cancellationToken, out int answer)
        => answers.TryGetValue(written, out answer)
           || (Resolve(method, scope, shadowing, compilation, cancellationToken) && answers.TryGetValue(written, out answer));

    /// <summary>
    /// Binds <paramref name="method"/> as <see cref="TableValidation"/> does and records, for its scope, what each of its
    /// attributes and each type of its signature turned out to be; not a name a nested type of this class or of a class around
    /// it may shadow (<paramref name="shadowing"/>): that answer holds for this class only.
    /// </summary>
    private static bool Resolve(MethodDeclarationSyntax method, ScopeAnswers scope, HashSet<string> shadowing, Compilation compilation, CancellationToken cancellationToken)
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
                scope.Attributes[syntax.Name.ToString()] = TableValidation.FindOp(attribute.AttributeClass) is OpDescriptor op ? (int)op.Kind : -1;
            }
        }
        if (method.ReturnType is not RefTypeSyntax && !symbol.ReturnsByRef && !symbol.ReturnsByRefReadonly
            && !Shadowed(method.ReturnType, shadowing, attributeName: false))
        {
            scope.Types[method.ReturnType.ToString()] = PatternIndex(symbol.ReturnType);
        }
        SeparatedSyntaxList<ParameterSyntax> parameters = method.ParameterList.Parameters;
        if (symbol.Parameters.Length == parameters.Count)
        {
            for (int i = 0; i < parameters.Count; i++)
            {
                if (parameters[i].Type is TypeSyntax type && !Shadowed(type, shadowing, attributeName: false))
                {
                    scope.Types[type.ToString()] = PatternIndex(symbol.Parameters[i].Type);
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
        var key = new StringBuilder();
        for (SyntaxNode? node = part.Parent; node is not null; node = node.Parent)
        {
            switch (node)
            {
                case BaseNamespaceDeclarationSyntax ns:
                    key.Insert(0, "namespace " + ns.Name + " {" + string.Join(";", ns.Externs) + ";" + string.Join(";", ns.Usings) + "}");
                    break;
                case CompilationUnitSyntax unit:
                    key.Insert(0, string.Join(";", unit.Externs) + ";" + string.Join(";", unit.Usings) + ";"
                        + (DeclaresFileLocalType(unit.Members) ? "file " + part.SyntaxTree.FilePath : string.Empty));
                    break;
            }
        }
        return key.ToString();
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

using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AopsGen.Generators;

/// <summary>What makes an [AddressSpaceOperations] type unusable for generation.</summary>
internal enum TypeProblem
{
    None,

    /// <summary>The type, or a type containing it, is not <c>partial</c> (AOPS001).</summary>
    NotPartial,

    /// <summary>The type is generic or nested in a generic type, is not a class, or is file-local (AOPS010).</summary>
    NotSupportedKind,

    /// <summary>The type declares a member the generator adds (<c>Operations</c>, <c>StaticOps</c>, ...) (AOPS012).</summary>
    GeneratedMemberClash,
}

/// <summary>What makes an op method unusable in its table slot; <see cref="TableValidation.CheckMethod"/> returns all that apply.</summary>
[System.Flags]
internal enum MethodProblem
{
    None = 0,

    /// <summary>The method is not <c>static</c> (AOPS002).</summary>
    NotStatic = 1,

    /// <summary>Return type, parameter types or ref kinds differ from the op's, or the method is generic (AOPS003).</summary>
    WrongSignature = 2,

    /// <summary>A partial method with no implementing part: it has no address to take (the compiler removes it) (AOPS013).</summary>
    NoImplementation = 4,
}

/// <summary>One op attribute found on a method.</summary>
internal readonly struct OpMethod
{
    public OpMethod(IMethodSymbol method, OpDescriptor op, AttributeData attribute)
    {
        Method = method;
        Op = op;
        Attribute = attribute;
    }

    public IMethodSymbol Method { get; }

    public OpDescriptor Op { get; }

    public AttributeData Attribute { get; }
}

/// <summary>
/// The checks shared by the generator (which skips what fails them) and the analyzers (which report it):
/// one definition of "valid", so that what an analyzer accepts is exactly what the generator emits.
/// </summary>
internal static class TableValidation
{
    /// <summary>Names of the members the generator adds to a table class.</summary>
    public static readonly string[] GeneratedMemberNames = { "Operations", "StaticOps", "__AopsCreateOperations" };

    /// <summary>Whether <paramref name="attributeClass"/> is <c>AopsGen.AddressSpaceOperationsAttribute</c>.</summary>
    public static bool IsClassAttribute(INamedTypeSymbol? attributeClass)
        => attributeClass is not null && IsAopsGenType(attributeClass, "AddressSpaceOperationsAttribute");

    /// <summary>The op whose attribute <paramref name="attributeClass"/> is, or null.</summary>
    public static OpDescriptor? FindOp(INamedTypeSymbol? attributeClass)
    {
        if (attributeClass is null || !attributeClass.Name.EndsWith("Attribute", System.StringComparison.Ordinal)
            || !IsInAopsGenNamespace(attributeClass))
        {
            return null;
        }
        return OpCatalog.FindByAttributeName(attributeClass.MetadataName);
    }

    /// <summary>Checks the type an [AddressSpaceOperations] attribute is on.</summary>
    public static TypeProblem CheckType(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (UnsupportedKindReason(type) is not null)
        {
            return TypeProblem.NotSupportedKind;
        }
        if (FirstNonPartial(type, cancellationToken) is not null)
        {
            return TypeProblem.NotPartial;
        }
        foreach (string name in GeneratedMemberNames)
        {
            if (!type.GetMembers(name).IsEmpty || !type.GetTypeMembers(name).IsEmpty)
            {
                return TypeProblem.GeneratedMemberClash;
            }
        }
        return TypeProblem.None;
    }

    /// <summary>
    /// Why the type cannot hold a table (the reason AOPS010 gives), or null when it can: a class, not a record, not generic,
    /// not nested in a generic type, and neither it nor a type around it file-local (the <see cref="TypeProblem.NotSupportedKind"/>
    /// part of <see cref="CheckType"/>). A <c>file</c> type cannot be reopened from the generated file (a partial declaration
    /// there would be another type), and its metadata name (<c>&lt;Source&gt;F…__Fs</c>) is no valid hint name.
    /// </summary>
    public static string? UnsupportedKindReason(INamedTypeSymbol type)
    {
        if (type.Arity > 0)
        {
            return "it is generic, and a table is one object per class";
        }
        for (INamedTypeSymbol? containing = type.ContainingType; containing is not null; containing = containing.ContainingType)
        {
            if (containing.IsGenericType)
            {
                return "it is nested in generic type '" + containing.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) + "', and a table is one object per class";
            }
        }
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsFileLocal)
            {
                return "'" + current.Name + "' is a file-local type, and the generator adds the table in a file of its own";
            }
        }
        return type switch
        {
            { IsRecord: true } => "it is a record; declare it as a class",
            { TypeKind: TypeKind.Class } => null,
            { TypeKind: TypeKind.Struct } => "it is a struct; declare it as a class",
            { TypeKind: TypeKind.Interface } => "it is an interface; declare it as a class",
            _ => "it is not a class",
        };
    }

    /// <summary>
    /// The first member of <paramref name="type"/> named as a member the generator adds (<see cref="GeneratedMemberNames"/>),
    /// leaving out the members this generator emitted itself (marked <c>[GeneratedCode("AopsGen.Generators", ...)]</c>), or null.
    /// The generator never sees its own output, so for it this is the <see cref="TypeProblem.GeneratedMemberClash"/> part of
    /// <see cref="CheckType"/>; an analyzer, which sees the generated <c>Operations</c> and <c>StaticOps</c> beside the user's
    /// code, needs the filter to reach the same answer.
    /// </summary>
    public static ISymbol? FindGeneratedMemberClash(INamedTypeSymbol type)
    {
        foreach (string name in GeneratedMemberNames)
        {
            foreach (ISymbol member in type.GetMembers(name))
            {
                if (!IsEmittedByGenerator(member))
                {
                    return member;
                }
            }
            foreach (INamedTypeSymbol member in type.GetTypeMembers(name))
            {
                if (!IsEmittedByGenerator(member))
                {
                    return member;
                }
            }
        }
        return null;
    }

    /// <summary>Whether <paramref name="symbol"/> carries <c>[GeneratedCode("AopsGen.Generators", ...)]</c>, as the emitter's members do.</summary>
    public static bool IsEmittedByGenerator(ISymbol symbol)
    {
        foreach (AttributeData attribute in symbol.GetAttributes())
        {
            if (attribute.AttributeClass is { Name: "GeneratedCodeAttribute", ContainingType: null } attributeClass
                && attributeClass.ContainingNamespace is { Name: "Compiler", ContainingNamespace: { Name: "CodeDom", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } } }
                && attribute.ConstructorArguments.Length == 2
                && attribute.ConstructorArguments[0].Value is "AopsGen.Generators")
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The type itself or the innermost containing type that has a declaration without <c>partial</c>, or null.</summary>
    public static INamedTypeSymbol? FirstNonPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            if (!IsPartial(current, cancellationToken))
            {
                return current;
            }
        }
        return null;
    }

    /// <summary>Whether every source declaration of <paramref name="type"/> says <c>partial</c>.</summary>
    public static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (type.DeclaringSyntaxReferences.IsEmpty)
        {
            return false;
        }
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is not TypeDeclarationSyntax declaration
                || !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Checks an op method against its op: every <see cref="MethodProblem"/> that applies, <see cref="MethodProblem.None"/> for a method its slot can take.</summary>
    public static MethodProblem CheckMethod(IMethodSymbol method, OpDescriptor op)
    {
        MethodProblem problems = method.IsStatic ? MethodProblem.None : MethodProblem.NotStatic;
        if (!HasSignature(method, op))
        {
            problems |= MethodProblem.WrongSignature;
        }
        if (method.IsPartialDefinition && method.PartialImplementationPart is null)
        {
            problems |= MethodProblem.NoImplementation;
        }
        return problems;
    }

    /// <summary>
    /// Whether the method's return type, parameter types and ref kinds are the op's (nullability aside): each type as
    /// <see cref="SymbolDisplayFormat.FullyQualifiedFormat"/> prints it is the catalog's, compared part by part (<see cref="TypePattern"/>).
    /// </summary>
    public static bool HasSignature(IMethodSymbol method, OpDescriptor op)
    {
        if (method.IsGenericMethod || method.MethodKind != MethodKind.Ordinary || method.IsVararg
            || method.ReturnsByRef || method.ReturnsByRefReadonly
            || method.Parameters.Length != op.Parameters.Length
            || !op.ReturnPattern.Matches(method.ReturnType))
        {
            return false;
        }
        for (int i = 0; i < op.Parameters.Length; i++)
        {
            IParameterSymbol parameter = method.Parameters[i];
            if (parameter.RefKind != op.Parameters[i].RefKind
                || !op.Parameters[i].Pattern.Matches(parameter.Type))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Every (method, op) pair declared by an op attribute in <paramref name="type"/>, in member order.</summary>
    public static IEnumerable<OpMethod> OpMethods(INamedTypeSymbol type)
    {
        foreach (ISymbol member in type.GetMembers())
        {
            if (member is not IMethodSymbol method)
            {
                continue;
            }
            foreach (AttributeData attribute in method.GetAttributes())
            {
                OpDescriptor? op = FindOp(attribute.AttributeClass);
                if (op is not null)
                {
                    yield return new OpMethod(method, op, attribute);
                }
            }
        }
    }

    /// <summary>
    /// The method each op's slot of <paramref name="type"/>'s table gets, as the generator emits it: among the op methods
    /// that pass <see cref="CheckMethod"/>, the first by <see cref="SourceOrder"/>. An op whose methods all fail has no entry:
    /// its slot stays null, and the analyzers judge the table without it. The valid methods that lose their slot to an earlier
    /// one (AOPS004's) go to <paramref name="duplicates"/> when it is given.
    /// </summary>
    public static Dictionary<OpKind, OpMethod> BoundOps(INamedTypeSymbol type, CancellationToken cancellationToken = default, List<OpMethod>? duplicates = null)
    {
        var bound = new Dictionary<OpKind, OpMethod>();
        foreach (OpMethod opMethod in OpMethods(type))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (CheckMethod(opMethod.Method, opMethod.Op) != MethodProblem.None)
            {
                continue;
            }
            if (!bound.TryGetValue(opMethod.Op.Kind, out OpMethod existing))
            {
                bound[opMethod.Op.Kind] = opMethod;
                continue;
            }
            // Keep the first in file-path-then-position order, so the table never depends on the order the
            // compilation lists its files in.
            bool earlier = IsEarlierInSource(SourceOrder(opMethod.Method), SourceOrder(existing.Method));
            duplicates?.Add(earlier ? existing : opMethod);
            if (earlier)
            {
                bound[opMethod.Op.Kind] = opMethod;
            }
        }
        return bound;
    }

    /// <summary>A stable order for declarations across files: file path, then position.</summary>
    public static (string Path, int Position) SourceOrder(ISymbol symbol)
    {
        if (symbol.Locations.IsEmpty || !symbol.Locations[0].IsInSource)
        {
            return (string.Empty, 0);
        }
        Location location = symbol.Locations[0];
        return (location.SourceTree?.FilePath ?? string.Empty, location.SourceSpan.Start);
    }

    /// <summary>
    /// Whether <paramref name="a"/> comes before <paramref name="b"/> in <see cref="SourceOrder"/>: file path by ordinal
    /// comparison, then position. This is the order in which the generator's TableParser keeps the first of two methods for
    /// one op (<see cref="BoundOps"/>; AOPS004 is reported on the others).
    /// </summary>
    public static bool IsEarlierInSource((string Path, int Position) a, (string Path, int Position) b)
    {
        int byPath = string.CompareOrdinal(a.Path, b.Path);
        return byPath < 0 || (byPath == 0 && a.Position < b.Position);
    }

    /// <summary>Whether <paramref name="attributeClass"/> is <c>AopsGen.NoAllocAttribute</c> (a method that must not allocate, AOPS008).</summary>
    public static bool IsNoAllocAttribute(INamedTypeSymbol? attributeClass)
        => attributeClass is not null && IsAopsGenType(attributeClass, "NoAllocAttribute");

    private static bool IsAopsGenType(INamedTypeSymbol type, string metadataName)
        => type.MetadataName == metadataName && IsInAopsGenNamespace(type);

    private static bool IsInAopsGenNamespace(INamedTypeSymbol type)
        => type.ContainingType is null
           && type.ContainingNamespace is { Name: "AopsGen" } ns
           && ns.ContainingNamespace is { IsGlobalNamespace: true };
}

using System.Collections.Generic;
using System.Collections.Immutable;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AopsGen.Generators;

/// <summary>
/// Reads an [AddressSpaceOperations] class (a <see cref="TableCandidate"/>) into a <see cref="TableModel"/>. Invalid input is skipped, never
/// reported here: a type that fails <see cref="TableValidation.CheckType"/> gives no model, and each slot holds
/// the method <see cref="TableValidation.BoundOps"/> chooses, read from the syntax where that gives the same answer
/// (<see cref="SyntaxTableReader"/>). The analyzers report what is skipped.
/// </summary>
internal static class TableParser
{
    /// <summary>
    /// The model of <paramref name="candidate"/>, bound in a compilation whose declarations match <paramref name="fingerprint"/>
    /// (<see cref="TableCandidate.CompilationFor"/>), or null when the class cannot hold a table. The slots are read from the
    /// syntax (<see cref="SyntaxTableReader"/>) where it can tell, else from the bound class (<see cref="BoundSlots"/>).
    /// </summary>
    public static TableModel? Parse(TableCandidate candidate, DeclarationFingerprint fingerprint, CancellationToken cancellationToken)
    {
        SyntaxNode declaration = candidate.Declarations[0];
        Compilation compilation = candidate.CompilationFor(fingerprint);
        if (compilation.GetSemanticModel(declaration.SyntaxTree).GetDeclaredSymbol(declaration, cancellationToken) is not INamedTypeSymbol type
            || ClassAttributeOf(type, declaration, cancellationToken) is not AttributeData classAttribute)
        {
            return null;
        }
        if (!SyntaxTableReader.TryRead(type, fingerprint, compilation, cancellationToken, out Dictionary<OpKind, string>? slots))
        {
            slots = BoundSlots(type, cancellationToken);
        }
        return slots is null ? null : Model(type, NameOfTable(classAttribute, type), slots);
    }

    /// <summary>
    /// The class's one [AddressSpaceOperations], when <paramref name="declaration"/> carries it; null when the class has none (the
    /// name matched another attribute), has it twice (CS0579: no table, or two parts would emit one file) or has it on another
    /// part (that part's candidate makes the model).
    /// </summary>
    private static AttributeData? ClassAttributeOf(INamedTypeSymbol type, SyntaxNode declaration, CancellationToken cancellationToken)
    {
        AttributeData? found = null;
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (!TableValidation.IsClassAttribute(attribute.AttributeClass))
            {
                continue;
            }
            if (found is not null)
            {
                return null;
            }
            found = attribute;
        }
        SyntaxNode? applied = found?.ApplicationSyntaxReference?.GetSyntax(cancellationToken);
        return applied is not null && applied.SyntaxTree == declaration.SyntaxTree && declaration.Span.Contains(applied.Span) ? found : null;
    }

    /// <summary>The table's name: the attribute's argument, or the class name.</summary>
    private static string NameOfTable(AttributeData attribute, ISymbol type)
    {
        if (attribute.ConstructorArguments.Length == 1
            && attribute.ConstructorArguments[0].Kind == TypedConstantKind.Primitive
            && attribute.ConstructorArguments[0].Value is string name
            && name.Length > 0)
        {
            return name;
        }
        return type.Name;
    }

    /// <summary>
    /// The method name of each op slot, from the bound class: <see cref="TableValidation.CheckType"/>, then
    /// <see cref="TableValidation.BoundOps"/>; null when the class cannot hold a table.
    /// </summary>
    public static Dictionary<OpKind, string>? BoundSlots(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        if (TableValidation.CheckType(type, cancellationToken) != TypeProblem.None)
        {
            return null;
        }
        var slots = new Dictionary<OpKind, string>();
        foreach (KeyValuePair<OpKind, OpMethod> bound in TableValidation.BoundOps(type, cancellationToken))
        {
            slots[bound.Key] = bound.Value.Method.Name;
        }
        return slots;
    }

    private static TableModel Model(INamedTypeSymbol type, string tableName, Dictionary<OpKind, string> slots)
    {
        ImmutableArray<OpBindingModel>.Builder ops = ImmutableArray.CreateBuilder<OpBindingModel>(slots.Count);
        foreach (OpDescriptor op in OpCatalog.All)
        {
            if (slots.TryGetValue(op.Kind, out string? method))
            {
                ops.Add(new OpBindingModel(op.Kind, EscapeIdentifier(method)));
            }
        }

        return new TableModel(
            HintName: FullyQualifiedMetadataName(type) + ".Aops.g.cs",
            Namespace: type.ContainingNamespace.IsGlobalNamespace ? string.Empty : NamespaceName(type.ContainingNamespace, escaped: true),
            Declarations: new EquatableArray<TypeDeclarationModel>(Declarations(type)),
            FullyQualifiedName: type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
            TableName: tableName,
            Ops: new EquatableArray<OpBindingModel>(ops.MoveToImmutable()));
    }

    private static ImmutableArray<TypeDeclarationModel> Declarations(INamedTypeSymbol type)
    {
        var declarations = new List<TypeDeclarationModel>();
        for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
        {
            declarations.Add(new TypeDeclarationModel(Keyword(current), EscapeIdentifier(current.Name)));
        }
        declarations.Reverse();
        return declarations.ToImmutableArray();
    }

    private static string Keyword(INamedTypeSymbol type) => type.TypeKind switch
    {
        TypeKind.Struct when type.IsRecord => type.IsRefLikeType ? "ref record struct" : "record struct",
        TypeKind.Struct => type.IsRefLikeType ? "ref struct" : "struct",
        TypeKind.Interface => "interface",
        _ when type.IsRecord => "record",
        _ => "class",
    };

    /// <summary><c>Ns.Outer+Inner</c>: unique per type, so no two tables share a hint name.</summary>
    private static string FullyQualifiedMetadataName(INamedTypeSymbol type)
    {
        var name = new StringBuilder(type.MetadataName);
        for (INamedTypeSymbol? containing = type.ContainingType; containing is not null; containing = containing.ContainingType)
        {
            name.Insert(0, containing.MetadataName + "+");
        }
        if (!type.ContainingNamespace.IsGlobalNamespace)
        {
            name.Insert(0, NamespaceName(type.ContainingNamespace, escaped: false) + ".");
        }
        return name.ToString();
    }

    /// <summary><c>Ns.Inner</c>; with <paramref name="escaped"/>, keywords keep their <c>@</c> as code needs
    /// (<c>@event.@struct</c>), without it they are plain as a hint name needs (<c>event.struct</c>).</summary>
    private static string NamespaceName(INamespaceSymbol ns, bool escaped)
    {
        var name = new StringBuilder();
        for (INamespaceSymbol? current = ns; current is { IsGlobalNamespace: false }; current = current.ContainingNamespace)
        {
            name.Insert(0, (name.Length > 0 ? "." : string.Empty));
            name.Insert(0, escaped ? EscapeIdentifier(current.Name) : current.Name);
        }
        return name.ToString();
    }

    private static string EscapeIdentifier(string name)
        => SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) == SyntaxKind.UnderscoreToken
            ? "@" + name
            : name;
}

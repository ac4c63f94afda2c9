using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using AopsGen.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AopsGen.Analyzers;

/// <summary>Symbol look-ups and locations shared by the AOPS analyzers; the checks themselves are <see cref="TableValidation"/>'s.</summary>
internal static class AnalyzerHelpers
{
    private static readonly ConditionalWeakTable<Compilation, object> s_referencesAopsGen = new();

    /// <summary>
    /// Whether the compilation can see AopsGen at all: with no <c>AopsGen.AddressSpaceOperationsAttribute</c> there is
    /// nothing to check, and the analyzers register nothing (they cost nothing in projects that do not use AopsGen). The
    /// look-up searches every referenced assembly, so the four analyzers share one answer per compilation.
    /// </summary>
    public static bool ReferencesAopsGen(Compilation compilation)
        => (bool)s_referencesAopsGen.GetValue(
            compilation,
            static c => !c.GetTypesByMetadataName(OpCatalog.ClassAttributeMetadataName).IsEmpty);

    /// <summary>
    /// The declarations that hold <paramref name="method"/>'s body, each once: a partial method's definition and implementation
    /// parts may each list both. Call it for the definition part only; the driver runs a symbol action for both parts.
    /// </summary>
    public static List<SyntaxNode> BodyDeclarations(IMethodSymbol method, CancellationToken cancellationToken)
    {
        var declarations = new List<SyntaxNode>();
        foreach (IMethodSymbol part in new[] { method, method.PartialImplementationPart ?? method })
        {
            foreach (SyntaxReference reference in part.DeclaringSyntaxReferences)
            {
                SyntaxNode declaration = reference.GetSyntax(cancellationToken);
                if (!declarations.Contains(declaration))
                {
                    declarations.Add(declaration);
                }
            }
        }
        return declarations;
    }

    /// <summary>The type's <c>[AddressSpaceOperations]</c>, or null.</summary>
    public static AttributeData? ClassAttribute(INamedTypeSymbol type)
    {
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (TableValidation.IsClassAttribute(attribute.AttributeClass))
            {
                return attribute;
            }
        }
        return null;
    }

    /// <summary>The location of a symbol's name in source (its identifier), or <see cref="Location.None"/>.</summary>
    public static Location NameLocation(ISymbol symbol)
    {
        foreach (Location location in symbol.Locations)
        {
            if (location.IsInSource)
            {
                return location;
            }
        }
        return Location.None;
    }

    /// <summary>The location of an attribute as written (<c>AddressSpaceOperations("x")</c>), or null when it is not in source.</summary>
    public static Location? AttributeLocation(AttributeData attribute, CancellationToken cancellationToken)
        => attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).GetLocation();

    /// <summary>
    /// The identifier of the declaration of <paramref name="type"/> that carries <paramref name="attribute"/> (a partial class may
    /// have many declarations); the first source location when that is not known.
    /// </summary>
    public static Location TypeNameLocation(INamedTypeSymbol type, AttributeData? attribute, CancellationToken cancellationToken)
    {
        if (attribute?.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is SyntaxNode attributeSyntax)
        {
            for (SyntaxNode? node = attributeSyntax; node is not null; node = node.Parent)
            {
                if (node is BaseTypeDeclarationSyntax declaration)
                {
                    return declaration.Identifier.GetLocation();
                }
            }
        }
        return NameLocation(type);
    }
}

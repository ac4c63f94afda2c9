using System;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace AopsGen.Generators;

/// <summary>
/// One [AddressSpaceOperations] class as <c>ForAttributeWithMetadataName</c> finds it, reduced to what decides whether its
/// model must be computed again: the syntax of every declaration of the class and of each type around it (compared by
/// reference, so a candidate is equal exactly when none of those trees changed), and what the class attribute says (its
/// table name, which a constant in another file can change, and whether the class carries the attribute once). Everything
/// here is read from what <c>ForAttributeWithMetadataName</c> has bound anyway; the signatures are checked later, by
/// <see cref="TableParser"/>, and only for candidates that changed or when the <see cref="DeclarationFingerprint"/> did.
/// </summary>
internal sealed class TableCandidate : IEquatable<TableCandidate>
{
    private readonly WeakReference<Compilation> _compilation;

    private readonly WeakReference<INamedTypeSymbol>? _symbol;

    private TableCandidate(ImmutableArray<SyntaxNode> declarations, string tableName, bool hasOneClassAttribute, Compilation compilation, INamedTypeSymbol? symbol)
    {
        Declarations = declarations;
        TableName = tableName;
        HasOneClassAttribute = hasOneClassAttribute;
        _compilation = new WeakReference<Compilation>(compilation);
        _symbol = symbol is null ? null : new WeakReference<INamedTypeSymbol>(symbol);
    }

    /// <summary>The declaration carrying the attribute first, then every other declaration of the class and of the types around it.</summary>
    public ImmutableArray<SyntaxNode> Declarations { get; }

    /// <summary>The table's name: the attribute's argument, or the class name.</summary>
    public string TableName { get; }

    /// <summary>
    /// False when the class carries [AddressSpaceOperations] more than once (CS0579, possibly on two parts of a partial class,
    /// each reaching here with one attribute): no model, or both parts would emit the same file.
    /// </summary>
    public bool HasOneClassAttribute { get; }

    public static TableCandidate From(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var declarations = ImmutableArray.CreateBuilder<SyntaxNode>();
        declarations.Add(context.TargetNode);
        for (ISymbol? current = context.TargetSymbol; current is INamedTypeSymbol type; current = type.ContainingType)
        {
            foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
            {
                SyntaxNode declaration = reference.GetSyntax(cancellationToken);
                if (declaration != context.TargetNode)
                {
                    declarations.Add(declaration);
                }
            }
        }
        bool one = context.Attributes.Length == 1
            && context.TargetSymbol is INamedTypeSymbol target && CountClassAttributes(target) == 1;
        return new TableCandidate(
            declarations.ToImmutable(),
            NameOfTable(context.Attributes[0], context.TargetSymbol),
            one,
            context.SemanticModel.Compilation,
            context.TargetSymbol as INamedTypeSymbol);
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
        throw new InvalidOperationException("AopsGen: no live compilation holds the declarations of table '" + TableName + "'.");
    }

    /// <summary>
    /// The class's symbol as <c>ForAttributeWithMetadataName</c> bound it, when <paramref name="compilation"/> is the one it
    /// was found in (always so on a cold run): no second look-up of the declaration. Null otherwise.
    /// </summary>
    public INamedTypeSymbol? SymbolIn(Compilation compilation)
        => _compilation.TryGetTarget(out Compilation? found) && ReferenceEquals(found, compilation)
            && _symbol is not null && _symbol.TryGetTarget(out INamedTypeSymbol? symbol)
            ? symbol
            : null;

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
        if (other is null || other.Declarations.Length != Declarations.Length
            || other.TableName != TableName || other.HasOneClassAttribute != HasOneClassAttribute)
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
        int hash = StringComparer.Ordinal.GetHashCode(TableName);
        foreach (SyntaxNode declaration in Declarations)
        {
            hash = unchecked((hash * 31) + System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(declaration));
        }
        return hash;
    }

    private static int CountClassAttributes(INamedTypeSymbol type)
    {
        int count = 0;
        foreach (AttributeData attribute in type.GetAttributes())
        {
            if (TableValidation.IsClassAttribute(attribute.AttributeClass))
            {
                count++;
            }
        }
        return count;
    }

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
}

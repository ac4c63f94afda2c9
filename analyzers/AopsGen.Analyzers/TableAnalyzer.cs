using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using AopsGen.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AopsGen.Analyzers;

/// <summary>
/// Checks each type: AOPS001 (not partial, for the table class and every type around it), AOPS010 (generic, nested in a
/// generic type, not a class), AOPS012 (declares Operations or StaticOps), AOPS007 (AllowUnsafeBlocks off), AOPS004
/// (one op twice), AOPS005 and AOPS006 (a swap-capable table swapon refuses: it cannot read or write). Each decision is a
/// <see cref="TableValidation"/> check, the generator's own.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TableAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        AopsDiagnostics.NotPartial,
        AopsDiagnostics.DuplicateOp,
        AopsDiagnostics.SwapFsOpsWithoutSwapRw,
        AopsDiagnostics.SwapFileWithoutIo,
        AopsDiagnostics.UnsafeBlocksOff,
        AopsDiagnostics.UnsupportedType,
        AopsDiagnostics.GeneratedMemberClash);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (!AnalyzerHelpers.ReferencesAopsGen(start.Compilation))
            {
                return;
            }
            bool unsafeOff = start.Compilation.Options is CSharpCompilationOptions { AllowUnsafe: false };
            start.RegisterSymbolAction(symbolContext => AnalyzeType(symbolContext, unsafeOff), SymbolKind.NamedType);
        });
    }

    private static void AnalyzeType(SymbolAnalysisContext context, bool unsafeOff)
    {
        var type = (INamedTypeSymbol)context.Symbol;
        CancellationToken cancellationToken = context.CancellationToken;
        AttributeData? classAttribute = AnalyzerHelpers.ClassAttribute(type);

        // AOPS001, reported on each type that is not partial, whether it is the table class or contains one: the
        // generator skips a table when TableValidation.FirstNonPartial finds any such type around it.
        if (!TableValidation.IsPartial(type, cancellationToken))
        {
            INamedTypeSymbol? table = classAttribute is not null ? type : FindNestedTable(type);
            if (table is not null)
            {
                ReportNotPartial(context, type, table);
            }
        }

        if (classAttribute is null)
        {
            return;
        }

        if (TableValidation.UnsupportedKindReason(type) is string reason)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                AopsDiagnostics.UnsupportedType,
                AnalyzerHelpers.TypeNameLocation(type, classAttribute, cancellationToken),
                type.Name,
                reason));
        }

        if (TableValidation.FindGeneratedMemberClash(type) is ISymbol clash)
        {
            Location location = AnalyzerHelpers.NameLocation(clash);
            if (location == Location.None)
            {
                location = AnalyzerHelpers.TypeNameLocation(type, classAttribute, cancellationToken);
            }
            context.ReportDiagnostic(Diagnostic.Create(AopsDiagnostics.GeneratedMemberClash, location, type.Name, clash.Name));
        }

        if (unsafeOff)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                AopsDiagnostics.UnsafeBlocksOff,
                AnalyzerHelpers.AttributeLocation(classAttribute, cancellationToken) ?? AnalyzerHelpers.TypeNameLocation(type, classAttribute, cancellationToken),
                type.Name));
        }

        var duplicates = new List<OpMethod>();
        Dictionary<OpKind, OpMethod> bound = TableValidation.BoundOps(type, cancellationToken, duplicates);
        ReportDuplicates(context, type, duplicates, bound);
        ReportSwapGaps(context, type, bound);
    }

    private static void ReportNotPartial(SymbolAnalysisContext context, INamedTypeSymbol type, INamedTypeSymbol table)
    {
        // TableValidation.IsPartial fails when any declaration lacks 'partial'; report on each such declaration.
        bool reported = false;
        foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(context.CancellationToken) is BaseTypeDeclarationSyntax declaration
                && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                context.ReportDiagnostic(Diagnostic.Create(AopsDiagnostics.NotPartial, declaration.Identifier.GetLocation(), type.Name, table.Name));
                reported = true;
            }
        }
        if (!reported)
        {
            context.ReportDiagnostic(Diagnostic.Create(AopsDiagnostics.NotPartial, AnalyzerHelpers.NameLocation(type), type.Name, table.Name));
        }
    }

    /// <summary>A type with [AddressSpaceOperations] nested (at any depth) in <paramref name="type"/>, or null.</summary>
    private static INamedTypeSymbol? FindNestedTable(INamedTypeSymbol type)
    {
        foreach (INamedTypeSymbol nested in type.GetTypeMembers())
        {
            if (AnalyzerHelpers.ClassAttribute(nested) is not null)
            {
                return nested;
            }
            if (FindNestedTable(nested) is INamedTypeSymbol deeper)
            {
                return deeper;
            }
        }
        return null;
    }

    /// <summary>AOPS004: each valid op method that lost its op's slot to an earlier one (<see cref="TableValidation.BoundOps"/>'s duplicates).</summary>
    private static void ReportDuplicates(SymbolAnalysisContext context, INamedTypeSymbol type, List<OpMethod> duplicates, Dictionary<OpKind, OpMethod> bound)
    {
        foreach (OpMethod duplicate in duplicates)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                AopsDiagnostics.DuplicateOp,
                AnalyzerHelpers.NameLocation(duplicate.Method),
                duplicate.Method.Name,
                duplicate.Op.Name,
                type.Name,
                bound[duplicate.Op.Kind].Method.Name));
        }
    }

    /// <summary>
    /// AOPS005 and AOPS006, on the [SwapActivate] method the table uses: exactly the tables swapon refuses
    /// (src/AopsGen/Swap/SwapOn.cs, <c>SetUpSwapExtents</c>). Which backend an activation chooses is read from the
    /// method's own body: it sets <c>SwapFlags.FsOps</c> (SWP_FS_OPS: needs [SwapRw]), or calls
    /// <c>AddSwapExtent</c> (extents: the core writes the block device, no I/O op needed), or neither (SWP_FILE: needs
    /// [DirectIO]). Every table needs [ReadPage]. swap_deactivate is optional, as in 6.x (ext4 and xfs have none). Like the swap core, they see only the ops that have
    /// a slot (<see cref="TableValidation.BoundOps"/>): a table whose swap_activate is skipped (AOPS002/AOPS003) is not
    /// swap-capable, and a skipped readpage is as good as none.
    /// </summary>
    private static void ReportSwapGaps(SymbolAnalysisContext context, INamedTypeSymbol type, Dictionary<OpKind, OpMethod> bound)
    {
        if (!bound.TryGetValue(OpKind.SwapActivate, out OpMethod activateOp))
        {
            return;
        }
        IMethodSymbol activate = activateOp.Method;
        Location location = AnalyzerHelpers.NameLocation(activate);
        bool Has(OpKind kind) => bound.ContainsKey(kind);
        (bool setsFsOps, bool addsExtents) = ReadActivation(activate, context.CancellationToken);

        if (setsFsOps && !Has(OpKind.SwapRw))
        {
            context.ReportDiagnostic(Diagnostic.Create(AopsDiagnostics.SwapFsOpsWithoutSwapRw, location, type.Name, activate.Name));
        }
        if (!setsFsOps && !addsExtents && !Has(OpKind.DirectIO))
        {
            context.ReportDiagnostic(Diagnostic.Create(
                AopsDiagnostics.SwapFileWithoutIo,
                location,
                type.Name,
                "[DirectIO]",
                "an activation that neither sets SwapFlags.FsOps nor adds extents makes an SWP_FILE area, written with direct_IO, and swapon refuses it without (EINVAL)"));
        }
        if (!Has(OpKind.ReadPage))
        {
            context.ReportDiagnostic(Diagnostic.Create(
                AopsDiagnostics.SwapFileWithoutIo,
                location,
                type.Name,
                "[ReadPage]",
                "swapon reads the swap header with readpage and refuses a file without it (EINVAL)"));
        }
    }

    // What a swap_activate body does to its SwapInfo: names SwapFlags.FsOps (sets SWP_FS_OPS), calls AddSwapExtent.
    private static (bool SetsFsOps, bool AddsExtents) ReadActivation(IMethodSymbol activate, CancellationToken cancellationToken)
    {
        bool setsFsOps = false;
        bool addsExtents = false;
        foreach (SyntaxReference reference in activate.DeclaringSyntaxReferences)
        {
            foreach (SimpleNameSyntax name in reference.GetSyntax(cancellationToken).DescendantNodes().OfType<SimpleNameSyntax>())
            {
                if (name.Parent is not MemberAccessExpressionSyntax access || access.Name != name)
                {
                    continue;
                }
                string member = name.Identifier.ValueText;
                setsFsOps |= member == "FsOps" && LastName(access.Expression) == "SwapFlags";
                addsExtents |= member == "AddSwapExtent" && access.Parent is InvocationExpressionSyntax;
            }
        }
        return (setsFsOps, addsExtents);
    }

    private static string? LastName(ExpressionSyntax expression) => expression switch
    {
        SimpleNameSyntax name => name.Identifier.ValueText,
        MemberAccessExpressionSyntax access => access.Name.Identifier.ValueText,
        _ => null,
    };
}

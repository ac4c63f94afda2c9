using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AopsGen.Benchmarks.Compiler;

/// <summary>
/// The floor under the AopsGen analyzers, as <see cref="FloorGenerator"/> is the generator's: four analyzers that register
/// exactly what AopsGen's four do (a symbol action on methods and a syntax tree action; a symbol action on methods; a symbol
/// action on methods; a symbol action on types), each with an empty callback. What they cost is Roslyn's analyzer driver:
/// with any symbol action it has the compiler bind every method body to produce its events, and it keeps per-symbol state.
/// The AopsGen analyzers cannot cost less.
/// </summary>
public static class FloorAnalyzers
{
    /// <summary>The four, in AopsGen's order (OpMethod, OpThrow, SwapPathAllocation, Table).</summary>
    public static readonly ImmutableArray<DiagnosticAnalyzer> All = ImmutableArray.Create<DiagnosticAnalyzer>(
        new Floor(static start =>
        {
            start.RegisterSymbolAction(static _ => { }, SymbolKind.Method);
            start.RegisterSyntaxTreeAction(static _ => { });
        }),
        new Floor(static start => start.RegisterSymbolAction(static _ => { }, SymbolKind.Method)),
        new Floor(static start => start.RegisterSymbolAction(static _ => { }, SymbolKind.Method)),
        new Floor(static start => start.RegisterSymbolAction(static _ => { }, SymbolKind.NamedType)));

    // Not exported and never shipped: built by this benchmark only, never loaded by a compiler (no [DiagnosticAnalyzer],
    // no release tracking).
#pragma warning disable RS1001, RS2008
    private sealed class Floor(Action<CompilationStartAnalysisContext> register) : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor Nothing = new(
            "FLOOR", "Floor", "Never reported", "Benchmark", DiagnosticSeverity.Hidden, isEnabledByDefault: true);
#pragma warning restore RS1001, RS2008

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Nothing);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(register);
        }
    }
}

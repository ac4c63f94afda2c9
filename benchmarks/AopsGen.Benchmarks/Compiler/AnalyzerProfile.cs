using System.Collections.Immutable;
using System.Globalization;
using System.Threading;
using AopsGen.Benchmarks.Quick;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AopsGen.Benchmarks.Compiler;

/// <summary>
/// <c>--quick --group analyzerProfile</c>: where the analyzers' time and memory go. Each AopsGen analyzer runs alone over a
/// fresh compilation of <see cref="Classes"/> synthetic classes and their tables, beside the compiler's own
/// <c>GetDiagnostics()</c> over the same compilation (binding every method body, as a build does). Reported per analyzer: managed MB allocated during the
/// run (process-wide, one thread) and Roslyn's execution-time telemetry.
/// </summary>
public static class AnalyzerProfile
{
    /// <summary>Classes in the profiled compilation: allocations grow linearly with them (10: 6.9 MB, 100: 66, 1000: 748 before).</summary>
    public const int Classes = 100;

    public static void Measure(QuickReport report)
    {
        SyntheticInput input = SyntheticInput.Create(Classes);
        ImmutableArray<SyntaxTree> generated = CompilerRuns.GeneratedTrees(input);
        ImmutableArray<DiagnosticAnalyzer> cases = CompilerRuns.Analyzers;
        foreach (DiagnosticAnalyzer analyzer in cases)
        {
            Run(input, generated, analyzer); // JIT
        }
        string n = Classes.ToString(CultureInfo.InvariantCulture);
        foreach (DiagnosticAnalyzer analyzer in cases)
        {
            (double mb, double ms) = Run(input, generated, analyzer);
            string name = analyzer.GetType().Name;
            report.Add($"profile{name}AllocatedMBFor{n}Classes", mb, "MB", $"{name} alone over a fresh compilation: managed MB allocated (binding it causes included)");
            report.Add($"profile{name}MsFor{n}Classes", ms, "ms", $"{name} alone: Roslyn's execution-time telemetry");
        }
        GC.Collect();
        Compilation compilation = input.CreateCompilation(generated);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        int errors = compilation.GetDiagnostics().Length;
        double compilerMb = (GC.GetTotalAllocatedBytes(precise: true) - before) / (1024.0 * 1024.0);
        report.Add($"profileCompilerGetDiagnosticsAllocatedMBFor{n}Classes", compilerMb, "MB",
            $"the compiler's GetDiagnostics() over the same fresh compilation ({errors} diagnostics): binding every body, no analyzer");
    }

    private static (double MB, double Ms) Run(SyntheticInput input, ImmutableArray<SyntaxTree> generated, DiagnosticAnalyzer analyzer)
    {
        var withAnalyzers = new CompilationWithAnalyzers(
            input.CreateCompilation(generated),
            ImmutableArray.Create(analyzer),
            new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: false, logAnalyzerExecutionTime: true, reportSuppressedDiagnostics: false));
        GC.Collect();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
        double mb = (GC.GetTotalAllocatedBytes(precise: true) - before) / (1024.0 * 1024.0);
        double ms = withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).GetAwaiter().GetResult().ExecutionTime.TotalMilliseconds;
        return (mb, ms);
    }
}

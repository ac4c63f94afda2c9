using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using AopsGen.Benchmarks.Quick;
using Microsoft.CodeAnalysis;

namespace AopsGen.Benchmarks.Compiler;

/// <summary>
/// <c>--quick</c>'s compiler group: <see cref="CompilerBenchmarks"/>' three cases for 10, 100 and 1000 classes, in this
/// process, timed by Roslyn (<see cref="GeneratorDriverTimingInfo"/>, analyzer telemetry) and reported as medians of several
/// runs. The JIT is warmed first (every case on 10 classes), so "cold" is a cold compilation and driver, not cold code.
/// </summary>
public static class CompilerQuick
{
    /// <summary>(classes, runs per case): fewer runs where each run is long.</summary>
    private static readonly (int Classes, int Runs)[] Sizes = [(10, 21), (100, 11), (1000, 7)];

    private const int WarmupRuns = 5;

    public static void Measure(QuickReport report)
    {
        var clock = Stopwatch.StartNew();
        SyntheticInput warm = SyntheticInput.Create(10);
        ImmutableArray<SyntaxTree> warmGenerated = CompilerRuns.GeneratedTrees(warm);
        for (int i = 0; i < WarmupRuns; i++)
        {
            CompilerRuns.GeneratorCold(warm);
            CompilerRuns.GeneratorIncremental(warm);
            CompilerRuns.AnalyzersCold(warm, warmGenerated);
        }

        foreach ((int classes, int runs) in Sizes)
        {
            SyntheticInput input = SyntheticInput.Create(classes);
            ImmutableArray<SyntaxTree> generated = CompilerRuns.GeneratedTrees(input);
            if (generated.Length != classes)
            {
                throw new InvalidOperationException($"compiler quick: {generated.Length} tables generated for {classes} classes.");
            }
            var cold = new RunCost[runs];
            var incremental = new RunCost[runs];
            var analyzers = new RunCost[runs];
            for (int r = 0; r < runs; r++)
            {
                Settle();
                cold[r] = CompilerRuns.GeneratorCold(input);
                (GeneratorDriver driver, Compilation edited) = CompilerRuns.PrepareIncremental(input);
                Settle();
                CompilerRuns.RunGenerator(driver, edited, out incremental[r]);
                var withAnalyzers = CompilerRuns.PrepareAnalyzers(input, generated);
                Settle();
                ImmutableArray<Diagnostic> diagnostics = CompilerRuns.RunAnalyzers(withAnalyzers, out analyzers[r]);
                if (!diagnostics.IsEmpty)
                {
                    throw new InvalidOperationException($"compiler quick: the analyzers reported {diagnostics[0]} on the valid input.");
                }
            }

            string n = classes.ToString(CultureInfo.InvariantCulture);
            string of = $"{n} classes, median of {runs}";
            report.Add($"generatorMsFor{n}Classes", Ms(cold, c => c.RoslynTime), "ms",
                $"generator, cold: a fresh driver over a fresh compilation (warm JIT), GeneratorDriverTimingInfo.ElapsedTime, {of}" + Target(classes, "150"));
            report.Add($"generatorIncrementalMsFor{n}Classes", Ms(incremental, c => c.RoslynTime), "ms",
                $"generator, the driver's next run after a one-line edit in one method body, Roslyn's ElapsedTime, {of}" + Target(classes, "15"));
            report.Add($"analyzersMsFor{n}Classes", Ms(analyzers, c => c.RoslynTime), "ms",
                $"all AopsGen analyzers, cold compilation (warm JIT), sum of Roslyn's ExecutionTime telemetry, {of}" + Target(classes, "500"));
            report.Add($"analyzersWallMsFor{n}Classes", Ms(analyzers, c => c.WallTime), "ms",
                $"the same analyzer run by stopwatch: with the compiler's binding and the driver, {of}");
            report.Add($"generatorAllocatedMBFor{n}Classes", MB(cold), "MB", $"managed memory allocated by the cold generator run, {of}");
            report.Add($"generatorIncrementalAllocatedMBFor{n}Classes", MB(incremental), "MB", $"managed memory allocated by the incremental run, {of}");
            report.Add($"analyzersAllocatedMBFor{n}Classes", MB(analyzers), "MB", $"managed memory allocated by the analyzer run (binding included), {of}");
        }
        report.Note($"compiler: Roslyn 4.14 in-process, {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static string Target(int classes, string ms) => classes == 1000 ? $" (target < {ms} ms)" : string.Empty;

    /// <summary>A full collection before a timed run, so that one run's garbage is not collected in the next one's time.</summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    private static double Ms(RunCost[] costs, Func<RunCost, TimeSpan> pick)
        => QuickMeasure.Median(Array.ConvertAll(costs, c => pick(c).TotalMilliseconds));

    private static double MB(RunCost[] costs)
        => QuickMeasure.Median(Array.ConvertAll(costs, c => c.AllocatedBytes / (1024.0 * 1024.0)));
}

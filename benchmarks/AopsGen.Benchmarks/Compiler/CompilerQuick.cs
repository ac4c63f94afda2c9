using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using AopsGen.Benchmarks.Quick;
using Microsoft.CodeAnalysis;

namespace AopsGen.Benchmarks.Compiler;

/// <summary>
/// <c>--quick</c>'s compiler group: <see cref="CompilerBenchmarks"/>' three cases for 10, 100 and 1000 classes, in this
/// process, timed by Roslyn (<see cref="GeneratorDriverTimingInfo"/>, analyzer telemetry) and reported as medians of several
/// runs. The JIT is warmed first (every case on 10 classes, then the generators on 100), so "cold" is a cold compilation and
/// driver, not cold code: Roslyn's NuGet assemblies are not precompiled (ReadyToRun), and until its hot methods reach
/// Tier1 they run several times slower than in the SDK's compiler. For 1000 classes <see cref="FloorGenerator"/> is
/// measured too: the part of the generator's time that is Roslyn's own.
/// </summary>
public static class CompilerQuick
{
    /// <summary>
    /// (classes, generator runs, analyzer runs): fewer where a run is long. An analyzer run on 1000 classes takes ~8 s of wall
    /// time (the compiler binds every method body for the operation actions), so it runs once, to keep the group near 30 s.
    /// </summary>
    private static readonly (int Classes, int Runs, int AnalyzerRuns)[] Sizes = [(10, 15, 7), (100, 7, 3), (1000, 5, 1)];

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
        SyntheticInput warmer = SyntheticInput.Create(100);
        for (int i = 0; i < WarmupRuns; i++)
        {
            CompilerRuns.GeneratorCold(warmer);
            CompilerRuns.GeneratorIncremental(warmer);
            CompilerRuns.GeneratorIncremental(warmer, floor: true);
        }

        foreach ((int classes, int runs, int analyzerRuns) in Sizes)
        {
            SyntheticInput input = SyntheticInput.Create(classes);
            ImmutableArray<SyntaxTree> generated = CompilerRuns.GeneratedTrees(input);
            if (generated.Length != classes)
            {
                throw new InvalidOperationException($"compiler quick: {generated.Length} tables generated for {classes} classes.");
            }
            var cold = new RunCost[runs];
            var incremental = new RunCost[runs];
            var analyzers = new RunCost[analyzerRuns];
            var floorCold = new RunCost[runs];
            var floorIncremental = new RunCost[runs];
            bool floor = classes == 1000;
            for (int r = 0; r < runs; r++)
            {
                Settle();
                cold[r] = CompilerRuns.GeneratorCold(input);
                (GeneratorDriver driver, Compilation edited) = CompilerRuns.PrepareIncremental(input);
                Settle();
                CompilerRuns.RunGenerator(driver, edited, out incremental[r]);
                if (floor)
                {
                    Settle();
                    floorCold[r] = CompilerRuns.GeneratorCold(input, floor: true);
                    (driver, edited) = CompilerRuns.PrepareIncremental(input, floor: true);
                    Settle();
                    CompilerRuns.RunGenerator(driver, edited, out floorIncremental[r]);
                }
            }
            for (int r = 0; r < analyzerRuns; r++)
            {
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
            string ofAnalyzers = $"{n} classes, median of {analyzerRuns}";
            report.Add($"generatorMsFor{n}Classes", Ms(cold, c => c.RoslynTime), "ms",
                $"generator, cold: a fresh driver over a fresh compilation (warm JIT), GeneratorDriverTimingInfo.ElapsedTime, {of}" + Target(classes, "150"));
            report.Add($"generatorIncrementalMsFor{n}Classes", Ms(incremental, c => c.RoslynTime), "ms",
                $"generator, the driver's next run after a one-line edit in one method body, Roslyn's ElapsedTime, {of}" + Target(classes, "15"));
            report.Add($"analyzersMsFor{n}Classes", Ms(analyzers, c => c.RoslynTime), "ms",
                $"all AopsGen analyzers, cold compilation (warm JIT), sum of Roslyn's ExecutionTime telemetry, {ofAnalyzers}" + Target(classes, "500"));
            report.Add($"analyzersWallMsFor{n}Classes", Ms(analyzers, c => c.WallTime), "ms",
                $"the same analyzer run by stopwatch: with the compiler's binding and the driver, {ofAnalyzers}");
            report.Add($"generatorAllocatedMBFor{n}Classes", MB(cold), "MB", $"managed memory allocated by the cold generator run, {of}");
            report.Add($"generatorIncrementalAllocatedMBFor{n}Classes", MB(incremental), "MB", $"managed memory allocated by the incremental run, {of}");
            report.Add($"analyzersAllocatedMBFor{n}Classes", MB(analyzers), "MB", $"managed memory allocated by the analyzer run (binding included), {ofAnalyzers}");
            if (floor)
            {
                report.Add($"floorGeneratorMsFor{n}Classes", Ms(floorCold, c => c.RoslynTime), "ms",
                    $"FloorGenerator (ForAttributeWithMetadataName, a transform that takes the name), cold: Roslyn's share, {of}");
                report.Add($"floorGeneratorIncrementalMsFor{n}Classes", Ms(floorIncremental, c => c.RoslynTime), "ms",
                    $"FloorGenerator after the one-line edit: every attributed class's transform re-runs on a new compilation, {of}");
            }
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

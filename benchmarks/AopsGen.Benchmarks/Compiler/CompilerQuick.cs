using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using AopsGen.Benchmarks.Quick;
using Microsoft.CodeAnalysis;

namespace AopsGen.Benchmarks.Compiler;

/// <summary>
/// <c>--quick</c>'s compiler group: <see cref="CompilerBenchmarks"/>' three cases for 10, 100 and 1000 classes, in this
/// process, timed by Roslyn (<see cref="GeneratorDriverTimingInfo"/>, analyzer telemetry) and reported as medians of several
/// runs. The JIT is warmed first (every case on 10 classes, then the generators on 100, then unmeasured rounds on 1,000
/// itself), so "cold" is a cold compilation and driver, not cold code: Roslyn's NuGet assemblies are not precompiled
/// (ReadyToRun), and until its hot methods reach Tier1 they run several times slower than in the SDK's compiler. For 1000 classes <see cref="FloorGenerator"/> is
/// measured too: the part of the generator's time that is Roslyn's own.
/// </summary>
public static class CompilerQuick
{
    /// <summary>
    /// (classes, generator runs, analyzer runs): fewer where a run is long. An analyzer run on 1000 classes takes ~8 s of wall
    /// time on a quiet machine (the compiler binds every method body for the analyzer driver's events); three runs each of the
    /// analyzers, <see cref="FloorAnalyzers"/> and the compiler alone, so that the allocation differences are medians.
    /// </summary>
    private static readonly (int Classes, int Runs, int AnalyzerRuns)[] Sizes = [(10, 15, 7), (100, 7, 3), (1000, 9, 3)];

    private const int WarmupRuns = 5;

    /// <summary>Unmeasured generator rounds on the measured input itself before its measured ones: 6 on 1,000 classes.</summary>
    private static int SteadyRounds(int classes) => classes == 1000 ? 6 : 0;

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
            var binding = new RunCost[analyzerRuns];
            var analyzerFloor = new RunCost[analyzerRuns];
            var floorCold = new RunCost[runs];
            var floorIncremental = new RunCost[runs];
            bool floor = classes == 1000;
            // Unmeasured rounds on this input first: until the generator's and Roslyn's paths for this size reach Tier1, the first
            // rounds run up to three times slower (1,000 classes: 186, 204, 135, 86, 65, 78, 69 ms cold, then steady at 60-65;
            // the floor steadies after 3), and a median of five would measure the JIT. An editor's compiler process is long-lived.
            for (int r = -SteadyRounds(classes); r < runs; r++)
            {
                int into = Math.Max(r, 0); // warm-up rounds write into slot 0, which the first measured round overwrites
                Settle();
                cold[into] = CompilerRuns.GeneratorCold(input);
                (GeneratorDriver driver, Compilation edited) = CompilerRuns.PrepareIncremental(input);
                Settle();
                CompilerRuns.RunGenerator(driver, edited, out incremental[into]);
                if (floor)
                {
                    Settle();
                    floorCold[into] = CompilerRuns.GeneratorCold(input, floor: true);
                    (driver, edited) = CompilerRuns.PrepareIncremental(input, floor: true);
                    Settle();
                    CompilerRuns.RunGenerator(driver, edited, out floorIncremental[into]);
                }
            }
            if (floor)
            {
                // One unmeasured analyzer run: the first on 1,000 classes takes several times the next ones' telemetry.
                CompilerRuns.AnalyzersCold(input, generated);
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
                Settle();
                binding[r] = CompilerRuns.CompilerBinding(input, generated);
                if (floor)
                {
                    withAnalyzers = CompilerRuns.PrepareAnalyzers(input, generated, floor: true);
                    Settle();
                    CompilerRuns.RunAnalyzers(withAnalyzers, out analyzerFloor[r]);
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
            report.Add($"analyzersAllocatedMBFor{n}Classes", OwnMB(analyzers, binding), "MB",
                $"managed memory the analyzers add: the analyzer run's less the compiler's GetDiagnostics() over an identical fresh compilation, {ofAnalyzers}" + (classes == 1000 ? " (target <= 100 MB)" : string.Empty));
            report.Add($"analyzersWithBindingAllocatedMBFor{n}Classes", MB(analyzers), "MB",
                $"managed memory allocated by the whole analyzer run, the binding of every method body it makes the compiler do included, {ofAnalyzers}");
            report.Add($"compilerBindingAllocatedMBFor{n}Classes", MB(binding), "MB",
                $"managed memory the compiler's GetDiagnostics() allocates over the same fresh compilation, no analyzer, {ofAnalyzers}");
            if (floor)
            {
                double coldMs = Ms(cold, c => c.RoslynTime);
                report.Add("generatorColdOverFloor", Ratio(cold, floorCold), "x",
                    $"generator cold / floor cold, each round's ratio, median of {runs} (target <= 2)");
                report.Add("generatorIncrementalOverFloor", Ratio(incremental, floorIncremental), "x",
                    $"generator after the one-line edit / floor after the same edit, each round's ratio, median of {runs} (target <= 1.3)");
                report.Add("analyzersOverGeneratorCold", Ms(analyzers, c => c.RoslynTime) / coldMs, "x",
                    "analyzer telemetry / the generator's cold median, same run (target <= 1.5)");
                report.Add($"analyzerFloorAllocatedMBFor{n}Classes", OwnMB(analyzerFloor, binding), "MB",
                    $"managed memory FloorAnalyzers add (AopsGen's registrations, empty callbacks: Roslyn's analyzer driver) over the compiler's GetDiagnostics(), {ofAnalyzers}");
                report.Add($"analyzersOverFloorAllocatedMBFor{n}Classes", OwnMB(analyzers, analyzerFloor), "MB",
                    $"managed memory the AopsGen analyzers add over FloorAnalyzers on the same input: their own work, {ofAnalyzers}");
                report.Add($"floorGeneratorMsFor{n}Classes", Ms(floorCold, c => c.RoslynTime), "ms",
                    $"FloorGenerator (ForAttributeWithMetadataName, a transform that takes the name), cold: Roslyn's share, {of}");
                report.Add($"floorGeneratorIncrementalMsFor{n}Classes", Ms(floorIncremental, c => c.RoslynTime), "ms",
                    $"FloorGenerator after the one-line edit: every attributed class's transform re-runs on a new compilation, {of}");
            }
        }
        MeasureTyping(report);
        report.Note($"compiler: Roslyn 4.14 in-process, {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>
    /// <see cref="TypingSession"/> on 1000 classes with and without AopsGen, after a short session on 10 classes for the JIT:
    /// each session's median and p95 milliseconds per keystroke.
    /// </summary>
    private static void MeasureTyping(QuickReport report)
    {
        SyntheticInput warm = SyntheticInput.Create(10);
        TypingSession.Run(warm, withAopsGen: true, keystrokes: 20);
        TypingSession.Run(warm, withAopsGen: false, keystrokes: 20);
        SyntheticInput input = SyntheticInput.Create(1000);
        foreach (bool withAopsGen in new[] { false, true })
        {
            Settle();
            double[] edits = TypingSession.Run(input, withAopsGen);
            string key = withAopsGen ? "typing" : "typingWithoutAopsGen";
            string who = withAopsGen ? "with the AopsGen generator and analyzers" : "the same project without AopsGen";
            report.Add(key + "MedianMsPerEdit", QuickMeasure.Median((double[])edits.Clone()), "ms",
                $"typing session, 1000 classes, {edits.Length} one-character edits in a workspace, {who}: median per edit");
            report.Add(key + "P95MsPerEdit", Percentile(edits, 0.95), "ms", $"the same session's 95th percentile per edit");
        }
    }

    /// <summary>The <paramref name="fraction"/> quantile of <paramref name="values"/> (nearest rank).</summary>
    private static double Percentile(double[] values, double fraction)
    {
        double[] sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
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

    /// <summary>The median of each round's <paramref name="costs"/> / <paramref name="floors"/> (Roslyn's times): load hits both alike.</summary>
    private static double Ratio(RunCost[] costs, RunCost[] floors)
    {
        var ratios = new double[costs.Length];
        for (int i = 0; i < costs.Length; i++)
        {
            ratios[i] = costs[i].RoslynTime.TotalMilliseconds / floors[i].RoslynTime.TotalMilliseconds;
        }
        return QuickMeasure.Median(ratios);
    }

    /// <summary>The median of each run's allocation less its baseline's, in MB.</summary>
    private static double OwnMB(RunCost[] costs, RunCost[] baselines)
    {
        var own = new double[costs.Length];
        for (int i = 0; i < costs.Length; i++)
        {
            own[i] = (costs[i].AllocatedBytes - baselines[i].AllocatedBytes) / (1024.0 * 1024.0);
        }
        return QuickMeasure.Median(own);
    }

    private static double MB(RunCost[] costs)
        => QuickMeasure.Median(Array.ConvertAll(costs, c => c.AllocatedBytes / (1024.0 * 1024.0)));
}

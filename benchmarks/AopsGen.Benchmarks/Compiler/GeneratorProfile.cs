using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using AopsGen.Benchmarks.Quick;
using AopsGen.Generators;
using Microsoft.CodeAnalysis;

namespace AopsGen.Benchmarks.Compiler;

/// <summary>
/// <c>--quick --group generatorProfile</c>: where the generator's cold time goes. The generator and
/// <see cref="FloorGenerator"/> run cold over <see cref="Classes"/> classes with step tracking on; each pipeline step's time
/// is the sum of Roslyn's <c>IncrementalGeneratorRunStep.ElapsedTime</c> over its runs (the source output step included), and
/// what the steps do not account for is the total less their sum: the syntax walk of <c>ForAttributeWithMetadataName</c>
/// and, with step tracking on as here, Roslyn recording the step tree of every output (<c>GeneratorRunStateTable.Builder.
/// RecordStepTree</c>: a third of a tracked run in a sampled trace, deeper for the generator's pipeline than for the floor's,
/// and absent from the untracked runs <c>generatorColdOverFloor</c> times). Medians of <see cref="Runs"/> interleaved rounds.
/// </summary>
public static class GeneratorProfile
{
    public const int Classes = 1000;

    public const int Runs = 5;

    public static void Measure(QuickReport report)
    {
        SyntheticInput input = SyntheticInput.Create(Classes);
        Profile(input, floor: false);
        Profile(input, floor: true); // JIT
        var rounds = new List<Dictionary<string, double>>();
        var floorRounds = new List<Dictionary<string, double>>();
        for (int r = 0; r < Runs; r++)
        {
            GC.Collect();
            rounds.Add(Profile(input, floor: false));
            GC.Collect();
            floorRounds.Add(Profile(input, floor: true));
        }
        string n = Classes.ToString(CultureInfo.InvariantCulture);
        Add(report, rounds, "generatorStep", n, "the AopsGen generator");
        Add(report, floorRounds, "floorGeneratorStep", n, "FloorGenerator");
    }

    private static void Add(QuickReport report, List<Dictionary<string, double>> rounds, string prefix, string n, string who)
    {
        foreach (string step in rounds[0].Keys)
        {
            double median = QuickMeasure.Median(rounds.Select(r => r[step]).ToArray());
            report.Add($"{prefix}{step}MsFor{n}Classes", median, "ms", $"{who}, cold, {n} classes, step '{step}' (Roslyn's step time), median of {Runs}");
        }
    }

    /// <summary>Each step's summed time, <c>Total</c> (the generator's ElapsedTime) and <c>Untracked</c> (the rest), in ms.</summary>
    private static Dictionary<string, double> Profile(SyntheticInput input, bool floor)
    {
        GeneratorDriver driver = CompilerRuns.CreateDriver(trackSteps: true, floor: floor).RunGenerators(input.CreateCompilation());
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        var steps = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, System.Collections.Immutable.ImmutableArray<IncrementalGeneratorRunStep>> step in result.TrackedSteps.Concat(result.TrackedOutputSteps))
        {
            steps[Key(step.Key)] = step.Value.Sum(s => s.ElapsedTime.TotalMilliseconds);
        }
        double total = driver.GetTimingInfo().GeneratorTimes.Single().ElapsedTime.TotalMilliseconds;
        steps["Untracked"] = total - steps.Values.Sum();
        steps["Total"] = total;
        return steps;
    }

    /// <summary><c>AopsGen.Parse</c> → <c>Parse</c>; Roslyn's own step names as they are (<c>SourceOutput</c>).</summary>
    private static string Key(string step) => step.StartsWith("AopsGen.", StringComparison.Ordinal) ? step["AopsGen.".Length..] : step;
}

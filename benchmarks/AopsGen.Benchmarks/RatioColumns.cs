using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Mathematics;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace AopsGen.Benchmarks;

/// <summary>
/// Adds "Ratio(Med)" and "Ratio(Min)": the case's median and minimum over the baseline's median and minimum
/// in the same job. BDN's own Ratio is a ratio of means, which the other processes on this 2-vCPU machine
/// inflate in whichever case they happen to overlap; the median and minimum are much less sensitive to that.
/// Also "Launch medians": the median of each launch (process) in ns, which shows the code-layout noise
/// between processes (the same code lands a cycle or two apart from one launch to the next).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RatioColumnsAttribute : ColumnConfigBaseAttribute
{
    public RatioColumnsAttribute()
        : base(
            new StatisticRatioColumn("Ratio(Med)", "Median of this case / median of the baseline", s => s.Median),
            new StatisticRatioColumn("Ratio(Min)", "Minimum of this case / minimum of the baseline", s => s.Min),
            new LaunchMediansColumn())
    {
    }
}

/// <summary>One statistic of a case divided by the same statistic of its baseline.</summary>
public sealed class StatisticRatioColumn : ComputedColumn
{
    private readonly Func<Statistics, double> _statistic;

    public StatisticRatioColumn(string name, string legend, Func<Statistics, double> statistic)
        : base(name, legend, ColumnCategory.Baseline, priority: 10)
        => _statistic = statistic;

    public override bool IsAvailable(Summary summary) => summary.HasBaselines();

    protected override string Value(Summary summary, BenchmarkCase benchmarkCase)
    {
        BenchmarkCase? baseline = summary.GetBaseline(summary.GetLogicalGroupKey(benchmarkCase));
        Statistics? current = summary[benchmarkCase]?.ResultStatistics;
        Statistics? reference = baseline == null ? null : summary[baseline]?.ResultStatistics;
        if (current == null || reference == null || _statistic(reference) <= 0)
        {
            return "?";
        }
        return (_statistic(current) / _statistic(reference)).ToString("0.00", CultureInfo.InvariantCulture);
    }
}

/// <summary>The median ns per operation of each launch, in launch order (result iterations, overhead subtracted).</summary>
public sealed class LaunchMediansColumn : ComputedColumn
{
    public LaunchMediansColumn()
        : base("Launch medians", "Median ns/op of each launch (process), in launch order", isNumeric: false)
    {
    }

    protected override string Value(Summary summary, BenchmarkCase benchmarkCase)
    {
        BenchmarkReport? report = summary[benchmarkCase];
        if (report == null)
        {
            return "?";
        }
        IEnumerable<string> medians = report.AllMeasurements
            .Where(m => m.IterationMode == IterationMode.Workload && m.IterationStage == IterationStage.Result)
            .GroupBy(m => m.LaunchIndex)
            .OrderBy(g => g.Key)
            .Select(g => Median(g.Select(m => m.Nanoseconds / m.Operations).ToList()).ToString("0.00", CultureInfo.InvariantCulture));
        return string.Join(" ", medians);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        int mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
}

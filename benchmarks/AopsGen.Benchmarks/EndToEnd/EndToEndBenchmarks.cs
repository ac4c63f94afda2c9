using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace AopsGen.Benchmarks.EndToEnd;

/// <summary>
/// The <c>aops demo</c> workload end to end: 4096 pages over 1024 frames (4× memory), every page written, random
/// reads and rewrites, every page read back and checked. One invocation is one whole demo run (swapon, the program,
/// exit, swapoff), so BDN's time per operation is the time of a run. The number of pages a run swaps is not fixed
/// (reclaim races the program), so the benchmark process writes what its runs swapped to a small file and
/// <see cref="DemoColumnsAttribute"/>'s columns divide by BDN's mean: "Pages/s" (pswpout + pswpin per second of the
/// whole run) and "Demo pages/s" (the median of the demo's own figure, the program's phases only).
/// A run that does not verify throws, failing the case.
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10)]
[MemoryDiagnoser]
[DemoColumns]
public class EndToEndBenchmarks
{
    private DemoRunner _runner = null!;
    private readonly List<DemoRun> _runs = new();

    [Params(DemoFileSystem.Ram, DemoFileSystem.Host)]
    public DemoFileSystem Fs { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup() => _runner = new DemoRunner(Fs, Threads);

    /// <summary>One <c>aops demo</c> run; returns the pages it swapped.</summary>
    [Benchmark]
    public long Demo()
    {
        DemoRun run = _runner.Run();
        if (!run.Verified)
        {
            throw new InvalidOperationException($"aops demo on {Fs}, {Threads} threads: not verified: {run.Problem}");
        }
        _runs.Add(run);
        return run.PagesSwapped;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _runner.Dispose();
        if (_runs.Count > 0)
        {
            DemoRunLog.Write(Fs, Threads, _runs);
        }
    }
}

/// <summary>What the benchmark process leaves for the host process's columns: one file per case with the pages
/// swapped per run (mean) and the demo's own pages per second (median), under BenchmarkDotNet.Artifacts.</summary>
public static class DemoRunLog
{
    private static string Directory
    {
        get
        {
            string? project = typeof(DemoRunLog).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "AopsGenBenchmarksDirectory")?.Value;
            return Path.Combine(project ?? Path.GetTempPath(), "BenchmarkDotNet.Artifacts", "endtoend");
        }
    }

    private static string PathOf(DemoFileSystem fs, int threads) => Path.Combine(Directory, $"{fs}-{threads}.txt");

    public static void Write(DemoFileSystem fs, int threads, IReadOnlyList<DemoRun> runs)
    {
        System.IO.Directory.CreateDirectory(Directory);
        double swapped = runs.Average(r => (double)r.PagesSwapped);
        double demoRate = Quick.QuickMeasure.Median(runs.Select(r => r.PagesPerSecond).ToArray());
        System.IO.File.WriteAllText(PathOf(fs, threads),
            string.Create(CultureInfo.InvariantCulture, $"{swapped} {demoRate} {runs.Count}\n"));
    }

    /// <summary>The mean pages swapped per run and the demo's median pages per second, or false.</summary>
    public static bool TryRead(DemoFileSystem fs, int threads, out double swappedPerRun, out double demoPagesPerSecond)
    {
        swappedPerRun = demoPagesPerSecond = 0;
        string path = PathOf(fs, threads);
        if (!System.IO.File.Exists(path))
        {
            return false;
        }
        string[] fields = System.IO.File.ReadAllText(path).Split(' ');
        return fields.Length >= 2
            && double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out swappedPerRun)
            && double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out demoPagesPerSecond);
    }
}

/// <summary>Adds "Swapped/run", "Pages/s" (swapped per run / mean time of a run) and "Demo pages/s".</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class DemoColumnsAttribute : ColumnConfigBaseAttribute
{
    public DemoColumnsAttribute()
        : base(
            new DemoColumn("Swapped/run", "pswpout + pswpin per demo run (mean over the runs of the case)", (swapped, _, _) => swapped, "0"),
            new DemoColumn("Pages/s", "pages swapped per second of a whole run (swapped per run / Mean)", (swapped, _, mean) => swapped / mean, "0"),
            new DemoColumn("Demo pages/s", "the demo's own pages/s: swapped / time of the program's three phases (median)", (_, demo, _) => demo, "0"))
    {
    }
}

/// <summary>A figure from <see cref="DemoRunLog"/> and the case's mean time of a run (seconds).</summary>
public sealed class DemoColumn : ComputedColumn
{
    private readonly Func<double, double, double, double> _value;
    private readonly string _format;

    public DemoColumn(string name, string legend, Func<double, double, double, double> value, string format)
        : base(name, legend)
    {
        _value = value;
        _format = format;
    }

    protected override string Value(Summary summary, BenchmarkCase benchmarkCase)
    {
        double? meanNs = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (meanNs is not > 0
            || benchmarkCase.Parameters["Fs"] is not DemoFileSystem fs || benchmarkCase.Parameters["Threads"] is not int threads
            || !DemoRunLog.TryRead(fs, threads, out double swapped, out double demo))
        {
            return "?";
        }
        return _value(swapped, demo, meanNs.Value / 1e9).ToString(_format, CultureInfo.InvariantCulture);
    }
}

using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using Perfolizer.Metrology;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using Perfolizer.Horology;

namespace AopsGen.Benchmarks.Swap;

/// <summary>
/// Swap-out and swap-in throughput on RamFs, BlockFs (the extent path: bmap at swapon, pages straight to its
/// BlockDevice) and HostFs (SWP_FILE: swap_activate, direct_IO = one O_DIRECT pwritev/preadv on a host file), at
/// 1, 8 and 32 pages per call, each beside its raw ceiling measured in the same run: the same pages written with
/// <c>pwritev</c> (read with <c>preadv</c>) of the same batch to the same file with O_DIRECT, no AopsGen in between
/// (RamFs: a copy of the pages into the same RamFile). One invocation moves <see cref="PagesFor"/> pages, prepared
/// untimed in an iteration setup; the per-page columns divide by that. Results also go to CSV for
/// <c>plot-throughput.gp</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SwapThroughputConfig))]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class SwapThroughputBenchmarks
{
    private SwapRig _rig = null!;

    /// <summary>The filesystem under the swap file.</summary>
    [Params(SwapFs.RamFs, SwapFs.BlockFs, SwapFs.HostFs)]
    public SwapFs Fs { get; set; }

    /// <summary>Pages per reclaim call (one plug, one vectored write), per readahead cluster (page_cluster =
    /// log2), and per raw call.</summary>
    [Params(1, 8, 32)]
    public int Batch { get; set; }

    /// <summary>Pages one invocation moves: enough for about a second of I/O at that batch (perf.md: shorter bursts are
    /// absorbed by the host's cache), at most 1 GiB of frames; RamFs, memory only, 256 MiB.</summary>
    public static int PagesFor(SwapFs fs, int batch) => fs == SwapFs.RamFs ? 65536 : Math.Min(16384 * batch, 262144);

    /// <summary>The swap area's queue depth: 1 (synchronous), or batches in flight as <c>aops demo</c>'s default.</summary>
    [Params(1, SwapQuick.SwapQueueDepth)]
    public int QueueDepth { get; set; } = SwapQuick.SwapQueueDepth;

    [GlobalSetup]
    public void Setup() => _rig = new SwapRig(Fs, PagesFor(Fs, Batch), queueDepth: QueueDepth);

    [GlobalCleanup]
    public void Cleanup() => _rig.Dispose();

    // Each raw case gets its swap case's setup, so both start from the same state of the host: the reads, in
    // particular, right after a whole region was written (the host is still flushing it). A fresh region has no
    // slot in use, so the raw writes overwrite nothing live; the raw reads only read.
    [IterationSetup(Targets = new[] { nameof(SwapOut), nameof(RawPwritev) })]
    public void DirtyRegion() => _rig.Dirty();

    [IterationSetup(Targets = new[] { nameof(SwapIn), nameof(RawPreadv) })]
    public void SwappedRegion() => _rig.SwappedOut();

    /// <summary>Raw ceiling: <c>pwritev</c> of <see cref="Batch"/> pages at a time over the swap file's slots, O_DIRECT.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("Out")]
    public long RawPwritev() => _rig.RawWrite(Batch);

    /// <summary>Reclaim <see cref="Batch"/> pages per call: contiguous slots leave as one vectored write.</summary>
    [Benchmark, BenchmarkCategory("Out")]
    public int SwapOut() => _rig.SwapOut(Batch);

    /// <summary>Raw ceiling: <c>preadv</c> of <see cref="Batch"/> pages at a time from the swap file's slots, O_DIRECT.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("In")]
    public long RawPreadv() => _rig.RawRead(Batch);

    /// <summary>Fault every page back in order, page_cluster = log2(Batch): one vectored read per cluster.</summary>
    [Benchmark, BenchmarkCategory("In")]
    public int SwapIn() => _rig.SwapIn(Batch);
}

/// <summary>
/// The throughput job — one process, 1 warm-up and 7 measured iterations of one invocation each (at least 4 s of
/// I/O per case) — with per-page columns and CSV reports whose numbers carry no units or digit grouping, so a
/// plot can read them.
/// </summary>
public sealed class SwapThroughputConfig : ManualConfig
{
    public SwapThroughputConfig()
    {
        AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(7).WithInvocationCount(1).WithUnrollFactor(1));
        AddColumn(new PerPageColumn(PerPageColumn.Kind.NsPerPage), new PerPageColumn(PerPageColumn.Kind.PagesPerSecond),
            new PerPageColumn(PerPageColumn.Kind.OfRaw), new PerPageColumn(PerPageColumn.Kind.BytesPerPage));
        var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        culture.NumberFormat.NumberGroupSeparator = string.Empty;
        var style = new SummaryStyle(culture, printUnitsInHeader: true, sizeUnit: SizeUnit.B, timeUnit: TimeUnit.Nanosecond, printUnitsInContent: false);
        AddExporter(new CsvExporter(CsvSeparator.Comma, style), new CsvMeasurementsExporter(CsvSeparator.Comma, style));
    }
}

/// <summary>Per-page figures of a throughput case, from its median over the pages one invocation moves.</summary>
public sealed class PerPageColumn : ComputedColumn
{
    /// <summary>Which figure.</summary>
    public enum Kind
    {
        /// <summary>Median ns per page.</summary>
        NsPerPage,
        /// <summary>Pages per second at the median.</summary>
        PagesPerSecond,
        /// <summary>The baseline's median over this case's: the fraction of the raw ceiling's throughput (≥ 0.8 is the target).</summary>
        OfRaw,
        /// <summary>Managed bytes allocated per page.</summary>
        BytesPerPage,
    }

    private readonly Kind _kind;

    public PerPageColumn(Kind kind)
        : base(Name(kind), Description(kind), priority: (int)kind)
        => _kind = kind;

    private static string Name(Kind kind) => kind switch
    {
        Kind.NsPerPage => "NsPerPage",
        Kind.PagesPerSecond => "PagesPerSec",
        Kind.OfRaw => "OfRaw",
        _ => "BytesPerPage",
    };

    private static string Description(Kind kind) => kind switch
    {
        Kind.NsPerPage => "Median ns per page (median of the iterations / pages per invocation)",
        Kind.PagesPerSecond => "Pages per second at the median",
        Kind.OfRaw => "Throughput as a fraction of the raw ceiling in the same category: raw median / this median",
        _ => "Managed bytes allocated per page",
    };

    protected override string Value(Summary summary, BenchmarkDotNet.Running.BenchmarkCase benchmarkCase)
    {
        BenchmarkReport? report = summary[benchmarkCase];
        if (report?.ResultStatistics is not { } stats || benchmarkCase.Parameters["Fs"] is not SwapFs fs || benchmarkCase.Parameters["Batch"] is not int batch)
        {
            return "?";
        }
        int pages = SwapThroughputBenchmarks.PagesFor(fs, batch);
        double value;
        switch (_kind)
        {
            case Kind.NsPerPage:
                value = stats.Median / pages;
                break;
            case Kind.PagesPerSecond:
                value = pages * 1e9 / stats.Median;
                break;
            case Kind.OfRaw:
                BenchmarkDotNet.Running.BenchmarkCase? baseline = summary.GetBaseline(summary.GetLogicalGroupKey(benchmarkCase));
                if (baseline == null || summary[baseline]?.ResultStatistics is not { } raw)
                {
                    return "?";
                }
                value = raw.Median / stats.Median;
                break;
            default:
                value = (double)report.GcStats.GetBytesAllocatedPerOperation(benchmarkCase).GetValueOrDefault() / pages;
                break;
        }
        return value.ToString(_kind == Kind.PagesPerSecond ? "0" : "0.000", CultureInfo.InvariantCulture);
    }
}

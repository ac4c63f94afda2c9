using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Benchmarks.Scale;

/// <summary>
/// swapon + swapoff of a 1 Mi-slot (4 GiB) area, on the SWP_FILE path (<see cref="HeaderOnlyFs"/>) and on the
/// extent path (a sparse image walked with bmap). BDN's Allocated is what one swapon + swapoff allocates; "B/slot"
/// divides it by the slots (target: 1, the swap_map, plus a constant).
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10)]
[MemoryDiagnoser]
[BytesPerSlotColumn]
public class SwapOnScaleBenchmarks
{
    private ScaleArea _area = null!;
    private SwapCore _swap = null!;

    [Params(ScaleAreaKind.SwapFile, ScaleAreaKind.Extents)]
    public ScaleAreaKind Kind { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _area = new ScaleArea(Kind);
        _swap = new SwapCore(_area.Vfs);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _swap.Dispose();
        _area.Dispose();
    }

    [Benchmark]
    public int SwapOnOff()
    {
        int rc = _swap.SwapOn(_area.Path, 0, Credentials.Root);
        return rc != 0 ? rc : _swap.SwapOff(_area.Path, Credentials.Root);
    }
}

/// <summary>"B/slot": BDN's allocated bytes per operation / <see cref="ScaleArea.MiSlots"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class BytesPerSlotColumnAttribute : ColumnConfigBaseAttribute
{
    public BytesPerSlotColumnAttribute()
        : base(new BytesPerSlotColumn())
    {
    }
}

public sealed class BytesPerSlotColumn : ComputedColumn
{
    public BytesPerSlotColumn()
        : base("B/slot", $"managed bytes allocated per swapon + swapoff / {ScaleArea.MiSlots} slots", ColumnCategory.Metric, priority: 10)
    {
    }

    protected override string Value(Summary summary, BenchmarkCase benchmarkCase)
    {
        BenchmarkReport? report = summary[benchmarkCase];
        long? bytes = report?.GcStats.GetBytesAllocatedPerOperation(benchmarkCase);
        return bytes is { } b ? ((double)b / ScaleArea.MiSlots).ToString("0.000", CultureInfo.InvariantCulture) : "?";
    }
}

/// <summary>
/// The swap cache in the steady state: every one of 1024 frames added to <c>SwapperSpace</c> (add_to_swap) and deleted
/// again per invocation; one operation is one page. Allocated must be 0 B.
/// </summary>
[MemoryDiagnoser]
public class SwapCacheScaleBenchmarks
{
    private const int Frames = 1024;
    private ScaleArea _area = null!;
    private SwapCore _swap = null!;
    private PageFrames _ram = null!;
    private MemoryManager _mm = null!;
    private Page[] _pages = null!;

    [GlobalSetup]
    public void Setup()
    {
        _area = new ScaleArea(ScaleAreaKind.SwapFile, slots: 4 * Frames + 64);
        _swap = new SwapCore(_area.Vfs);
        if (_swap.SwapOn(_area.Path, 0, Credentials.Root) != 0)
        {
            throw new InvalidOperationException("swapon");
        }
        _ram = new PageFrames(Frames);
        _mm = new MemoryManager(_ram, _swap);
        _pages = new Page[Frames];
        for (int i = 0; i < Frames; i++)
        {
            _pages[i] = _ram.Alloc()!;
            _pages[i].Lock();
            _pages[i].Set(PageFlags.SwapBacked);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _mm.Dispose();
        _ram.Dispose();
        _swap.Dispose();
        _area.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Frames)]
    public void AddAndDelete() => SwapScale.AddAndDelete(_swap, _pages);
}

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using AopsGen.Mm;

namespace AopsGen.Benchmarks.Dispatch;

/// <summary>
/// The cost of one address_space_operations call, by dispatch mechanism. Each benchmark makes
/// <see cref="N"/> calls in a loop (OperationsPerInvoke = N, so results are per call) over 4 pages
/// (<c>pages[i &amp; 3]</c>); every call lands in an identical NoInlining body (page->private++; return true)
/// and the loop counts the true results, so all cases do the same work and differ only in how they find
/// the target. Ratios are against <see cref="Direct"/>, a direct call to the same NoInlining static method.
/// "Mega4" cases interleave 4 targets in a fixed period-4 order (i &amp; 3): the CPU's indirect-branch
/// predictor learns it, so they measure the mechanism, not branch misprediction (see
/// /work/shared/research/perf.md §1: random order costs ~10 ns for every mechanism).
/// </summary>
// Code layout moves a case ±1–2 cycles from one process to the next (perf.md §1.3), so several launches with
// few iterations each; 250 ms iterations keep a full run of the class (both jobs) near 10 minutes. Median and Min (and
// their ratios) are shown beside the Mean, which Ratio uses, because other processes on this 2-vCPU
// machine inflate whichever iterations they overlap.
// Two jobs: tiered PGO on (the default) and off (DOTNET_TieredPGO=0); ratios are within each job.
[Config(typeof(PgoOnAndOffConfig))]
[IterationTime(250)]
[MemoryDiagnoser]
[MedianColumn]
[MinColumn]
[HideColumns(Column.AllocRatio)]
[RatioColumns]
public unsafe class DispatchBenchmarks : IDisposable
{
    /// <summary>Calls per benchmark invocation.</summary>
    public const int N = 1024;

    private PageFrames _frames = null!;

    // 4 pages, all cached in one mapping of BenchFs0 (every case but Table_Mega4_MappingAops uses these).
    private Page[] _pages = null!;

    // 4 pages, page k cached in a mapping of BenchFs<k>: page->mapping->a_ops differs for each.
    private Page[] _pagesFourFs = null!;

    private AddressSpaceOperations _aops = null!;
    private AddressSpaceOperations[] _tables = null!;
    private IPageOps[] _ifaces = null!;
    private IPageOps _iface = null!;
    private PageOpsBase _virt = null!;
    private PageOpsBase[] _virts = null!;
    private Func<Page, bool> _func = null!;

    [GlobalSetup]
    public void Setup()
    {
        _frames = new PageFrames(8);
        _aops = BenchFs0.Operations;
        _tables = [BenchFs0.Operations, BenchFs1.Operations, BenchFs2.Operations, BenchFs3.Operations];
        _ifaces = [new IfaceFs0(), new IfaceFs1(), new IfaceFs2(), new IfaceFs3()];
        _virts = [new VirtFs0(), new VirtFs1(), new VirtFs2(), new VirtFs3()];
        _func = BenchFs0.SetPageDirty;
        _iface = _ifaces[0];
        _virt = _virts[0];

        var oneFs = new AddressSpace(null, BenchFs0.Operations);
        _pages = new Page[4];
        _pagesFourFs = new Page[4];
        for (int k = 0; k < 4; k++)
        {
            _pages[k] = _frames.Alloc()!;
            Check(oneFs.AddPage(_pages[k], (ulong)k) == 0, "AddPage");
            _pagesFourFs[k] = _frames.Alloc()!;
            Check(new AddressSpace(null, _tables[k]).AddPage(_pagesFourFs[k], (ulong)k) == 0, "AddPage");
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _frames?.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Baseline: a direct call to the NoInlining static op, at a predictable site.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = N)]
    public int Direct()
    {
        Page[] pages = _pages;
        int n = 0;
        for (int i = 0; i < N; i++)
        {
            if (BenchFs0.SetPageDirty(pages[i & 3]))
            {
                n++;
            }
        }
        return n;
    }

    /// <summary>The generated table held in a field, read into a local before the loop as every case reads its target
    /// (the interface, the delegate): <c>aops.SetPageDirty(page)</c>.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    public int Table_Field()
    {
        Page[] pages = _pages;
        AddressSpaceOperations aops = _aops;
        int n = 0;
        for (int i = 0; i < N; i++)
        {
            if (aops.SetPageDirty(pages[i & 3]))
            {
                n++;
            }
        }
        return n;
    }

    /// <summary>The kernel's form: <c>page->mapping->a_ops->set_page_dirty(page)</c>, one filesystem.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    public int Table_MappingAops()
    {
        Page[] pages = _pages;
        int n = 0;
        for (int i = 0; i < N; i++)
        {
            Page page = pages[i & 3];
            if (page.Mapping!.Aops.SetPageDirty(page))
            {
                n++;
            }
        }
        return n;
    }

    /// <summary>What the runtime calls: <c>AopsCalls.SetPageDirty(mapping.Aops, page)</c>, the table call plus its null check and NULL default.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    public int Table_AopsCalls()
    {
        Page[] pages = _pages;
        int n = 0;
        for (int i = 0; i < N; i++)
        {
            Page page = pages[i & 3];
            if (AopsCalls.SetPageDirty(page.Mapping!.Aops, page))
            {
                n++;
            }
        }
        return n;
    }

    /// <summary>4 generated tables (4 filesystems) interleaved: <c>tables[i &amp; 3].SetPageDirty(page)</c>.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    public int Table_Mega4()
    {
        Page[] pages = _pages;
        AddressSpaceOperations[] tables = _tables;
        int n = 0;
        for (int i = 0; i < N; i++)
        {
            if (tables[i & 3].SetPageDirty(pages[i & 3]))
            {
                n++;
            }
        }
        return n;
    }

    /// <summary>4 filesystems interleaved the kernel's way: page k lives in a mapping of BenchFs k, <c>page->mapping->a_ops->set_page_dirty(page)</c>.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    public int Table_Mega4_MappingAops()
    {
        Page[] pages = _pagesFourFs;
        int n = 0;
        for (int i = 0; i < N; i++)
        {
            Page page = pages[i & 3];
            if (page.Mapping!.Aops.SetPageDirty(page))
            {
                n++;
            }
        }
        return n;
    }

    /// <summary>Interface call at a monomorphic site: one implementation, held in a field.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    public int Interface_Mono()
    {
        Page[] pages = _pages;
        IPageOps iface = _iface;
        int n = 0;
        for (int i = 0; i < N; i++)
        {
            if (iface.SetPageDirty(pages[i & 3]))
            {
                n++;
            }
        }
        return n;
    }

    /// <summary>Abstract-class virtual call at a monomorphic site: one derived class, held in a field.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    public int Virtual_Mono()
    {
        Page[] pages = _pages;
        PageOpsBase virt = _virt;
        int n = 0;
        for (int i = 0; i < N; i++)
        {
            if (virt.SetPageDirty(pages[i & 3]))
            {
                n++;
            }
        }
        return n;
    }

    /// <summary>Interface call at a megamorphic site: 4 implementations in rotation (i &amp; 3).</summary>
    [Benchmark(OperationsPerInvoke = N)]
    public int Interface_Mega4()
    {
        Page[] pages = _pages;
        IPageOps[] ifaces = _ifaces;
        int n = 0;
        for (int i = 0; i < N; i++)
        {
            if (ifaces[i & 3].SetPageDirty(pages[i & 3]))
            {
                n++;
            }
        }
        return n;
    }

    /// <summary>Abstract-class virtual call at a megamorphic site: 4 derived classes in rotation (i &amp; 3).</summary>
    [Benchmark(OperationsPerInvoke = N)]
    public int Virtual_Mega4()
    {
        Page[] pages = _pages;
        PageOpsBase[] virts = _virts;
        int n = 0;
        for (int i = 0; i < N; i++)
        {
            if (virts[i & 3].SetPageDirty(pages[i & 3]))
            {
                n++;
            }
        }
        return n;
    }

    /// <summary>A <c>Func&lt;Page, bool&gt;</c> bound to the same static op.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    public int Func()
    {
        Page[] pages = _pages;
        Func<Page, bool> func = _func;
        int n = 0;
        for (int i = 0; i < N; i++)
        {
            if (func(pages[i & 3]))
            {
                n++;
            }
        }
        return n;
    }

    /// <summary>The generated static-abstract struct: <c>Run&lt;BenchFs0.StaticOps&gt;</c> calls <c>TOps.SetPageDirty(page)</c>.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    public int StaticOps_Struct() => Run<BenchFs0.StaticOps>(_pages);

    private static int Run<TOps>(Page[] pages)
        where TOps : struct, IAddressSpaceOperations<TOps>
    {
        int n = 0;
        for (int i = 0; i < N; i++)
        {
            if (TOps.SetPageDirty(pages[i & 3]))
            {
                n++;
            }
        }
        return n;
    }

    /// <summary>
    /// Runs every benchmark once outside BenchmarkDotNet and checks it made N calls that reached the op
    /// (returns N, and page->private grew by N in total). <c>--verify</c> on the command line.
    /// </summary>
    /// <param name="hotSeconds">When above 0, then run each benchmark for this long, so the JIT produces its
    /// final (Tier1) code; with <c>DOTNET_JitDisasm</c> set that is the code to read (<c>--hot</c>).</param>
    public static void Verify(double hotSeconds = 0)
    {
        using var bench = new DispatchBenchmarks();
        bench.Setup();
        var cases = bench.Cases();
        foreach (var (name, run, pages) in cases)
        {
            ulong before = Sum(pages);
            int result = run();
            ulong grew = Sum(pages) - before;
            Check(result == N && grew == N, $"{name}: returned {result}, page->private grew by {grew}, expected {N}");
            Console.WriteLine($"{name,-26} ok ({result} calls)");
        }
        foreach (var (name, run, _) in cases)
        {
            if (hotSeconds <= 0)
            {
                break;
            }
            var clock = System.Diagnostics.Stopwatch.StartNew();
            long calls = 0;
            while (clock.Elapsed.TotalSeconds < hotSeconds)
            {
                for (int k = 0; k < 1000; k++)
                {
                    calls += run();
                }
            }
            Console.WriteLine($"{name,-26} {clock.Elapsed.TotalNanoseconds / calls:F2} ns/call (hot loop, rough)");
        }
    }

    /// <summary>Every case by name, with the pages it touches (set up first).</summary>
    public (string Name, Func<int> Run, Page[] Pages)[] Cases()
    {
        DispatchBenchmarks bench = this;
        return new (string Name, Func<int> Run, Page[] Pages)[]
        {
            (nameof(Direct), bench.Direct, bench._pages),
            (nameof(Table_Field), bench.Table_Field, bench._pages),
            (nameof(Table_MappingAops), bench.Table_MappingAops, bench._pages),
            (nameof(Table_AopsCalls), bench.Table_AopsCalls, bench._pages),
            (nameof(Table_Mega4), bench.Table_Mega4, bench._pages),
            (nameof(Table_Mega4_MappingAops), bench.Table_Mega4_MappingAops, bench._pagesFourFs),
            (nameof(Interface_Mono), bench.Interface_Mono, bench._pages),
            (nameof(Interface_Mega4), bench.Interface_Mega4, bench._pages),
            (nameof(Virtual_Mono), bench.Virtual_Mono, bench._pages),
            (nameof(Virtual_Mega4), bench.Virtual_Mega4, bench._pages),
            (nameof(Func), bench.Func, bench._pages),
            (nameof(StaticOps_Struct), bench.StaticOps_Struct, bench._pages),
        };
    }

    private static ulong Sum(Page[] pages)
    {
        ulong sum = 0;
        foreach (Page page in pages)
        {
            sum += page.Private;
        }
        return sum;
    }

    private static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("DispatchBenchmarks: " + what);
        }
    }
}

/// <summary>The dispatch jobs: 3 launches of 4 warmup and 10 measured iterations each, once with tiered PGO (the
/// runtime's default) and once with <c>DOTNET_TieredPGO=0</c>. Ratios compare cases within one job.</summary>
public sealed class PgoOnAndOffConfig : ManualConfig
{
    public PgoOnAndOffConfig()
    {
        Job job = Job.Default.WithLaunchCount(3).WithWarmupCount(4).WithIterationCount(10);
        AddJob(job.WithId("PGO-on"));
        AddJob(job.WithEnvironmentVariable("DOTNET_TieredPGO", "0").WithId("PGO-off"));
    }
}

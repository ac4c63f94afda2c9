using System.Diagnostics;
using System.Threading;
using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Examples.Aops.Demo;

/// <summary>
/// <c>aops demo</c>'s program: <see cref="DemoOptions.Threads"/> threads over one anonymous region of
/// <see cref="DemoOptions.Pages"/> pages with <see cref="DemoOptions.RamPages"/> frames, each thread owning an equal
/// slice. Three phases: every page written in order; random reads (each checked) and rewrites; every page read in
/// order and checked against its last version. Reclaim runs as in Linux — kswapd between the watermarks, direct
/// reclaim when a fault finds no frame — and writes through the swap file's table. Then the program exits (its
/// region unmapped) and the area is swapped off, and nothing may be left behind.
/// </summary>
internal sealed class DemoWorkload
{
    /// <summary>The phases, in order, as the progress display names them.</summary>
    public static readonly string[] PhaseNames = ["sequential write", "random read/write", "sequential verify"];

    private readonly DemoOptions _options;
    private readonly int _slice;
    private long _done;
    private int _phase;
    private long _corrupt, _misplaced, _stale, _errors;
    // The steady state: from the end of the first phase to the end of the last. Allocation is counted two ways:
    // on the threads that run the swap path (the workers and kswapd), and in the whole process.
    private long _workerAllocated;
    private long _kswapdAllocatedStart, _kswapdAllocatedEnd;
    private long _processAllocatedStart, _processAllocatedEnd;
    private MemoryManager? _mm;
    private readonly object _gate = new();
    private int _arrived;
    private long _steadyOutStart, _steadyInStart, _steadyOutEnd, _steadyInEnd;
    private VmEvents? _events;

    private DemoWorkload(DemoOptions options)
    {
        _options = options;
        _slice = options.Pages / options.Threads;
    }

    /// <summary>Operations in all phases together (the progress bar's total).</summary>
    public static long TotalOperations(DemoOptions options) => (long)options.Pages * (2 + DemoOptions.RandomOpsPerPage);

    /// <summary>
    /// Swapons <paramref name="area"/>, runs the program, exits it, swapoffs. <paramref name="tick"/> is called on
    /// this thread about ten times a second with the phase and the operations done so far. Returns 0 with the
    /// result, or swapon's -errno with <paramref name="error"/> saying why. <paramref name="monitor"/> prints
    /// vmstat lines while the program runs and the swap table while its pages are swapped. After SIGINT or SIGTERM
    /// (<see cref="Interruption.Requested"/>) every thread stops at its next operation and the program exits as usual.
    /// </summary>
    public static int Run(DemoOptions options, DemoSwapArea area, Action<int, long>? tick, out DemoResult? result, out string? error, DemoMonitor? monitor = null)
    {
        var workload = new DemoWorkload(options);
        return workload.Run(area, tick, monitor, out result, out error);
    }

    private int Run(DemoSwapArea area, Action<int, long>? tick, DemoMonitor? monitor, out DemoResult? result, out string? error)
    {
        result = null;
        // Disposed last: it holds the frame swapon reads the header into (native memory).
        using var swap = new SwapCore(area.Vfs);
        using var ram = new PageFrames(_options.RamPages);
        using var mm = new MemoryManager(ram, swap);
        _events = swap.Events;
        int rc = swap.SwapOn(area.SwapPath, 0, Credentials.Root, _options.QueueDepth);
        if (rc != 0)
        {
            error = $"swapon {area.SwapPath}: {Errnos.FromReturn(rc).Message()} ({swap.Log.Last?.Message})";
            return rc;
        }
        error = null;
        SwapInfo swapArea = swap.Areas[0];
        mm.StartKswapd();
        AnonRegion region = mm.CreateRegion(_options.Pages);

        _mm = mm;
        var clock = Stopwatch.StartNew();
        var threads = new Thread[_options.Threads];
        for (int t = 0; t < threads.Length; t++)
        {
            int owner = t;
            threads[t] = new Thread(() => Worker(region, owner)) { Name = $"demo-{t}", IsBackground = true };
        }
        foreach (Thread thread in threads)
        {
            thread.Start();
        }
        foreach (Thread thread in threads)
        {
            while (!thread.Join(monitor?.IntervalMs ?? 100))
            {
                tick?.Invoke(Math.Min(Volatile.Read(ref _phase), PhaseNames.Length - 1), Volatile.Read(ref _done));
                monitor?.Tick(swap, ram);
            }
        }
        clock.Stop();
        tick?.Invoke(PhaseNames.Length - 1, Volatile.Read(ref _done));

        monitor?.InUse(swap, ram);
        // The program exits: zap_pte_range frees every slot and swap-cache page it held.
        region.Dispose();
        // Pages whose write was still in flight stay in the swap cache, on the LRU: once their writes complete, one
        // reclaim pass frees them and their slots. kswapd stops first: a pass of its that ran across the exit may
        // still hold pages off the LRU, or writes in its plug, that this pass would miss.
        mm.StopKswapd();
        swap.WaitForIo();
        mm.ReclaimPages(_options.RamPages);
        string? leak = swap.Areas[0].InUsePages != 0 ? $"{swap.Areas[0].InUsePages} slots still in use after exit" : null;
        var swapoffClock = Stopwatch.StartNew();
        SwapIoMode mode = swapArea.Mode;
        rc = swap.SwapOff(area.SwapPath, Credentials.Root);
        swapoffClock.Stop();
        if (rc != 0)
        {
            leak ??= $"swapoff: {Errnos.FromReturn(rc).Message()}";
        }
        leak ??= swap.SwapperSpace.NrPages != 0 ? $"{swap.SwapperSpace.NrPages} pages left in the swap cache"
            : ram.FreeCount != _options.RamPages ? $"{_options.RamPages - ram.FreeCount} frames not freed" : null;

        long swapped = _steadyOutEnd - _steadyOutStart + _steadyInEnd - _steadyInStart;
        long swapPathAllocated = _workerAllocated + _kswapdAllocatedEnd - _kswapdAllocatedStart;
        result = new DemoResult
        {
            Options = _options,
            SwapFile = area.Description,
            SwapMode = mode,
            OpCalls = swapArea.OpCalls,
            PagesOut = _events[VmEvent.PswpOut],
            PagesIn = _events[VmEvent.PswpIn],
            MajorFaults = _events[VmEvent.PgMajFault],
            ReadaheadPages = _events[VmEvent.SwapReadahead],
            ReadaheadHits = _events[VmEvent.SwapReadaheadHit],
            DirectReclaimed = _events[VmEvent.PgStealDirect],
            KswapdRounds = _events[VmEvent.KswapdRounds],
            Operations = Volatile.Read(ref _done),
            ElapsedMs = clock.Elapsed.TotalMilliseconds,
            SwapoffMs = swapoffClock.Elapsed.TotalMilliseconds,
            AllocatedBytesPerPage = swapped > 0 ? (double)swapPathAllocated / swapped : 0,
            ProcessAllocatedBytesPerPage = swapped > 0 ? (double)(_processAllocatedEnd - _processAllocatedStart) / swapped : 0,
            Corrupt = _corrupt,
            Misplaced = _misplaced,
            Stale = _stale,
            Errors = _errors,
            Leak = leak,
        };
        return 0;
    }

    // The end of a phase for one worker: wait for the others; the last to arrive closes the phase. (Not a Barrier:
    // its first blocking wait allocates, which the steady-state figure would count.)
    private void EndOfPhase()
    {
        lock (_gate)
        {
            int phase = _phase;
            if (++_arrived == _options.Threads)
            {
                _arrived = 0;
                ClosePhase();
                Monitor.PulseAll(_gate);
                return;
            }
            while (_phase == phase)
            {
                Monitor.Wait(_gate);
            }
        }
    }

    private void ClosePhase()
    {
        int phase = Volatile.Read(ref _phase);
        if (phase == 0)
        {
            _processAllocatedStart = GC.GetTotalAllocatedBytes(precise: true);
            _kswapdAllocatedStart = _mm!.KswapdAllocatedBytes;
            _steadyOutStart = _events![VmEvent.PswpOut];
            _steadyInStart = _events[VmEvent.PswpIn];
        }
        else if (phase == 2)
        {
            _processAllocatedEnd = GC.GetTotalAllocatedBytes(precise: true);
            _kswapdAllocatedEnd = _mm!.KswapdAllocatedBytes;
            _steadyOutEnd = _events![VmEvent.PswpOut];
            _steadyInEnd = _events[VmEvent.PswpIn];
        }
        Volatile.Write(ref _phase, phase + 1);
    }

    private void Worker(AnonRegion region, int owner)
    {
        int first = owner * _slice;
        int count = owner == _options.Threads - 1 ? _options.Pages - first : _slice;
        var versions = new ulong[count];
        var random = new Random(_options.Seed * 7919 + owner);
        byte[] data = new byte[Page.Size];
        byte[] scratch = new byte[Page.Size];
        ulong seed = (ulong)_options.Seed;

        for (int i = 0; i < count && !Interruption.Requested; i++)
        {
            Write(region, first + i, ref versions[i], data, seed);
        }
        EndOfPhase();
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();

        long ops = (long)count * DemoOptions.RandomOpsPerPage;
        for (long op = 0; op < ops && !Interruption.Requested; op++)
        {
            int i = random.Next(count);
            if (random.Next(2) == 0)
            {
                Check(region, first + i, versions[i], data, scratch, seed);
            }
            else
            {
                Write(region, first + i, ref versions[i], data, seed);
            }

        }
        EndOfPhase();

        for (int i = 0; i < count && !Interruption.Requested; i++)
        {
            Check(region, first + i, versions[i], data, scratch, seed);
        }
        Interlocked.Add(ref _workerAllocated, GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
        EndOfPhase();
    }

    private void Write(AnonRegion region, int index, ref ulong version, byte[] data, ulong seed)
    {
        PagePattern.Fill(data, seed, index, version + 1);
        if (region.Write(index, data) == 0)
        {
            version++;
        }
        else
        {
            Interlocked.Increment(ref _errors);
        }
        Interlocked.Increment(ref _done);
    }

    private void Check(AnonRegion region, int index, ulong version, byte[] data, byte[] scratch, ulong seed)
    {
        if (region.Read(index, data) != 0)
        {
            Interlocked.Increment(ref _errors);
        }
        else if (version == 0)
        {
            // Never written: a fresh anonymous page reads as zeros.
            if (data.AsSpan().IndexOfAnyExcept((byte)0) >= 0)
            {
                Interlocked.Increment(ref _corrupt);
            }
        }
        else
        {
            switch (PagePattern.Verify(data, scratch, seed, index, version))
            {
                case PageVerdict.Corrupt: Interlocked.Increment(ref _corrupt); break;
                case PageVerdict.Misplaced: Interlocked.Increment(ref _misplaced); break;
                case PageVerdict.Stale: Interlocked.Increment(ref _stale); break;
            }
        }
        Interlocked.Increment(ref _done);
    }
}

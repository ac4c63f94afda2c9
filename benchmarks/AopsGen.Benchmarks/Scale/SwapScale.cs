using System.Runtime.CompilerServices;
using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Benchmarks.Scale;

/// <summary>What one swapon of an area cost in managed memory, and what its swapoff gave back. Bytes are totals;
/// the per-slot figures divide by the area's slots (<c>si-&gt;max</c>, the swap_map's length).</summary>
public readonly record struct SwapOnCost(long Slots, long SwapMapBytes, long AllocatedBytes, long RetainedBytes, long RetainedAfterSwapOff)
{
    /// <summary><c>swap_map</c>'s length per slot (1 by design: one byte each).</summary>
    public double SwapMapBytesPerSlot => (double)SwapMapBytes / Slots;

    /// <summary>Everything swapon allocated on its thread (GC.GetAllocatedBytesForCurrentThread), per slot.</summary>
    public double AllocatedBytesPerSlot => (double)AllocatedBytes / Slots;

    /// <summary>What stays live while the area is on (GC.GetTotalMemory(true) after swapon − before), per slot.</summary>
    public double RetainedBytesPerSlot => (double)RetainedBytes / Slots;
}

/// <summary>The swap cache's memory: per frame when the memory attaches (the tree sized for every frame), and per
/// page added in the steady state (pages added to <c>SwapperSpace</c> and deleted again, round after round).</summary>
public readonly record struct SwapCacheCost(int Frames, long PreloadBytes, long SteadyAllocatedBytes, long PagesAdded)
{
    public double PreloadBytesPerFrame => (double)PreloadBytes / Frames;

    public double SteadyBytesPerPage => (double)SteadyAllocatedBytes / PagesAdded;
}

/// <summary>The cost of the "RAM": managed bytes of <see cref="PageFrames"/> (its Page objects and free list) and
/// of a <see cref="MemoryManager"/> over it (the LRU, the swap cache's preload), and the native block of frames.</summary>
public readonly record struct FrameCost(int Frames, long PageFramesManagedBytes, long NativeBytes, long MemoryManagerBytes)
{
    public double ManagedBytesPerFrame => (double)PageFramesManagedBytes / Frames;

    public double NativeBytesPerFrame => (double)NativeBytes / Frames;

    public double MemoryManagerBytesPerFrame => (double)MemoryManagerBytes / Frames;
}

/// <summary>The scale group's measurements, shared by the benchmarks, <c>--quick</c> and the tests. Allocation
/// counts, not timings: they are the same on any machine.</summary>
public static class SwapScale
{
    /// <summary>
    /// swapon of <paramref name="area"/> on a fresh swap core (after one swapon/swapoff on another to load and JIT
    /// the code): the bytes swapon allocated on this thread, what stays live while the area is on, and what is
    /// still live after swapoff (0 when swapoff gives everything back).
    /// </summary>
    public static SwapOnCost MeasureSwapOn(ScaleArea area)
    {
        using (var warm = new SwapCore(area.Vfs))
        {
            Check(warm.SwapOn(area.Path, 0, Credentials.Root), "swapon (warm-up)");
            Check(warm.SwapOff(area.Path, Credentials.Root), "swapoff (warm-up)");
        }
        using var swap = new SwapCore(area.Vfs);
        long baseline = GC.GetTotalMemory(forceFullCollection: true);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Check(swap.SwapOn(area.Path, 0, Credentials.Root), "swapon");
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        long retained = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        SwapInfo info = swap.Areas[0];
        long slots = info.Max;
        long mapBytes = MapLength(info);
        Check(swap.SwapOff(area.Path, Credentials.Root), "swapoff");
        long left = GC.GetTotalMemory(forceFullCollection: true) - baseline;
        GC.KeepAlive(swap);
        return new SwapOnCost(slots, mapBytes, allocated, retained, left);
    }

    /// <summary>
    /// The swap cache over <paramref name="frames"/> frames: what sizing <c>SwapperSpace</c> for them allocates (the
    /// preload every <see cref="MemoryManager"/> does as it attaches), and then, with every frame locked and
    /// swap-backed, <paramref name="rounds"/> rounds of add_to_swap (a slot, into the cache) and
    /// delete_from_swap_cache of every frame, after one warm-up round: the bytes those rounds allocated.
    /// </summary>
    public static SwapCacheCost MeasureSwapCache(int frames = 1024, int rounds = 16)
    {
        using var area = new ScaleArea(ScaleAreaKind.SwapFile, slots: 4 * frames + 64);
        using var swap = new SwapCore(area.Vfs);
        Check(swap.SwapOn(area.Path, 0, Credentials.Root), "swapon");
        using (var warm = new SwapCore(area.Vfs))
        {
            warm.SwapperSpace.Preload(16);
        }
        long preload;
        using (var fresh = new SwapCore(area.Vfs))
        {
            long start = GC.GetAllocatedBytesForCurrentThread();
            fresh.SwapperSpace.Preload(frames);
            preload = GC.GetAllocatedBytesForCurrentThread() - start;
        }

        using var ram = new PageFrames(frames);
        using var mm = new MemoryManager(ram, swap);
        // Every frame goes into the swap cache: no reserve kept back below the min watermark.
        mm.MinWatermark = 0;
        var pages = new Page[frames];
        for (int i = 0; i < frames; i++)
        {
            pages[i] = ram.Alloc()!;
            pages[i].Lock();
            pages[i].Set(PageFlags.SwapBacked);
        }
        AddAndDelete(swap, pages);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < rounds; round++)
        {
            AddAndDelete(swap, pages);
        }
        long steady = GC.GetAllocatedBytesForCurrentThread() - before;
        foreach (Page page in pages)
        {
            page.Clear(PageFlags.SwapBacked | PageFlags.Dirty);
            page.Unlock();
            ram.Free(page);
        }
        Check(swap.SwapOff(area.Path, Credentials.Root), "swapoff");
        return new SwapCacheCost(frames, preload, steady, (long)frames * rounds);
    }

    /// <summary>Every page into the swap cache (a new slot each), then every page out of it (the slot freed).</summary>
    public static void AddAndDelete(SwapCore swap, Page[] pages)
    {
        foreach (Page page in pages)
        {
            if (!swap.AddToSwap(page))
            {
                throw new InvalidOperationException("add_to_swap: swap is full.");
            }
        }
        foreach (Page page in pages)
        {
            swap.DeleteFromSwapCache(page);
        }
    }

    /// <summary>Managed bytes of <c>new PageFrames(frames)</c> and of a <see cref="MemoryManager"/> over it (after
    /// one small warm-up of each), and the native bytes of the frames themselves.</summary>
    public static FrameCost MeasureFrames(int frames = 65536)
    {
        using var area = new ScaleArea(ScaleAreaKind.SwapFile, slots: 64);
        using (var warmSwap = new SwapCore(area.Vfs))
        using (var warmRam = new PageFrames(16))
        using (new MemoryManager(warmRam, warmSwap))
        {
        }
        using var swap = new SwapCore(area.Vfs);
        long before = GC.GetAllocatedBytesForCurrentThread();
        using var ram = new PageFrames(frames);
        long framesBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        using var mm = new MemoryManager(ram, swap);
        long mmBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        return new FrameCost(frames, framesBytes, (long)frames * Page.Size, mmBytes);
    }

    // Not inlined: the span's interior pointer must not sit in this caller's frame, where the JIT may report it live
    // to the end of the method and so keep the map it points into alive.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int MapLength(SwapInfo info) => info.SwapMapBytes.Length;

    private static void Check(int rc, string what)
    {
        if (rc != 0)
        {
            throw new InvalidOperationException($"{what}: {Errnos.FromReturn(rc)}");
        }
    }
}

using System.IO;
using AopsGen.Benchmarks.Quick;

namespace AopsGen.Benchmarks.Scale;

/// <summary>
/// <c>--quick</c>'s scale group: swapon of a 1 Mi-slot (4 GiB) area on the SWP_FILE path and on the extent path (a
/// sparse image, bmap over every page), the swap cache per frame and per page, and the page frames' own cost.
/// Allocation counts: the figures do not depend on the machine's load.
/// </summary>
public static class ScaleQuick
{
    public static void Measure(QuickReport report)
    {
        SwapOnCost file;
        using (var area = new ScaleArea(ScaleAreaKind.SwapFile))
        {
            file = SwapScale.MeasureSwapOn(area);
        }
        report.Add("swapMapBytesPerSlot", file.SwapMapBytesPerSlot, "B",
            $"swap_map length / slots of a {file.Slots}-slot (4 GiB) area (target 1)");
        report.Add("swapOnManagedBytesPerSlot", file.AllocatedBytesPerSlot, "B",
            "everything swapon allocated on its thread (GC.GetAllocatedBytesForCurrentThread), per slot; SWP_FILE area (swap_activate) (target <= 1.1)");
        report.Add("swapOnRetainedBytesPerSlot", file.RetainedBytesPerSlot, "B",
            "GC.GetTotalMemory(true) after swapon - before, per slot; SWP_FILE area");
        report.Add("swapOffRetainedBytes", file.RetainedAfterSwapOff, "B",
            "GC.GetTotalMemory(true) after swapoff - before swapon (0: swapoff gives everything back); SWP_FILE area");
        try
        {
            using var area = new ScaleArea(ScaleAreaKind.Extents);
            SwapOnCost extents = SwapScale.MeasureSwapOn(area);
            report.Add("swapOnExtentsManagedBytesPerSlot", extents.AllocatedBytesPerSlot, "B",
                "the same on the extent path: a sparse 4 GiB image, bmap of every page, one merged extent");
            report.Add("swapOffExtentsRetainedBytes", extents.RetainedAfterSwapOff, "B",
                "GC.GetTotalMemory(true) after swapoff - before swapon; extent path");
        }
        catch (IOException e)
        {
            report.Note($"scale: extent path not measured: {e.Message}");
        }

        SwapCacheCost cache = SwapScale.MeasureSwapCache();
        report.Add("swapCachePreloadBytesPerFrame", cache.PreloadBytesPerFrame, "B",
            $"SwapperSpace sized for {cache.Frames} frames (the preload done as memory attaches), bytes per frame");
        report.Add("swapCacheBytesPerPage", cache.SteadyBytesPerPage, "B",
            $"managed bytes per page added to SwapperSpace in the steady state: {cache.PagesAdded} add_to_swap + delete_from_swap_cache after a warm-up round (target 0)");

        FrameCost frames = SwapScale.MeasureFrames();
        report.Add("pageFramesManagedBytesPerFrame", frames.ManagedBytesPerFrame, "B",
            $"new PageFrames({frames.Frames}): managed bytes per frame (Page objects, free list)");
        report.Add("pageFramesNativeBytesPerFrame", frames.NativeBytesPerFrame, "B",
            "native bytes per frame (the page itself, one aligned block)");
        report.Add("memoryManagerBytesPerFrame", frames.MemoryManagerBytesPerFrame, "B",
            "new MemoryManager over those frames: managed bytes per frame (LRU, swap cache preload)");
    }
}

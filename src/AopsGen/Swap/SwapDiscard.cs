using AopsGen.Block;
using AopsGen.Mm;

namespace AopsGen.Swap;

/// <summary>
/// mm/swapfile.c discard (Linux 3.11+ flags, 6.x shape): with SWAP_FLAG_DISCARD an area whose I/O goes to a
/// block device (extents, SWP_BLKDEV) is SWP_DISCARDABLE; <c>discard_swap</c> discards all of it but the header
/// at swapon (SWP_AREA_DISCARD), and a cluster of <see cref="SwapInfo.SwapfileCluster"/> slots that becomes free
/// is discarded before it is handed out again (SWP_PAGE_DISCARD, <c>swap_cluster_schedule_discard</c> and
/// <c>swap_do_scheduled_discard</c>; the kernel's worker is the freeing thread here). A discard of an image file is
/// a punched hole (<see cref="BlockDevice.Discard"/>). No lock is held while the device discards.
/// </summary>
public sealed partial class SwapCore
{
    // swapon's discard part: which discards the flags ask for, and discard_swap for SWP_AREA_DISCARD.
    private void SetUpDiscard(SwapInfo area, int swapFlags)
    {
        if ((swapFlags & SwapFlagDiscard) == 0 || area.Io?.DiscardDevice is null)
        {
            return;
        }
        area.Flags |= SwapFlags.Discardable | SwapFlags.AreaDiscard | SwapFlags.PageDiscard;
        if ((swapFlags & SwapFlagDiscardOnce) != 0)
        {
            area.Flags &= ~SwapFlags.PageDiscard;
        }
        else if ((swapFlags & SwapFlagDiscardPages) != 0)
        {
            area.Flags &= ~SwapFlags.AreaDiscard;
        }
        if ((area.Flags & SwapFlags.AreaDiscard) != 0)
        {
            int error = DiscardSlots(area, 1, area.Max);
            if (error != 0)
            {
                Log.Print(KernelLogLevel.Error, $"swapon: discard_swap({area.Type}): {error}");
            }
        }
    }

    /// <summary>
    /// After slot <paramref name="offset"/> of an SWP_PAGE_DISCARD area became free: if its whole cluster is free,
    /// hold it back from allocation, discard it on the device, and give it back.
    /// </summary>
    private void DiscardFreedCluster(SwapInfo area, uint offset)
    {
        if (!area.HoldFreeCluster(offset, out uint start, out uint end))
        {
            return;
        }
        int error = DiscardSlots(area, start, end);
        area.ReturnHeldCluster(start, end);
        if (error != 0)
        {
            Log.PrintRatelimited(KernelLogLevel.Error, "discard_swap_cluster", $"discard of swap slots {start}-{end - 1} of area {area.Type} failed: {error}");
        }
    }

    // discard_swap / discard_swap_cluster: the device ranges under slots [start, end), contiguous runs merged.
    private static int DiscardSlots(SwapInfo area, uint start, uint end)
    {
        SwapBackend? io = area.Io;
        BlockDevice? device = io?.DiscardDevice;
        if (io is null || device is null)
        {
            return 0;
        }
        long runStart = -1;
        long runEnd = -1;
        for (uint slot = start; slot < end; slot++)
        {
            long position = io.Position(slot);
            if (position == runEnd)
            {
                runEnd += Page.Size;
                continue;
            }
            int error = runStart >= 0 ? device.Discard(runStart, runEnd - runStart) : 0;
            if (error != 0)
            {
                return error;
            }
            runStart = position;
            runEnd = position + Page.Size;
        }
        return runStart >= 0 ? device.Discard(runStart, runEnd - runStart) : 0;
    }
}

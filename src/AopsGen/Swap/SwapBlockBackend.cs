using AopsGen.Block;
using AopsGen.Mm;

namespace AopsGen.Swap;

/// <summary>
/// I/O straight to a block device, with no filesystem op on the way (mm/page_io.c's bio path): for an area on a
/// swap file whose blocks its extents name (the filesystem's <c>add_swap_extent</c> calls from <c>swap_activate</c>,
/// or the generic <c>bmap</c> walk), and for swapon of a block device (SWP_BLKDEV, one extent over the device).
/// A batch is one vectored read or write at the device position of its first slot; completion is
/// <c>end_swap_bio_write</c> / <c>end_swap_bio_read</c>.
/// </summary>
internal sealed class SwapBlockBackend : SwapBackend
{
    private readonly BlockDevice _device;

    public SwapBlockBackend(SwapCore core, SwapInfo area, BlockDevice device, SwapIoMode mode)
        : base(core, area)
    {
        _device = device;
        Mode = mode;
    }

    public override SwapIoMode Mode { get; }

    public override BlockDevice? DiscardDevice => _device;

    public override long Position(ulong offset)
    {
        ulong block = Area.MapSwapPage(offset) ?? throw new InvalidOperationException($"slot {offset} lies in no extent of {Area}.");
        return (long)(block << Page.Shift);
    }

    public override void SubmitWrite(long position, ReadOnlySpan<IoVec> segments, ReadOnlySpan<Page> pages, Kiocb iocb)
    {
        Area.OpCalls.CountBlockWrite();
        CompleteWrite(position, pages, _device.Write(segments, position) == (long)pages.Length << Page.Shift);
    }

    public override void SubmitRead(long position, ReadOnlySpan<IoVec> segments, ReadOnlySpan<Page> pages, Kiocb iocb)
    {
        Area.OpCalls.CountBlockRead();
        CompleteRead(position, pages, _device.Read(segments, position) == (long)pages.Length << Page.Shift);
    }

    // end_swap_bio_write: "Write-error on swap-device (maj:min:sector)".
    private void CompleteWrite(long position, ReadOnlySpan<Page> pages, bool ok)
    {
        if (!ok)
        {
            Core.Log.PrintRatelimited(KernelLogLevel.Alert, "end_swap_bio_write", $"Write-error on swap-device ({_device.Major}:{_device.Minor}:{position >> 9})");
        }
        Core.EndSwapWrite(pages, ok);
    }

    // end_swap_bio_read: "Read-error on swap-device (maj:min:sector)".
    private void CompleteRead(long position, ReadOnlySpan<Page> pages, bool ok)
    {
        if (!ok)
        {
            Core.Log.PrintRatelimited(KernelLogLevel.Alert, "end_swap_bio_read", $"Read-error on swap-device ({_device.Major}:{_device.Minor}:{position >> 9})");
        }
        Core.EndSwapRead(pages, ok);
    }
}

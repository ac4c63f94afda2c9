using AopsGen.Mm;

namespace AopsGen.Swap;

/// <summary>
/// SWP_FS_OPS, Linux 5.19+ (mm/page_io.c <c>swap_writepage_fs</c>, <c>swap_read_folio_fs</c>): the filesystem's
/// <c>swap_activate</c> set the flag, and every batch, read or write, is one <c>swap_rw(kiocb, iov_iter)</c> at
/// <c>offset * PAGE_SIZE</c> of the swap file (NFS since 5.19). Completion is <c>sio_write_complete</c> /
/// <c>sio_read_complete</c>.
/// </summary>
internal sealed class SwapFsOpsBackend : SwapFsBackend
{
    public SwapFsOpsBackend(SwapCore core, SwapInfo area, OpenFile file)
        : base(core, area, file)
    {
    }

    public override SwapIoMode Mode => SwapIoMode.FsOps;

    public override void SubmitWrite(long position, ReadOnlySpan<IoVec> segments, ReadOnlySpan<Page> pages, Kiocb iocb)
    {
        long length = (long)pages.Length << Page.Shift;
        CompleteWrite(position, pages, SwapRw(Rw.KernelWrite, position, length, segments, iocb) == length);
    }

    public override void SubmitRead(long position, ReadOnlySpan<IoVec> segments, ReadOnlySpan<Page> pages, Kiocb iocb)
    {
        long length = (long)pages.Length << Page.Shift;
        CompleteRead(pages, SwapRw(Rw.KernelRead, position, length, segments, iocb) == length);
    }

    private long SwapRw(Rw rw, long position, long length, ReadOnlySpan<IoVec> segments, Kiocb iocb)
    {
        iocb.Init(File, position, length);
        Area.OpCalls.CountSwapRw();
        return AopsCalls.SwapRw(File.Mapping.Aops, iocb, new IovIter(rw, segments));
    }

    // sio_write_complete: "Write error %ld on dio swapfile (%llu)", then redirty or clean.
    private void CompleteWrite(long position, ReadOnlySpan<Page> pages, bool ok)
    {
        if (!ok)
        {
            Core.Log.PrintRatelimited(KernelLogLevel.Error, "sio_write_complete", $"Write error on dio swapfile ({position})");
        }
        Core.EndSwapWrite(pages, ok);
    }

    // sio_read_complete: "Read-error on swap-device" without a device number.
    private void CompleteRead(ReadOnlySpan<Page> pages, bool ok)
    {
        if (!ok)
        {
            Core.Log.PrintRatelimited(KernelLogLevel.Alert, "sio_read_complete", "Read-error on swap-device");
        }
        Core.EndSwapRead(pages, ok);
    }
}

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

    public override long SubmitWrite(long position, ReadOnlySpan<IoVec> segments, ReadOnlySpan<Page> pages, Kiocb iocb)
        => SwapRw(Rw.KernelWrite, segments, iocb);

    public override long SubmitRead(long position, ReadOnlySpan<IoVec> segments, ReadOnlySpan<Page> pages, Kiocb iocb)
        => SwapRw(Rw.KernelRead, segments, iocb);

    private long SwapRw(Rw rw, ReadOnlySpan<IoVec> segments, Kiocb iocb)
    {
        Area.OpCalls.CountSwapRw();
        return AopsCalls.SwapRw(File.Mapping.Aops, iocb, new IovIter(rw, segments));
    }

    /// <summary><c>sio_write_complete</c>: "Write error %ld on dio swapfile (%llu)", then redirty or clean.</summary>
    public override void EndWrite(long position, ReadOnlySpan<Page> pages, long result)
    {
        bool ok = IsWhole(pages, result);
        if (!ok)
        {
            Core.Log.PrintRatelimited(KernelLogLevel.Error, "sio_write_complete", $"Write error {result} on dio swapfile ({position})");
        }
        Core.EndSwapWrite(pages, ok);
    }
}

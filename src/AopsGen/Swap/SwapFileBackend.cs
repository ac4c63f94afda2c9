using AopsGen.Mm;

namespace AopsGen.Swap;

/// <summary>
/// SWP_FILE, Linux 3.6's routing (the seed commit 62c230bc1790) with batched reads: a batch of writes is one
/// <c>direct_IO(KERNEL_WRITE)</c> on the swap file at <c>offset * PAGE_SIZE</c> (3.6 wrote one page per call; the
/// batch is the seed's "writing back batches of swap pages in the future"), and a batch of reads — a readahead
/// window's contiguous run of slots, or one faulting page — is one vectored <c>direct_IO(KERNEL_READ)</c> there
/// (3.6 read each page with the file's <c>readpage</c>, one synchronous call a page; 5.19's SWP_FS_OPS reads the run
/// with one <c>swap_rw</c>, and SWP_FILE's <c>direct_IO</c> is the same transfer). <c>readpage</c> stays for what is
/// not swap I/O: swapon's read of the header. At queue depth &gt; 1 both may complete later through
/// <c>ki_complete</c>. A short write redirties (the v3.10 fix): "Write error on dio swapfile (pos)"; a short read
/// leaves every page of the batch not uptodate: "Read-error on swap-device" (5.19 <c>sio_read_complete</c>).
/// </summary>
internal sealed class SwapFileBackend : SwapFsBackend
{
    public SwapFileBackend(SwapCore core, SwapInfo area, OpenFile file)
        : base(core, area, file)
    {
    }

    public override SwapIoMode Mode => SwapIoMode.File;

    /// <summary>3.6's <c>swap_writepage</c> over <c>direct_IO(KERNEL_WRITE)</c>; an asynchronous kiocb lets the
    /// filesystem return -EIOCBQUEUED and call <c>ki_complete</c> later.</summary>
    public override long SubmitWrite(long position, ReadOnlySpan<IoVec> segments, ReadOnlySpan<Page> pages, Kiocb iocb)
    {
        Area.OpCalls.CountDirectIO();
        return AopsCalls.DirectIO(File.Mapping.Aops, Rw.KernelWrite, iocb, segments, position);
    }

    /// <summary>The batch's read: one <c>direct_IO(KERNEL_READ)</c> of its segments, as the write; an asynchronous
    /// kiocb lets the filesystem return -EIOCBQUEUED and call <c>ki_complete</c> later.</summary>
    public override long SubmitRead(long position, ReadOnlySpan<IoVec> segments, ReadOnlySpan<Page> pages, Kiocb iocb)
    {
        Area.OpCalls.CountDirectIO();
        return AopsCalls.DirectIO(File.Mapping.Aops, Rw.KernelRead, iocb, segments, position);
    }

    /// <summary>swap_writepage's end (v3.10+): a short write redirties every page and logs the position.</summary>
    public override void EndWrite(long position, ReadOnlySpan<Page> pages, long result)
    {
        bool ok = IsWhole(pages, result);
        if (!ok)
        {
            Core.Log.PrintRatelimited(KernelLogLevel.Error, "swap_writepage", $"Write error on dio swapfile ({position})");
        }
        Core.EndSwapWrite(pages, ok);
    }
}

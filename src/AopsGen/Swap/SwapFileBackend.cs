using AopsGen.Mm;

namespace AopsGen.Swap;

/// <summary>
/// SWP_FILE, Linux 3.6's routing (the seed commit 62c230bc1790): a batch of writes is one
/// <c>direct_IO(KERNEL_WRITE)</c> on the swap file at <c>offset * PAGE_SIZE</c> (3.6 wrote one page per call; the
/// batch is the seed's "writing back batches of swap pages in the future"), and every page is read with the file's
/// <c>readpage</c>, readahead included, as 3.6 reads — the filesystem sets Uptodate and unlocks. A short write
/// redirties (the v3.10 fix): "Write error on dio swapfile (pos)".
/// </summary>
internal sealed class SwapFileBackend : SwapFsBackend
{
    public SwapFileBackend(SwapCore core, SwapInfo area, OpenFile file)
        : base(core, area, file)
    {
    }

    public override SwapIoMode Mode => SwapIoMode.File;

    public override void SubmitWrite(long position, ReadOnlySpan<IoVec> segments, ReadOnlySpan<Page> pages, Kiocb iocb)
    {
        long length = (long)pages.Length << Page.Shift;
        iocb.Init(File, position, length);
        Area.OpCalls.CountDirectIO();
        long ret = AopsCalls.DirectIO(File.Mapping.Aops, Rw.KernelWrite, iocb, segments, position);
        CompleteWrite(position, pages, ret == length);
    }

    /// <summary>3.6's <c>swap_readpage</c> for each page: <c>a_ops-&gt;readpage(swap_file, page)</c>, which
    /// completes the page itself.</summary>
    public override void SubmitRead(long position, ReadOnlySpan<IoVec> segments, ReadOnlySpan<Page> pages, Kiocb iocb)
    {
        foreach (Page page in pages)
        {
            Area.OpCalls.CountReadPage();
            int ret = AopsCalls.ReadPage(File.Mapping.Aops, File, page);
            Core.CountSwapRead(ret == 0 && (page.IsLocked || page.IsUptodate), 1);
        }
    }

    // swap_writepage's end (v3.10+): a short write redirties every page and logs the position.
    private void CompleteWrite(long position, ReadOnlySpan<Page> pages, bool ok)
    {
        if (!ok)
        {
            Core.Log.PrintRatelimited(KernelLogLevel.Error, "swap_writepage", $"Write error on dio swapfile ({position})");
        }
        Core.EndSwapWrite(pages, ok);
    }
}

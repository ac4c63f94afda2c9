using AopsGen.Mm;

namespace AopsGen.Swap;

/// <summary>
/// mm/page_io.c: how swap pages reach the disk. An SWP_FILE area (its filesystem has <c>swap_activate</c>)
/// is written with the swap file's <c>direct_IO</c> and read with its <c>readpage</c>, as the seed commit
/// routes it; any other area goes straight to its block device at the blocks its extents name. Writes are
/// batched through <see cref="SwapPlug"/>; a failed write leaves its pages dirty (the v3.10 fix), so nothing
/// is lost.
/// </summary>
public sealed partial class SwapCore
{
    /// <summary>
    /// mm/page_io.c <c>swap_writepage</c> (the <c>writepage</c> of <c>swap_aops</c>): a locked swap-cache page
    /// whose slot no owner references any more just leaves the cache (no I/O); otherwise it is set under
    /// writeback, unlocked, and written — at once, or with the pages after it when this thread has started a
    /// <see cref="SwapPlug"/>. Returns 0; the outcome is on the page when its writeback ends (clean, or dirty
    /// again after a failed write).
    /// </summary>
    public int SwapWritepage(Page page, WritebackControl wbc)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (TryToFreeSwap(page))
        {
            page.Unlock();
            return 0;
        }
        var entry = new SwapEntry(page.Private);
        SwapInfo area = AreaOf(entry) ?? throw new InvalidOperationException($"swap_writepage of {page}: {entry} names no swap area.");
        if (page.SetWriteback())
        {
            throw new InvalidOperationException($"swap_writepage of {page}, which is already under writeback (BUG).");
        }
        page.Unlock();
        SwapPlug.Add(this, area, page, SwapIoPosition(area, entry));
        return 0;
    }

    /// <summary>
    /// mm/page_io.c <c>swap_readpage</c>: read a locked swap-cache page that is not uptodate. SWP_FILE: the swap
    /// file's <c>readpage</c> (which sets Uptodate and unlocks); otherwise a read from the block device. On
    /// failure the page is unlocked and stays not uptodate, and the error is returned: the fault that waits
    /// for it reports it (the kernel's SIGBUS). Counts <c>pswpin</c>.
    /// </summary>
    public int SwapReadpage(Page page)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (!page.IsLocked || page.IsUptodate)
        {
            throw new InvalidOperationException($"swap_readpage of {page}: it must be locked and not uptodate (VM_BUG_ON).");
        }
        var entry = new SwapEntry(page.Private);
        SwapInfo? area = AreaOf(entry);
        if (area is null)
        {
            page.Unlock();
            return Errnos.Neg(Errno.EINVAL);
        }
        bool isFile = (area.Flags & SwapFlags.File) != 0;
        if (SwapPlug.IsPlugged && (!isFile || area.SwapFile!.Mapping.Aops.Has(AddressSpaceOp.DirectIO)))
        {
            // Readahead: join the plug; neighbouring slots become one vectored read (6.x swap_read_folio_fs).
            SwapPlug.Add(this, area, page, SwapIoPosition(area, entry), read: true);
            return 0;
        }
        int ret;
        if ((area.Flags & SwapFlags.File) != 0)
        {
            OpenFile file = area.SwapFile!;
            ret = AopsCalls.ReadPage(file.Mapping.Aops, file, page);
            if (ret == 0 && !page.IsLocked && !page.IsUptodate)
            {
                ret = Errnos.Neg(Errno.EIO);
            }
        }
        else
        {
            IoVec segment = IoVec.ForPage(page);
            long position = SwapIoPosition(area, entry);
            long done = area.Bdev!.Read(new ReadOnlySpan<IoVec>(in segment), position);
            ret = done == Page.Size ? 0 : (done < 0 ? (int)done : Errnos.Neg(Errno.EIO));
            if (ret == 0)
            {
                page.Set(PageFlags.Uptodate);
            }
            else
            {
                page.Clear(PageFlags.Uptodate);
                Log.PrintRatelimited(KernelLogLevel.Alert, "end_swap_bio_read", $"Read-error on swap-device ({area.Bdev.Major}:{area.Bdev.Minor}:{position >> 9})");
            }
            page.Unlock();
        }
        if (ret == 0)
        {
            Events.Count(VmEvent.PswpIn);
        }
        else
        {
            Events.Count(VmEvent.SwapReadError);
        }
        return ret;
    }

    // swap_dev_pos / map_swap_page: where a slot's page lives — in the swap file for SWP_FILE, else on the
    // device at the extent's block.
    private static long SwapIoPosition(SwapInfo area, SwapEntry entry)
    {
        if ((area.Flags & SwapFlags.File) != 0)
        {
            return entry.BytePosition;
        }
        ulong block = area.MapSwapPage(entry.Offset) ?? throw new InvalidOperationException($"{entry} lies in no extent of {area}.");
        return (long)(block << Page.Shift);
    }

    /// <summary>One submission of a plug: a vectored read (<see cref="SubmitSwapRead"/>) or write (<see cref="SubmitSwapWrite"/>).</summary>
    internal void SubmitSwapIo(SwapInfo area, bool read, long position, ReadOnlySpan<IoVec> segments, ReadOnlySpan<Page> pages, Kiocb iocb)
    {
        if (read)
        {
            SubmitSwapRead(area, position, segments, pages, iocb);
        }
        else
        {
            SubmitSwapWrite(area, position, segments, pages, iocb);
        }
    }

    // The one vectored transfer of a submission: the swap file's direct_IO (SWP_FILE, as swap_rw does) or a bio
    // to the block device the extents map to. Returns the bytes transferred or -errno.
    private static long SwapRw(SwapInfo area, Rw rw, long position, long length, ReadOnlySpan<IoVec> segments, Kiocb iocb)
    {
        if ((area.Flags & SwapFlags.File) != 0)
        {
            OpenFile file = area.SwapFile!;
            iocb.Init(file, position, length);
            return AopsCalls.DirectIO(file.Mapping.Aops, rw, iocb, segments, position);
        }
        return rw == Rw.KernelRead ? area.Bdev!.Read(segments, position) : area.Bdev!.Write(segments, position);
    }

    /// <summary>
    /// <c>swap_read_unplug</c> and <c>sio_read_complete</c>: one vectored read of locked swap-cache pages
    /// contiguous from <paramref name="position"/> — the swap file's <c>direct_IO(KERNEL_READ)</c> or a bio from
    /// the block device. Success: every page uptodate and unlocked, <c>pswpin</c> counted. Failure: every page
    /// unlocked without uptodate, and "Read-error on swap-device" logged; the faults waiting on them report it.
    /// </summary>
    private void SubmitSwapRead(SwapInfo area, long position, ReadOnlySpan<IoVec> segments, ReadOnlySpan<Page> pages, Kiocb iocb)
    {
        long length = (long)pages.Length << Page.Shift;
        bool isFile = (area.Flags & SwapFlags.File) != 0;
        bool ok = SwapRw(area, Rw.KernelRead, position, length, segments, iocb) == length;
        foreach (Page page in pages)
        {
            if (ok)
            {
                page.Set(PageFlags.Uptodate);
            }
            else
            {
                page.Clear(PageFlags.Uptodate);
            }
            page.Unlock();
        }
        if (ok)
        {
            Events.Count(VmEvent.PswpIn, pages.Length);
            return;
        }
        Events.Count(VmEvent.SwapReadError, pages.Length);
        if (isFile)
        {
            Log.PrintRatelimited(KernelLogLevel.Alert, "sio_read_complete", "Read-error on swap-device");
        }
        else
        {
            Log.PrintRatelimited(KernelLogLevel.Alert, "end_swap_bio_read", $"Read-error on swap-device ({area.Bdev!.Major}:{area.Bdev.Minor}:{position >> 9})");
        }
    }

    /// <summary>
    /// <c>swap_write_unplug</c> and its completion <c>sio_write_complete</c>: one vectored write of
    /// <paramref name="pages"/> (under writeback, contiguous from <paramref name="position"/>) — the swap file's
    /// <c>direct_IO(KERNEL_WRITE)</c> or a bio to the block device. When it falls short every page is
    /// redirtied through <c>swap_aops.set_page_dirty</c> and loses PG_reclaim, and the kernel's line is logged
    /// ("Write error on dio swapfile (pos)" / "Write-error on swap-device (maj:min:sector)"), so the pages
    /// stay in memory to be written again; then every page's writeback ends.
    /// </summary>
    private void SubmitSwapWrite(SwapInfo area, long position, ReadOnlySpan<IoVec> segments, ReadOnlySpan<Page> pages, Kiocb iocb)
    {
        long length = (long)pages.Length << Page.Shift;
        bool isFile = (area.Flags & SwapFlags.File) != 0;
        long ret = SwapRw(area, Rw.KernelWrite, position, length, segments, iocb);

        if (ret == length)
        {
            Events.Count(VmEvent.PswpOut, pages.Length);
        }
        else
        {
            foreach (Page page in pages)
            {
                AopsCalls.SetPageDirty(page.Mapping!.Aops, page);
                page.Clear(PageFlags.Reclaim);
            }
            Events.Count(VmEvent.SwapWriteError, pages.Length);
            if (isFile)
            {
                Log.PrintRatelimited(KernelLogLevel.Error, "swap_writepage", $"Write error on dio swapfile ({position})");
            }
            else
            {
                Log.PrintRatelimited(KernelLogLevel.Alert, "end_swap_bio_write", $"Write-error on swap-device ({area.Bdev!.Major}:{area.Bdev.Minor}:{position >> 9})");
            }
        }
        foreach (Page page in pages)
        {
            page.EndWriteback();
        }
    }

    /// <summary>
    /// mm/page_io.c:90 <c>generic_swapfile_activate</c>: walk the file page by page with <c>bmap</c>. A block of 0
    /// is a hole: "swapon: swapfile has holes", -EINVAL. A page whose first block is not page-aligned on the device,
    /// or whose blocks are not contiguous, is skipped (the walk moves on by one block), as the kernel does;
    /// contiguous pages merge into extents. The area shrinks to the pages found. Returns the number of extents.
    /// </summary>
    private int GenericSwapfileActivate(SwapInfo area, OpenFile file)
    {
        Inode inode = file.Inode;
        AddressSpaceOperations aops = file.Mapping.Aops;
        int blkbits = inode.BlockBits;
        ulong blocksPerPage = 1UL << (Page.Shift - blkbits);
        ulong lastBlock = (ulong)inode.Size >> blkbits;
        ulong probeBlock = 0;
        uint pageNo = 0;
        ulong lowestBlock = ulong.MaxValue;
        ulong highestBlock = 0;
        int extents = 0;

        while (probeBlock + blocksPerPage <= lastBlock && pageNo < area.Max)
        {
            ulong first = AopsCalls.Bmap(aops, file.Mapping, probeBlock);
            if (first == 0)
            {
                return Hole();
            }
            if ((first & (blocksPerPage - 1)) != 0)
            {
                probeBlock++;
                continue;
            }
            bool contiguous = true;
            for (ulong k = 1; k < blocksPerPage; k++)
            {
                ulong block = AopsCalls.Bmap(aops, file.Mapping, probeBlock + k);
                if (block == 0)
                {
                    return Hole();
                }
                if (block != first + k)
                {
                    contiguous = false;
                    break;
                }
            }
            if (!contiguous)
            {
                probeBlock++;
                continue;
            }
            first >>= Page.Shift - blkbits;
            if (pageNo > 0)
            {
                lowestBlock = Math.Min(lowestBlock, first);
                highestBlock = Math.Max(highestBlock, first);
            }
            extents += area.AddSwapExtent(pageNo, 1, first);
            pageNo++;
            probeBlock += blocksPerPage;
        }

        if (pageNo == 0)
        {
            pageNo = 1;
        }
        area.Span = pageNo > 1 ? 1 + highestBlock - lowestBlock : 0;
        if (pageNo < area.Max)
        {
            area.ShrinkTo(pageNo);
        }
        return extents;

        int Hole()
        {
            Log.Print(KernelLogLevel.Error, "swapon: swapfile has holes");
            return Errnos.Neg(Errno.EINVAL);
        }
    }
}

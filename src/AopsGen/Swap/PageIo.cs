using AopsGen.Mm;

namespace AopsGen.Swap;

/// <summary>
/// mm/page_io.c: how swap pages reach storage — through the backend swapon chose for the area
/// (<see cref="SwapBackend"/>: SWP_FILE, SWP_FS_OPS, extents, SWP_BLKDEV), never by testing a flag here. Reads and
/// writes are batched through <see cref="SwapPlug"/>; a failed write leaves its pages dirty (the v3.10 fix), so
/// nothing is lost.
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
        SwapPlug.Add(area, page, area.Io!.Position(entry.Offset));
        return 0;
    }

    /// <summary>
    /// mm/page_io.c <c>swap_readpage</c>: read a locked swap-cache page that is not uptodate through its area's
    /// backend — at once, or with its neighbours when this thread has started a <see cref="SwapPlug"/> (readahead).
    /// On failure the page is unlocked and stays not uptodate: the fault that waits for it reports it (the kernel's
    /// SIGBUS). Returns 0, or -EIO when a read done at once failed; counts <c>pswpin</c>.
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
        if (area?.Io is not { } io)
        {
            page.Unlock();
            return Errnos.Neg(Errno.EINVAL);
        }
        bool plugged = SwapPlug.IsPlugged;
        SwapPlug.Add(area, page, io.Position(entry.Offset), read: true);
        return plugged || page.IsLocked || page.IsUptodate ? 0 : Errnos.Neg(Errno.EIO);
    }

    /// <summary>
    /// One submission of a plug (<c>swap_write_unplug</c> / <c>swap_read_unplug</c>), to the area's backend. At queue
    /// depth 1, or when <paramref name="mayQueue"/> is false (a page written from inside a submission), the batch goes
    /// with the caller's synchronous <paramref name="syncIocb"/> and is completed here. Otherwise it is copied into a
    /// <see cref="SwapIocb"/> of the area's queue (waiting for one when every batch is in flight) whose kiocb has
    /// <c>ki_complete</c> = <see cref="SwapIoComplete"/>: a backend that returns -EIOCBQUEUED completes it later, on
    /// whatever thread finishes the I/O; one that returns anything else is completed here with that result.
    /// </summary>
    internal static unsafe void SubmitSwapIo(SwapInfo area, bool read, long position, ReadOnlySpan<IoVec> segments, ReadOnlySpan<Page> pages, Kiocb syncIocb, bool mayQueue)
    {
        SwapBackend io = area.Io!;
        long length = (long)pages.Length << Page.Shift;
        if (!mayQueue || io.Queue.IsSync)
        {
            syncIocb.Init(area.SwapFile, position, length);
            io.Queue.BeginSync();
            try
            {
                long ret = Submit(io, read, position, segments, pages, syncIocb);
                // is_sync_kiocb: the op must have finished; a queued answer is a filesystem bug, and the batch failed.
                End(io, read, position, pages, ret == Errnos.Neg(Errno.EIOCBQUEUED) ? Errnos.Neg(Errno.EIO) : ret);
            }
            finally
            {
                io.Queue.EndSync();
            }
            return;
        }
        SwapIocb sio = io.Queue.Get();
        segments.CopyTo(sio.Segments);
        pages.CopyTo(sio.Pages);
        sio.Count = pages.Length;
        sio.Position = position;
        sio.Read = read;
        Kiocb iocb = sio.Iocb.Init(area.SwapFile, position, length);
        iocb.Complete = &SwapIoComplete;
        iocb.Private = sio;
        if (!read)
        {
            io.Core.CountWritebackBatch(+1);
        }
        long result = Submit(io, read, position, sio.Segments.AsSpan(0, sio.Count), sio.Pages.AsSpan(0, sio.Count), iocb);
        if (result != Errnos.Neg(Errno.EIOCBQUEUED))
        {
            SwapIoComplete(iocb, result);
        }
    }

    private static long Submit(SwapBackend io, bool read, long position, ReadOnlySpan<IoVec> segments, ReadOnlySpan<Page> pages, Kiocb iocb)
        => read ? io.SubmitRead(position, segments, pages, iocb) : io.SubmitWrite(position, segments, pages, iocb);

    private static void End(SwapBackend io, bool read, long position, ReadOnlySpan<Page> pages, long result)
    {
        if (read)
        {
            io.EndRead(position, pages, result);
        }
        else
        {
            io.EndWrite(position, pages, result);
        }
    }

    /// <summary>
    /// <c>ki_complete</c> of a queued batch (<c>sio_write_complete</c> / <c>sio_read_complete</c>, and for the block
    /// device <c>end_swap_bio_write</c> / <c>end_swap_bio_read</c> as <c>bi_end_io</c>): the backend's completion with
    /// the result, then the batch goes back to its queue, waking a submitter that waits for one. Runs on the thread
    /// that finished the I/O.
    /// </summary>
    private static void SwapIoComplete(Kiocb iocb, long result)
    {
        var sio = (SwapIocb)iocb.Private!;
        SwapBackend io = sio.Queue.Backend;
        ReadOnlySpan<Page> pages = sio.Pages.AsSpan(0, sio.Count);
        End(io, sio.Read, sio.Position, pages, result);
        if (!sio.Read)
        {
            io.Core.CountWritebackBatch(-1);
        }
        Array.Clear(sio.Pages, 0, sio.Count);
        sio.Count = 0;
        iocb.Private = null;
        sio.Queue.Put(sio);
    }

    /// <summary>
    /// The end of a write batch, for every backend (<c>end_swap_bio_write</c>, <c>sio_write_complete</c>): when it
    /// fell short every page is redirtied through <c>swap_aops.set_page_dirty</c> and loses PG_reclaim, so it stays
    /// in memory to be written again; then every page's writeback ends. The backend has logged its line.
    /// </summary>
    internal void EndSwapWrite(ReadOnlySpan<Page> pages, bool ok)
    {
        if (ok)
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
        }
        foreach (Page page in pages)
        {
            // folio_end_writeback: a page written for reclaim goes to the inactive tail, to be freed next.
            bool rotate = ok && page.TestAndClear(PageFlags.Reclaim);
            page.EndWriteback();
            if (rotate)
            {
                _mm?.Lru.RotateReclaimable(page);
            }
        }
    }

    /// <summary>
    /// The end of a read batch (<c>end_swap_bio_read</c>, <c>sio_read_complete</c>): every page uptodate, or not
    /// after a failure, and unlocked; <c>pswpin</c> counted. The backend has logged its line.
    /// </summary>
    internal void EndSwapRead(ReadOnlySpan<Page> pages, bool ok)
    {
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
        CountSwapRead(ok, pages.Length);
    }

    /// <summary>Counts <paramref name="pages"/> read into the swap cache: <c>pswpin</c>, or read errors.</summary>
    internal void CountSwapRead(bool ok, int pages) => Events.Count(ok ? VmEvent.PswpIn : VmEvent.SwapReadError, pages);

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
            area.OpCalls.CountBmap();
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
                area.OpCalls.CountBmap();
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

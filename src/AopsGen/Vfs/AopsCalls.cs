namespace AopsGen;

/// <summary>
/// The one place that applies the kernel's NULL defaults. <c>AopsCalls.X(aops, ...)</c> calls the table's
/// op when it is set and <c>NullX</c> otherwise, as the kernel's callers do (<c>do_writepages</c>,
/// <c>set_page_dirty</c>, <c>bmap</c>, <c>try_to_release_page</c>, ...). The <c>NullX</c> methods are those
/// defaults, each citing the Linux 3.6 source it follows; the generated <c>StaticOps</c> structs fall back
/// to them too, through <see cref="IAddressSpaceOperations{TSelf}"/>. The <c>AopsCalls.X</c> wrappers are generated
/// from the op catalog (AopsGen.OpSurface); the defaults are written here.
/// </summary>
public static unsafe partial class AopsCalls
{
    /// <summary>mm/vmscan.c <c>pageout()</c>: with no <c>writepage</c> the page is kept (PAGE_ACTIVATE). Its
    /// dirty bit, cleared by the caller, is set again and it stays locked, as AOP_WRITEPAGE_ACTIVATE says.</summary>
    public static int NullWritePage(AddressSpaceOperations aops, Page page, WritebackControl wbc)
    {
        ArgumentNullException.ThrowIfNull(page);
        page.Set(PageFlags.Dirty);
        return AopReturn.WritePageActivate;
    }

    /// <summary>No default (swapon refuses such a file, mm/swapfile.c:2000). Keeps the op's contract for the
    /// caller: the page is unlocked and not uptodate, and the result is <c>-EINVAL</c>.</summary>
    public static int NullReadPage(AddressSpaceOperations aops, OpenFile file, Page page)
    {
        ArgumentNullException.ThrowIfNull(page);
        page.Unlock();
        return Errnos.Neg(Errno.EINVAL);
    }

    /// <summary>
    /// mm/page-writeback.c <c>generic_writepages</c> / <c>write_cache_pages</c>: for each dirty page of the
    /// mapping, in index order and within the range: lock it, clear its dirty bit, call <c>writepage</c>.
    /// Without <c>writepage</c> there is nothing to do (0). With WB_SYNC_NONE the first error stops the
    /// walk and <c>nr_to_write</c> bounds it; with WB_SYNC_ALL writeback in progress is waited on and every dirty
    /// page is written, whatever <c>nr_to_write</c> says (data integrity).
    /// </summary>
    public static int NullWritePages(AddressSpaceOperations aops, AddressSpace mapping, WritebackControl wbc)
    {
        ArgumentNullException.ThrowIfNull(aops);
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(wbc);
        if (aops.WritePage == null)
        {
            return 0;
        }
        int firstError = 0;
        bool done = false;
        foreach (Page page in mapping.LookupPages())
        {
            long position = (long)page.Index << Page.Shift;
            if (!done && (wbc.NrToWrite > 0 || wbc.SyncMode == WritebackSyncMode.All) && position >= wbc.RangeStart && position <= wbc.RangeEnd && page.IsDirty)
            {
                page.Lock();
                if (wbc.SyncMode == WritebackSyncMode.All)
                {
                    page.WaitOnWriteback();
                }
                if (ReferenceEquals(page.Mapping, mapping) && !page.IsWriteback && page.TestAndClear(PageFlags.Dirty))
                {
                    int ret = aops.WritePage(page, wbc);
                    if (ret == AopReturn.WritePageActivate)
                    {
                        page.Unlock();
                        ret = 0;
                    }
                    if (ret < 0)
                    {
                        firstError = firstError == 0 ? ret : firstError;
                        done = wbc.SyncMode == WritebackSyncMode.None;
                    }
                    wbc.NrToWrite--;
                }
                else
                {
                    page.Unlock();
                }
            }
            page.Put();
        }
        return firstError;
    }

    /// <summary>mm/page-writeback.c <c>__set_page_dirty_buffers</c> with no buffers attached, i.e.
    /// <c>__set_page_dirty_nobuffers</c>: set PG_dirty without allocating; true if this call dirtied it.</summary>
    public static bool NullSetPageDirty(AddressSpaceOperations aops, Page page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return !page.TestAndSet(PageFlags.Dirty);
    }

    /// <summary>mm/readahead.c <c>read_pages</c>: without <c>readpages</c>, add each page to the page cache
    /// (locked) and call <c>readpage</c> on it; a page already cached is skipped. Errors are ignored, as in
    /// readahead; the caller's references are its own to drop.</summary>
    public static int NullReadPages(AddressSpaceOperations aops, OpenFile file, AddressSpace mapping, ReadOnlySpan<Page> pages)
    {
        ArgumentNullException.ThrowIfNull(aops);
        ArgumentNullException.ThrowIfNull(mapping);
        foreach (Page page in pages)
        {
            if (!page.TryLock())
            {
                continue;
            }
            if (mapping.AddPage(page, page.Index) == 0)
            {
                ReadPage(aops, file, page);
            }
            else
            {
                page.Unlock();
            }
        }
        return 0;
    }

    /// <summary>No default: the generic buffered write path cannot be used without <c>write_begin</c>.</summary>
    public static int NullWriteBegin(AddressSpaceOperations aops, OpenFile file, AddressSpace mapping, long pos, uint len, uint flags, out Page? page, out object? fsData)
    {
        page = null;
        fsData = null;
        return Errnos.Neg(Errno.EINVAL);
    }

    /// <summary>No default: the generic buffered write path cannot be used without <c>write_end</c>.</summary>
    public static int NullWriteEnd(AddressSpaceOperations aops, OpenFile file, AddressSpace mapping, long pos, uint len, uint copied, Page page, object? fsData)
        => Errnos.Neg(Errno.EINVAL);

    /// <summary>fs/inode.c:1450 <c>bmap()</c>: without the op the answer is block 0, which the swap core's
    /// extent walk reads as a hole ("swapon: swapfile has holes").</summary>
    public static ulong NullBmap(AddressSpaceOperations aops, AddressSpace mapping, ulong block) => 0;

    /// <summary>mm/truncate.c:45 <c>block_invalidatepage</c>: with nothing attached but PG_private, a page
    /// invalidated from offset 0 loses its private data.</summary>
    public static void NullInvalidatePage(AddressSpaceOperations aops, Page page, ulong offset)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (offset == 0 && page.TestAndClear(PageFlags.Private))
        {
            page.Private = 0;
        }
    }

    /// <summary>mm/filemap.c:2572 <c>try_to_free_buffers</c>: no buffers are attached in this model, so the
    /// private data goes and the page can be freed.</summary>
    public static bool NullReleasePage(AddressSpaceOperations aops, Page page, GfpFlags gfp)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (page.TestAndClear(PageFlags.Private))
        {
            page.Private = 0;
        }
        return true;
    }

    /// <summary>mm/filemap.c <c>delete_from_page_cache</c>: no <c>freepage</c>, nothing to call.</summary>
    public static void NullFreePage(AddressSpaceOperations aops, Page page)
    {
    }

    /// <summary>fs/open.c:636: without <c>direct_IO</c>, O_DIRECT is refused with EINVAL.</summary>
    public static long NullDirectIO(AddressSpaceOperations aops, Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset)
        => Errnos.Neg(Errno.EINVAL);

    /// <summary>
    /// mm/migrate.c:656 <c>fallback_migrate_page</c>: a dirty page is written back first (<c>writeout</c>:
    /// -EBUSY unless MIGRATE_SYNC, then -EAGAIN once the write started or -EIO if it failed); a page whose
    /// private data cannot be released gives -EAGAIN; otherwise <c>migrate_page</c> copies data and state
    /// to <paramref name="newPage"/> and puts it in the mapping in the old page's place. Both pages are
    /// locked by the caller.
    /// </summary>
    public static int NullMigratePage(AddressSpaceOperations aops, AddressSpace mapping, Page newPage, Page page, MigrateMode mode)
    {
        ArgumentNullException.ThrowIfNull(aops);
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(newPage);
        ArgumentNullException.ThrowIfNull(page);
        if (page.IsDirty)
        {
            if (mode != MigrateMode.Sync)
            {
                return Errnos.Neg(Errno.EBUSY);
            }
            if (aops.WritePage == null)
            {
                return Errnos.Neg(Errno.EINVAL);
            }
            if (!page.TestAndClear(PageFlags.Dirty))
            {
                return Errnos.Neg(Errno.EAGAIN);
            }
            int rc = aops.WritePage(page, new WritebackControl { SyncMode = WritebackSyncMode.None, NrToWrite = 1, ForReclaim = true });
            if (rc != AopReturn.WritePageActivate)
            {
                page.Lock();
            }
            return rc < 0 ? Errnos.Neg(Errno.EIO) : Errnos.Neg(Errno.EAGAIN);
        }
        if (page.Test(PageFlags.Private) && !ReleasePage(aops, page, GfpFlags.Kernel))
        {
            return Errnos.Neg(Errno.EAGAIN);
        }
        return MigratePageContents(mapping, newPage, page);
    }

    /// <summary>mm/migrate.c <c>migrate_page</c>: move <paramref name="page"/>'s place in
    /// <paramref name="mapping"/> to <paramref name="newPage"/> and copy its data, index, private data and
    /// state flags. Returns 0, or -EAGAIN when the page is no longer in the mapping.</summary>
    public static int MigratePageContents(AddressSpace mapping, Page newPage, Page page)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(newPage);
        ArgumentNullException.ThrowIfNull(page);
        if (!mapping.ReplacePage(page, newPage))
        {
            return Errnos.Neg(Errno.EAGAIN);
        }
        page.Bytes.CopyTo(newPage.Bytes);
        const PageFlags moved = PageFlags.Error | PageFlags.Referenced | PageFlags.Uptodate | PageFlags.Active
            | PageFlags.Checked | PageFlags.MappedToDisk | PageFlags.Private | PageFlags.SwapBacked
            | PageFlags.SwapCache | PageFlags.Dirty | PageFlags.Unevictable;
        newPage.Set(page.Flags & moved);
        page.Clear(moved & ~PageFlags.Uptodate);
        newPage.Private = page.Private;
        page.Private = 0;
        return 0;
    }

    /// <summary>mm/truncate.c:422 <c>do_launder_page</c>: without the op there is nothing to launder.</summary>
    public static int NullLaunderPage(AddressSpaceOperations aops, Page page) => 0;

    /// <summary>mm/filemap.c:1124: without the op only a wholly uptodate page is read.</summary>
    public static bool NullIsPartiallyUptodate(AddressSpaceOperations aops, Page page, ulong from, ulong count) => false;

    /// <summary>mm/memory-failure.c:584 <c>invalidate_inode_page</c>: a clean page not under writeback is
    /// dropped from the mapping (0); otherwise the page cannot be recovered (-EBUSY).</summary>
    public static int NullErrorRemovePage(AddressSpaceOperations aops, AddressSpace mapping, Page page)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(page);
        if (page.IsDirty || page.IsWriteback || !mapping.DeletePage(page))
        {
            return Errnos.Neg(Errno.EBUSY);
        }
        return 0;
    }

    /// <summary>
    /// Without <c>swap_activate</c>, swapon does not call the filesystem: it walks <c>bmap</c> page by page
    /// (<c>generic_swapfile_activate</c>, mm/page_io.c:90). Calling the op anyway gets -EINVAL and a span of 0.
    /// </summary>
    public static int NullSwapActivate(AddressSpaceOperations aops, SwapInfo sis, OpenFile file, out ulong span)
    {
        span = 0;
        return Errnos.Neg(Errno.EINVAL);
    }

    /// <summary>mm/swapfile.c (4.19+): <c>swap_deactivate</c> is NULL-checked; nothing to release.</summary>
    public static void NullSwapDeactivate(AddressSpaceOperations aops, OpenFile file)
    {
    }

    /// <summary>Without <c>sync_page</c> no I/O is held back, so there is nothing to submit.</summary>
    public static void NullSyncPage(AddressSpaceOperations aops, Page page)
    {
    }

    /// <summary>No default: an area routes I/O through <c>swap_rw</c> only when its filesystem has it.</summary>
    public static int NullSwapRw(AddressSpaceOperations aops, Kiocb iocb, IovIter iter) => Errnos.Neg(Errno.EINVAL);
}

namespace AopsGen;

/// <summary>
/// The compile-time form of a table, the analog of the kernel's <c>static_call</c>: the generator emits a
/// zero-size struct <c>StaticOps</c> in every <see cref="AddressSpaceOperationsAttribute"/> class that
/// implements this interface with direct calls to the class's op methods. A loop written as
/// <c>Run&lt;TOps&gt;() where TOps : struct, IAddressSpaceOperations&lt;TOps&gt;</c> is compiled once per filesystem, with
/// calls the JIT can inline. Ops the class leaves out keep these default bodies, which go through
/// <see cref="AopsCalls"/> and so get the kernel's NULL default, exactly as a table call would.
/// </summary>
/// <typeparam name="TSelf">The implementing struct itself (the generated <c>StaticOps</c>).</typeparam>
public interface IAddressSpaceOperations<TSelf>
    where TSelf : IAddressSpaceOperations<TSelf>
{
    /// <summary>The run-time table of the same class (<c>Type.Operations</c>).</summary>
    static abstract AddressSpaceOperations Operations { get; }

    /// <summary><c>writepage</c>; without the op, the NULL default: the page stays dirty and is activated (AOP_WRITEPAGE_ACTIVATE); mm/vmscan.c pageout() returns PAGE_ACTIVATE.</summary>
    static virtual int WritePage(Page page, WritebackControl wbc) => AopsCalls.NullWritePage(TSelf.Operations, page, wbc);

    /// <summary><c>readpage</c>; without the op, the NULL default: none: swapon refuses the file with EINVAL (mm/swapfile.c:2000); a call gets -EINVAL.</summary>
    static virtual int ReadPage(OpenFile file, Page page) => AopsCalls.NullReadPage(TSelf.Operations, file, page);

    /// <summary><c>writepages</c>; without the op, the NULL default: generic_writepages: writepage for each dirty page (mm/page-writeback.c:1901).</summary>
    static virtual int WritePages(AddressSpace mapping, WritebackControl wbc) => AopsCalls.NullWritePages(TSelf.Operations, mapping, wbc);

    /// <summary><c>set_page_dirty</c>; without the op, the NULL default: __set_page_dirty_buffers: set PG_dirty without allocating (mm/page-writeback.c:2077).</summary>
    static virtual bool SetPageDirty(Page page) => AopsCalls.NullSetPageDirty(TSelf.Operations, page);

    /// <summary><c>readpages</c>; without the op, the NULL default: readpage for each page (mm/readahead.c:120).</summary>
    static virtual int ReadPages(OpenFile file, AddressSpace mapping, ReadOnlySpan<Page> pages) => AopsCalls.NullReadPages(TSelf.Operations, file, mapping, pages);

    /// <summary><c>write_begin</c>; without the op, the NULL default: none: the generic buffered write path cannot be used; a call gets -EINVAL.</summary>
    static virtual int WriteBegin(OpenFile file, AddressSpace mapping, long pos, uint len, uint flags, out Page? page, out object? fsData) => AopsCalls.NullWriteBegin(TSelf.Operations, file, mapping, pos, len, flags, out page, out fsData);

    /// <summary><c>write_end</c>; without the op, the NULL default: none: the generic buffered write path cannot be used; a call gets -EINVAL.</summary>
    static virtual int WriteEnd(OpenFile file, AddressSpace mapping, long pos, uint len, uint copied, Page page, object? fsData) => AopsCalls.NullWriteEnd(TSelf.Operations, file, mapping, pos, len, copied, page, fsData);

    /// <summary><c>bmap</c>; without the op, the NULL default: 0, which the swap core reads as a hole (fs/inode.c:1450).</summary>
    static virtual ulong Bmap(AddressSpace mapping, ulong block) => AopsCalls.NullBmap(TSelf.Operations, mapping, block);

    /// <summary><c>invalidatepage</c>; without the op, the NULL default: block_invalidatepage: drop the page's private data when the whole page goes (mm/truncate.c:45).</summary>
    static virtual void InvalidatePage(Page page, ulong offset) => AopsCalls.NullInvalidatePage(TSelf.Operations, page, offset);

    /// <summary><c>releasepage</c>; without the op, the NULL default: try_to_free_buffers: nothing is attached, so the page can go (mm/filemap.c:2572).</summary>
    static virtual bool ReleasePage(Page page, GfpFlags gfp) => AopsCalls.NullReleasePage(TSelf.Operations, page, gfp);

    /// <summary><c>freepage</c>; without the op, the NULL default: nothing is called.</summary>
    static virtual void FreePage(Page page) => AopsCalls.NullFreePage(TSelf.Operations, page);

    /// <summary><c>direct_IO</c>; without the op, the NULL default: none: open(O_DIRECT) fails with EINVAL (fs/open.c:636); a call gets -EINVAL.</summary>
    static virtual long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) => AopsCalls.NullDirectIO(TSelf.Operations, rw, iocb, iov, offset);

    /// <summary><c>migratepage</c>; without the op, the NULL default: fallback_migrate_page: write back a dirty page, else copy data and state (mm/migrate.c:656).</summary>
    static virtual int MigratePage(AddressSpace mapping, Page newPage, Page page, MigrateMode mode) => AopsCalls.NullMigratePage(TSelf.Operations, mapping, newPage, page, mode);

    /// <summary><c>launder_page</c>; without the op, the NULL default: 0: nothing to launder (mm/truncate.c:422).</summary>
    static virtual int LaunderPage(Page page) => AopsCalls.NullLaunderPage(TSelf.Operations, page);

    /// <summary><c>is_partially_uptodate</c>; without the op, the NULL default: false: the whole page must be uptodate (mm/filemap.c:1124).</summary>
    static virtual bool IsPartiallyUptodate(Page page, ulong from, ulong count) => AopsCalls.NullIsPartiallyUptodate(TSelf.Operations, page, from, count);

    /// <summary><c>error_remove_page</c>; without the op, the NULL default: invalidate_inode_page: drop a clean page from the cache, else -EBUSY (mm/memory-failure.c:584).</summary>
    static virtual int ErrorRemovePage(AddressSpace mapping, Page page) => AopsCalls.NullErrorRemovePage(TSelf.Operations, mapping, page);

    /// <summary><c>swap_activate</c>; without the op, the NULL default: swapon walks bmap page by page (generic_swapfile_activate, mm/page_io.c:90); a call gets -EINVAL.</summary>
    static virtual int SwapActivate(SwapInfo sis, OpenFile file, out ulong span) => AopsCalls.NullSwapActivate(TSelf.Operations, sis, file, out span);

    /// <summary><c>swap_deactivate</c>; without the op, the NULL default: nothing is called (NULL-checked since 4.19; 3.6 called it unconditionally).</summary>
    static virtual void SwapDeactivate(OpenFile file) => AopsCalls.NullSwapDeactivate(TSelf.Operations, file);

    /// <summary><c>sync_page</c>; without the op, the NULL default: nothing is held back, so nothing is submitted.</summary>
    static virtual void SyncPage(Page page) => AopsCalls.NullSyncPage(TSelf.Operations, page);

    /// <summary><c>swap_rw</c>; without the op, the NULL default: none (5.19+ calls it unconditionally for SWP_FS_OPS); a call gets -EINVAL.</summary>
    static virtual int SwapRw(Kiocb iocb, IovIter iter) => AopsCalls.NullSwapRw(TSelf.Operations, iocb, iter);
}

namespace AopsGen;

// One attribute per op of Linux 3.6's struct address_space_operations (get_xip_mem aside), plus 2.6's
// sync_page and 5.19's swap_rw. Put one on a static method of an [AddressSpaceOperations] partial class;
// the generator puts the method's address in that op's slot of the class's table. The expected C#
// signature is in each attribute's summary and in docs/ops.md.

/// <summary>
/// <c>writepage</c>: Write one dirty, locked page (PG_dirty already cleared). Set PG_writeback, unlock the page, start the write.
/// <code>static int WritePage(Page page, WritebackControl wbc)</code>
/// When no method has it: the page stays dirty and is activated (AOP_WRITEPAGE_ACTIVATE); mm/vmscan.c pageout() returns PAGE_ACTIVATE.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class WritePageAttribute : Attribute
{
}

/// <summary>
/// <c>readpage</c>: Read one locked page; on success set PG_uptodate. Unlock the page in every case.
/// <code>static int ReadPage(OpenFile file, Page page)</code>
/// When no method has it: none: swapon refuses the file with EINVAL (mm/swapfile.c:2000); a call gets -EINVAL.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ReadPageAttribute : Attribute
{
}

/// <summary>
/// <c>writepages</c>: Write back many pages of a mapping, as much as <c>wbc</c> asks.
/// <code>static int WritePages(AddressSpace mapping, WritebackControl wbc)</code>
/// When no method has it: generic_writepages: writepage for each dirty page (mm/page-writeback.c:1901).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class WritePagesAttribute : Attribute
{
}

/// <summary>
/// <c>set_page_dirty</c>: Mark a page dirty without blocking; return true if this call dirtied it.
/// <code>static bool SetPageDirty(Page page)</code>
/// When no method has it: __set_page_dirty_buffers: set PG_dirty without allocating (mm/page-writeback.c:2077).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class SetPageDirtyAttribute : Attribute
{
}

/// <summary>
/// <c>readpages</c>: Read a batch of pages for readahead (errors are ignored by the caller).
/// <code>static int ReadPages(OpenFile file, AddressSpace mapping, ReadOnlySpan&lt;Page&gt; pages)</code>
/// When no method has it: readpage for each page (mm/readahead.c:120).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ReadPagesAttribute : Attribute
{
}

/// <summary>
/// <c>write_begin</c>: Buffered write, step 1: return a locked page ready to take <c>len</c> bytes at <c>pos</c>.
/// <code>static int WriteBegin(OpenFile file, AddressSpace mapping, long pos, uint len, uint flags, out Page? page, out object? fsData)</code>
/// When no method has it: none: the generic buffered write path cannot be used; a call gets -EINVAL.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class WriteBeginAttribute : Attribute
{
}

/// <summary>
/// <c>write_end</c>: Buffered write, step 2: commit <c>copied</c> bytes, unlock the page, return the bytes copied.
/// <code>static int WriteEnd(OpenFile file, AddressSpace mapping, long pos, uint len, uint copied, Page page, object? fsData)</code>
/// When no method has it: none: the generic buffered write path cannot be used; a call gets -EINVAL.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class WriteEndAttribute : Attribute
{
}

/// <summary>
/// <c>bmap</c>: Map a logical file block to a block of the device (0 for a hole). Used by FIBMAP and by the swap core's extent walk.
/// <code>static ulong Bmap(AddressSpace mapping, ulong block)</code>
/// When no method has it: 0, which the swap core reads as a hole (fs/inode.c:1450).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class BmapAttribute : Attribute
{
}

/// <summary>
/// <c>invalidatepage</c>: Drop private data of a page that is (partly) truncated from <c>offset</c> on.
/// <code>static void InvalidatePage(Page page, ulong offset)</code>
/// When no method has it: block_invalidatepage: drop the page's private data when the whole page goes (mm/truncate.c:45).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class InvalidatePageAttribute : Attribute
{
}

/// <summary>
/// <c>releasepage</c>: Free private data so the page can be freed; return false if it cannot be released now.
/// <code>static bool ReleasePage(Page page, GfpFlags gfp)</code>
/// When no method has it: try_to_free_buffers: nothing is attached, so the page can go (mm/filemap.c:2572).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ReleasePageAttribute : Attribute
{
}

/// <summary>
/// <c>freepage</c>: Called after the page has left the page cache; must not block.
/// <code>static void FreePage(Page page)</code>
/// When no method has it: nothing is called.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class FreePageAttribute : Attribute
{
}

/// <summary>
/// <c>direct_IO</c>: I/O that bypasses the page cache. Swap-cache pages of a SWP_FILE area are written through it (rw = KERNEL_WRITE).
/// <code>static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan&lt;IoVec&gt; iov, long offset)</code>
/// When no method has it: none: open(O_DIRECT) fails with EINVAL (fs/open.c:636); a call gets -EINVAL.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class DirectIOAttribute : Attribute
{
}

/// <summary>
/// <c>migratepage</c>: Move a page and its private data to <c>newPage</c>.
/// <code>static int MigratePage(AddressSpace mapping, Page newPage, Page page, MigrateMode mode)</code>
/// When no method has it: fallback_migrate_page: write back a dirty page, else copy data and state (mm/migrate.c:656).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class MigratePageAttribute : Attribute
{
}

/// <summary>
/// <c>launder_page</c>: Write back a dirty page before it is released; the page stays locked.
/// <code>static int LaunderPage(Page page)</code>
/// When no method has it: 0: nothing to launder (mm/truncate.c:422).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class LaunderPageAttribute : Attribute
{
}

/// <summary>
/// <c>is_partially_uptodate</c>: Whether the byte range <c>from</c>..+<c>count</c> of a not-uptodate page is valid.
/// <code>static bool IsPartiallyUptodate(Page page, ulong from, ulong count)</code>
/// When no method has it: false: the whole page must be uptodate (mm/filemap.c:1124).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class IsPartiallyUptodateAttribute : Attribute
{
}

/// <summary>
/// <c>error_remove_page</c>: Memory-failure hook: remove a poisoned page from the mapping.
/// <code>static int ErrorRemovePage(AddressSpace mapping, Page page)</code>
/// When no method has it: invalidate_inode_page: drop a clean page from the cache, else -EBUSY (mm/memory-failure.c:584).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ErrorRemovePageAttribute : Attribute
{
}

/// <summary>
/// <c>swap_activate</c>: Prepare the file for swap and pin what I/O to it needs, and choose the area's I/O: set
/// <c>SwapFlags.FsOps</c> (SWP_FS_OPS: every batch goes to <c>swap_rw</c>), or describe the file's blocks with
/// <c>SwapInfo.AddSwapExtent</c> (the core writes the block device), or neither (3.6's SWP_FILE: <c>direct_IO</c> writes,
/// <c>readpage</c> reads). Returns the extents added (0 for SWP_FILE) or -errno.
/// <code>static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span)</code>
/// When no method has it: swapon walks bmap page by page (generic_swapfile_activate, mm/page_io.c:90); a call gets -EINVAL.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class SwapActivateAttribute : Attribute
{
}

/// <summary>
/// <c>swap_deactivate</c>: Called on swapoff (or a failed swapon) after a successful swap_activate: release what it pinned.
/// <code>static void SwapDeactivate(OpenFile file)</code>
/// When no method has it: nothing is called (NULL-checked since 4.19; 3.6 called it unconditionally).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class SwapDeactivateAttribute : Attribute
{
}

/// <summary>
/// <c>sync_page</c>: Unplug: submit the I/O that a plug held back (2.6's block_sync_page; the swap cache submits its batch).
/// <code>static void SyncPage(Page page)</code>
/// When no method has it: nothing is held back, so nothing is submitted.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class SyncPageAttribute : Attribute
{
}

/// <summary>
/// <c>swap_rw</c>: Read or write swap pages in one batch when the area routes I/O through the filesystem (SWP_FS_OPS).
/// <code>static int SwapRw(Kiocb iocb, IovIter iter)</code>
/// When no method has it: none (5.19+ calls it unconditionally for SWP_FS_OPS); a call gets -EINVAL.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class SwapRwAttribute : Attribute
{
}

namespace AopsGen;

/// <summary>The 20 ops of an <see cref="AddressSpaceOperations"/> table, in the order of <c>struct address_space_operations</c>.</summary>
public enum AddressSpaceOp
{
    /// <summary><c>writepage</c>.</summary>
    WritePage = 0,
    /// <summary><c>readpage</c>.</summary>
    ReadPage = 1,
    /// <summary><c>writepages</c>.</summary>
    WritePages = 2,
    /// <summary><c>set_page_dirty</c>.</summary>
    SetPageDirty = 3,
    /// <summary><c>readpages</c>.</summary>
    ReadPages = 4,
    /// <summary><c>write_begin</c>.</summary>
    WriteBegin = 5,
    /// <summary><c>write_end</c>.</summary>
    WriteEnd = 6,
    /// <summary><c>bmap</c>.</summary>
    Bmap = 7,
    /// <summary><c>invalidatepage</c>.</summary>
    InvalidatePage = 8,
    /// <summary><c>releasepage</c>.</summary>
    ReleasePage = 9,
    /// <summary><c>freepage</c>.</summary>
    FreePage = 10,
    /// <summary><c>direct_IO</c>.</summary>
    DirectIO = 11,
    /// <summary><c>migratepage</c>.</summary>
    MigratePage = 12,
    /// <summary><c>launder_page</c>.</summary>
    LaunderPage = 13,
    /// <summary><c>is_partially_uptodate</c>.</summary>
    IsPartiallyUptodate = 14,
    /// <summary><c>error_remove_page</c>.</summary>
    ErrorRemovePage = 15,
    /// <summary><c>swap_activate</c>.</summary>
    SwapActivate = 16,
    /// <summary><c>swap_deactivate</c>.</summary>
    SwapDeactivate = 17,
    /// <summary><c>sync_page</c>.</summary>
    SyncPage = 18,
    /// <summary><c>swap_rw</c>.</summary>
    SwapRw = 19,
}

/// <summary>What the kernel calls each op and what happens when a table leaves it out (its NULL default, applied by <see cref="AopsCalls"/>).</summary>
public static class AddressSpaceOpInfo
{
    /// <summary>Number of ops in a table.</summary>
    public const int Count = 20;

    /// <summary>The op's name in <c>struct address_space_operations</c> (<c>direct_IO</c>, <c>swap_activate</c>).</summary>
    public static string KernelName(this AddressSpaceOp op) => op switch
    {
        AddressSpaceOp.WritePage => "writepage",
        AddressSpaceOp.ReadPage => "readpage",
        AddressSpaceOp.WritePages => "writepages",
        AddressSpaceOp.SetPageDirty => "set_page_dirty",
        AddressSpaceOp.ReadPages => "readpages",
        AddressSpaceOp.WriteBegin => "write_begin",
        AddressSpaceOp.WriteEnd => "write_end",
        AddressSpaceOp.Bmap => "bmap",
        AddressSpaceOp.InvalidatePage => "invalidatepage",
        AddressSpaceOp.ReleasePage => "releasepage",
        AddressSpaceOp.FreePage => "freepage",
        AddressSpaceOp.DirectIO => "direct_IO",
        AddressSpaceOp.MigratePage => "migratepage",
        AddressSpaceOp.LaunderPage => "launder_page",
        AddressSpaceOp.IsPartiallyUptodate => "is_partially_uptodate",
        AddressSpaceOp.ErrorRemovePage => "error_remove_page",
        AddressSpaceOp.SwapActivate => "swap_activate",
        AddressSpaceOp.SwapDeactivate => "swap_deactivate",
        AddressSpaceOp.SyncPage => "sync_page",
        AddressSpaceOp.SwapRw => "swap_rw",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    /// <summary>What happens when a table leaves the op out, with the kernel source of that behaviour.</summary>
    public static string NullDefault(this AddressSpaceOp op) => op switch
    {
        AddressSpaceOp.WritePage => "the page stays dirty and is activated (AOP_WRITEPAGE_ACTIVATE); mm/vmscan.c pageout() returns PAGE_ACTIVATE",
        AddressSpaceOp.ReadPage => "none: swapon refuses the file with EINVAL (mm/swapfile.c:2000); a call gets -EINVAL",
        AddressSpaceOp.WritePages => "generic_writepages: writepage for each dirty page (mm/page-writeback.c:1901)",
        AddressSpaceOp.SetPageDirty => "__set_page_dirty_buffers: set PG_dirty without allocating (mm/page-writeback.c:2077)",
        AddressSpaceOp.ReadPages => "readpage for each page (mm/readahead.c:120)",
        AddressSpaceOp.WriteBegin => "none: the generic buffered write path cannot be used; a call gets -EINVAL",
        AddressSpaceOp.WriteEnd => "none: the generic buffered write path cannot be used; a call gets -EINVAL",
        AddressSpaceOp.Bmap => "0, which the swap core reads as a hole (fs/inode.c:1450)",
        AddressSpaceOp.InvalidatePage => "block_invalidatepage: drop the page's private data when the whole page goes (mm/truncate.c:45)",
        AddressSpaceOp.ReleasePage => "try_to_free_buffers: nothing is attached, so the page can go (mm/filemap.c:2572)",
        AddressSpaceOp.FreePage => "nothing is called",
        AddressSpaceOp.DirectIO => "none: open(O_DIRECT) fails with EINVAL (fs/open.c:636); a call gets -EINVAL",
        AddressSpaceOp.MigratePage => "fallback_migrate_page: write back a dirty page, else copy data and state (mm/migrate.c:656)",
        AddressSpaceOp.LaunderPage => "0: nothing to launder (mm/truncate.c:422)",
        AddressSpaceOp.IsPartiallyUptodate => "false: the whole page must be uptodate (mm/filemap.c:1124)",
        AddressSpaceOp.ErrorRemovePage => "invalidate_inode_page: drop a clean page from the cache, else -EBUSY (mm/memory-failure.c:584)",
        AddressSpaceOp.SwapActivate => "swapon walks bmap page by page (generic_swapfile_activate, mm/page_io.c:90); a call gets -EINVAL",
        AddressSpaceOp.SwapDeactivate => "nothing is called (NULL-checked since 4.19; 3.6 called it unconditionally)",
        AddressSpaceOp.SyncPage => "nothing is held back, so nothing is submitted",
        AddressSpaceOp.SwapRw => "none (5.19+ calls it unconditionally for SWP_FS_OPS); a call gets -EINVAL",
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };
}

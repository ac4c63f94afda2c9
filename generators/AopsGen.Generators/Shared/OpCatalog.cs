using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace AopsGen.Generators;

/// <summary>The ops of <c>AopsGen.AddressSpaceOperations</c>, in table order (the runtime's <c>AddressSpaceOp</c>).</summary>
internal enum OpKind
{
    WritePage = 0,
    ReadPage = 1,
    WritePages = 2,
    SetPageDirty = 3,
    ReadPages = 4,
    WriteBegin = 5,
    WriteEnd = 6,
    Bmap = 7,
    InvalidatePage = 8,
    ReleasePage = 9,
    FreePage = 10,
    DirectIO = 11,
    MigratePage = 12,
    LaunderPage = 13,
    IsPartiallyUptodate = 14,
    ErrorRemovePage = 15,
    SwapActivate = 16,
    SwapDeactivate = 17,
    SyncPage = 18,
    SwapRw = 19,
}

/// <summary>
/// The one place an op's facts are written: its C# name (the enum member, attribute, table field and constructor parameter
/// follow from it), its name and prototype in <c>struct address_space_operations</c>, its C# signature, what it must do
/// and what happens when a table leaves it out (its NULL default). The generator emits tables from it, the analyzers
/// check op methods against it, AopsGen.OpSurface generates the runtime's per-op code from it (the
/// <c>AddressSpaceOp</c> enum, the op attributes, the table's fields, constructor and <c>Has</c>, the <c>AopsCalls</c>
/// wrappers, <c>IAddressSpaceOperations</c>), and a test checks docs/ops.md's table against it.
/// </summary>
internal static class OpCatalog
{
    /// <summary>Metadata name of the class attribute.</summary>
    public const string ClassAttributeMetadataName = "AopsGen.AddressSpaceOperationsAttribute";

    /// <summary>Every op, indexed by <see cref="OpKind"/>.</summary>
    public static readonly ImmutableArray<OpDescriptor> All = ImmutableArray.Create(
        new OpDescriptor(OpKind.WritePage, "writepage", "int", "Page page, WritebackControl wbc",
            prototype: "int (*writepage)(struct page *page, struct writeback_control *wbc);",
            contract: "Write one dirty, locked page (PG_dirty already cleared). Set PG_writeback, unlock the page, start the write.",
            nullDefault: "the page stays dirty and is activated (AOP_WRITEPAGE_ACTIVATE); mm/vmscan.c pageout() returns PAGE_ACTIVATE"),
        new OpDescriptor(OpKind.ReadPage, "readpage", "int", "OpenFile file, Page page",
            prototype: "int (*readpage)(struct file *, struct page *);",
            contract: "Read one locked page; on success set PG_uptodate. Unlock the page in every case.",
            nullDefault: "none: swapon refuses the file with EINVAL (mm/swapfile.c:2000); a call gets -EINVAL"),
        new OpDescriptor(OpKind.WritePages, "writepages", "int", "AddressSpace mapping, WritebackControl wbc",
            prototype: "int (*writepages)(struct address_space *, struct writeback_control *);",
            contract: "Write back many pages of a mapping, as much as <c>wbc</c> asks.",
            nullDefault: "generic_writepages: writepage for each dirty page (mm/page-writeback.c:1901)"),
        new OpDescriptor(OpKind.SetPageDirty, "set_page_dirty", "bool", "Page page",
            prototype: "int (*set_page_dirty)(struct page *page);",
            contract: "Mark a page dirty without blocking; return true if this call dirtied it.",
            nullDefault: "__set_page_dirty_buffers: set PG_dirty without allocating (mm/page-writeback.c:2077)"),
        new OpDescriptor(OpKind.ReadPages, "readpages", "int", "OpenFile file, AddressSpace mapping, ReadOnlySpan<Page> pages",
            prototype: "int (*readpages)(struct file *filp, struct address_space *mapping, struct list_head *pages, unsigned nr_pages);",
            contract: "Read a batch of pages for readahead (errors are ignored by the caller).",
            nullDefault: "readpage for each page (mm/readahead.c:120)"),
        new OpDescriptor(OpKind.WriteBegin, "write_begin", "int", "OpenFile file, AddressSpace mapping, long pos, uint len, uint flags, out Page? page, out object? fsData",
            prototype: "int (*write_begin)(struct file *, struct address_space *mapping, loff_t pos, unsigned len, unsigned flags, struct page **pagep, void **fsdata);",
            contract: "Buffered write, step 1: return a locked page ready to take <c>len</c> bytes at <c>pos</c>.",
            nullDefault: "none: the generic buffered write path cannot be used; a call gets -EINVAL"),
        new OpDescriptor(OpKind.WriteEnd, "write_end", "int", "OpenFile file, AddressSpace mapping, long pos, uint len, uint copied, Page page, object? fsData",
            prototype: "int (*write_end)(struct file *, struct address_space *mapping, loff_t pos, unsigned len, unsigned copied, struct page *page, void *fsdata);",
            contract: "Buffered write, step 2: commit <c>copied</c> bytes, unlock the page, return the bytes copied.",
            nullDefault: "none: the generic buffered write path cannot be used; a call gets -EINVAL"),
        new OpDescriptor(OpKind.Bmap, "bmap", "ulong", "AddressSpace mapping, ulong block",
            prototype: "sector_t (*bmap)(struct address_space *, sector_t);",
            contract: "Map a logical file block to a block of the device (0 for a hole). Used by FIBMAP and by the swap core's extent walk.",
            nullDefault: "0, which the swap core reads as a hole (fs/inode.c:1450)"),
        new OpDescriptor(OpKind.InvalidatePage, "invalidatepage", "void", "Page page, ulong offset",
            prototype: "void (*invalidatepage)(struct page *, unsigned long);",
            contract: "Drop private data of a page that is (partly) truncated from <c>offset</c> on.",
            nullDefault: "block_invalidatepage: drop the page's private data when the whole page goes (mm/truncate.c:45)"),
        new OpDescriptor(OpKind.ReleasePage, "releasepage", "bool", "Page page, GfpFlags gfp",
            prototype: "int (*releasepage)(struct page *, gfp_t);",
            contract: "Free private data so the page can be freed; return false if it cannot be released now.",
            nullDefault: "try_to_free_buffers: nothing is attached, so the page can go (mm/filemap.c:2572)"),
        new OpDescriptor(OpKind.FreePage, "freepage", "void", "Page page",
            prototype: "void (*freepage)(struct page *);",
            contract: "Called after the page has left the page cache; must not block.",
            nullDefault: "nothing is called"),
        new OpDescriptor(OpKind.DirectIO, "direct_IO", "long", "Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset",
            prototype: "ssize_t (*direct_IO)(int, struct kiocb *, const struct iovec *iov, loff_t offset, unsigned long nr_segs);",
            contract: "I/O that bypasses the page cache. Swap-cache pages of a SWP_FILE area are written through it (rw = KERNEL_WRITE).",
            nullDefault: "none: open(O_DIRECT) fails with EINVAL (fs/open.c:636); a call gets -EINVAL"),
        new OpDescriptor(OpKind.MigratePage, "migratepage", "int", "AddressSpace mapping, Page newPage, Page page, MigrateMode mode",
            prototype: "int (*migratepage)(struct address_space *, struct page *, struct page *, enum migrate_mode);",
            contract: "Move a page and its private data to <c>newPage</c>.",
            nullDefault: "fallback_migrate_page: write back a dirty page, else copy data and state (mm/migrate.c:656)"),
        new OpDescriptor(OpKind.LaunderPage, "launder_page", "int", "Page page",
            prototype: "int (*launder_page)(struct page *);",
            contract: "Write back a dirty page before it is released; the page stays locked.",
            nullDefault: "0: nothing to launder (mm/truncate.c:422)"),
        new OpDescriptor(OpKind.IsPartiallyUptodate, "is_partially_uptodate", "bool", "Page page, ulong from, ulong count",
            prototype: "int (*is_partially_uptodate)(struct page *, read_descriptor_t *, unsigned long);",
            contract: "Whether the byte range <c>from</c>..+<c>count</c> of a not-uptodate page is valid.",
            nullDefault: "false: the whole page must be uptodate (mm/filemap.c:1124)"),
        new OpDescriptor(OpKind.ErrorRemovePage, "error_remove_page", "int", "AddressSpace mapping, Page page",
            prototype: "int (*error_remove_page)(struct address_space *, struct page *);",
            contract: "Memory-failure hook: remove a poisoned page from the mapping.",
            nullDefault: "invalidate_inode_page: drop a clean page from the cache, else -EBUSY (mm/memory-failure.c:584)"),
        new OpDescriptor(OpKind.SwapActivate, "swap_activate", "int", "SwapInfo sis, OpenFile file, out ulong span",
            prototype: "int (*swap_activate)(struct swap_info_struct *sis, struct file *file, sector_t *span);",
            contract: "Prepare the file for swap and pin what I/O to it needs, and choose the area's I/O: set <c>SwapFlags.FsOps</c> (SWP_FS_OPS: every batch goes to <c>swap_rw</c>), or describe the file's blocks with <c>SwapInfo.AddSwapExtent</c> (the core writes the block device), or neither (3.6's SWP_FILE: <c>direct_IO</c> writes, <c>readpage</c> reads). Returns the extents added (0 for SWP_FILE) or -errno.",
            nullDefault: "swapon walks bmap page by page (generic_swapfile_activate, mm/page_io.c:90); a call gets -EINVAL"),
        new OpDescriptor(OpKind.SwapDeactivate, "swap_deactivate", "void", "OpenFile file",
            prototype: "void (*swap_deactivate)(struct file *file);",
            contract: "Called on swapoff (or a failed swapon) after a successful swap_activate: release what it pinned.",
            nullDefault: "nothing is called (NULL-checked since 4.19; 3.6 called it unconditionally)"),
        new OpDescriptor(OpKind.SyncPage, "sync_page", "void", "Page page",
            prototype: "void (*sync_page)(struct page *); /* 2.6 */",
            contract: "Unplug: submit the I/O that a plug held back (2.6's block_sync_page; the swap cache submits its batch).",
            nullDefault: "nothing is held back, so nothing is submitted"),
        new OpDescriptor(OpKind.SwapRw, "swap_rw", "int", "Kiocb iocb, IovIter iter",
            prototype: "int (*swap_rw)(struct kiocb *iocb, struct iov_iter *iter); /* 5.19+ */",
            contract: "Read or write swap pages in one batch when the area routes I/O through the filesystem (SWP_FS_OPS).",
            nullDefault: "none (5.19+ calls it unconditionally for SWP_FS_OPS); a call gets -EINVAL"));

    /// <summary>
    /// Whether the swap core calls this op to move a page between memory and a swap file (SWP_FILE: writepage,
    /// set_page_dirty, direct_IO, readpage; 5.19+: swap_rw) of a table that has swap_activate. Swap-out runs when
    /// memory is short, so these must not allocate (AOPS008).
    /// </summary>
    public static bool IsOnSwapPath(OpKind kind)
        => kind is OpKind.SetPageDirty or OpKind.DirectIO or OpKind.SwapRw or OpKind.WritePage or OpKind.ReadPage;

    /// <summary>Every op by its attribute's metadata name without the namespace (<c>DirectIOAttribute</c>).</summary>
    private static readonly Dictionary<string, OpDescriptor> ByAttributeName = All.ToDictionary(op => op.Name + "Attribute", StringComparer.Ordinal);

    /// <summary>The op whose attribute has the metadata name <paramref name="attributeMetadataName"/>, if any.</summary>
    public static OpDescriptor? FindByAttribute(string attributeMetadataName)
        => attributeMetadataName.StartsWith("AopsGen.", StringComparison.Ordinal)
            ? FindByAttributeName(attributeMetadataName.Substring("AopsGen.".Length))
            : null;

    /// <summary>The op whose attribute is named <paramref name="attributeName"/> (<c>DirectIOAttribute</c>) in namespace AopsGen, if any.</summary>
    public static OpDescriptor? FindByAttributeName(string attributeName)
        => ByAttributeName.TryGetValue(attributeName, out OpDescriptor? op) ? op : null;
}

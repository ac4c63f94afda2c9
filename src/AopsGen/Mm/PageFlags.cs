using AopsGen.Mm;

namespace AopsGen;

/// <summary>
/// include/linux/page-flags.h: <c>enum pageflags</c>, one bit each, kept as the kernel names them
/// (<c>PG_locked</c> is <see cref="Locked"/>). Set and cleared atomically through <see cref="Page"/>.
/// </summary>
[Flags]
public enum PageFlags : long
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary>PG_locked: the page is locked; I/O or a state change is in progress. Sleep on it with <see cref="Page.Lock"/>.</summary>
    Locked = 1L << 0,
    /// <summary>PG_error: an I/O error happened on this page.</summary>
    Error = 1L << 1,
    /// <summary>PG_referenced: recently referenced (the LRU's second chance).</summary>
    Referenced = 1L << 2,
    /// <summary>PG_uptodate: the page holds valid data.</summary>
    Uptodate = 1L << 3,
    /// <summary>PG_dirty: the page's data differs from its backing store.</summary>
    Dirty = 1L << 4,
    /// <summary>PG_lru: the page is on an LRU list.</summary>
    Lru = 1L << 5,
    /// <summary>PG_active: the page is on the active LRU list.</summary>
    Active = 1L << 6,
    /// <summary>PG_owner_priv_1 in its filesystem use (PG_checked).</summary>
    Checked = 1L << 8,
    /// <summary>PG_arch_1 / PG_mappedtodisk: the page has blocks allocated on disk.</summary>
    MappedToDisk = 1L << 10,
    /// <summary>PG_private: <see cref="Page.Private"/> holds filesystem data (buffers in Linux).</summary>
    Private = 1L << 11,
    /// <summary>PG_writeback: the page is under writeback I/O.</summary>
    Writeback = 1L << 13,
    /// <summary>PG_reclaim: reclaim wants this page freed as soon as its writeback ends.</summary>
    Reclaim = 1L << 17,
    /// <summary>PG_swapbacked: the page is backed by swap (anonymous memory).</summary>
    SwapBacked = 1L << 18,
    /// <summary>PG_unevictable: the page cannot be reclaimed.</summary>
    Unevictable = 1L << 19,
    /// <summary>PG_swapcache: the page is in the swap cache; <see cref="Page.Private"/> holds its swap entry.</summary>
    SwapCache = 1L << 20,
    /// <summary>PG_readahead: read ahead of a fault and not yet used (the kernel aliases it to PG_reclaim, which
    /// a page being read can never have; a bit of its own here keeps the two readable).</summary>
    Readahead = 1L << 21,
    /// <summary>PG_waiters (Linux 4.10+): a task sleeps on this page's Locked or Writeback bit, so the
    /// clearing side must wake it. Keeps unlock free of a wake-up when nobody waits.</summary>
    Waiters = 1L << 30,
}

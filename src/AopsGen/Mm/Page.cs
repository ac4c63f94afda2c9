using System.Runtime.CompilerServices;
using System.Threading;
using AopsGen.Mm;
using AopsGen.Swap;

namespace AopsGen;

/// <summary>
/// include/linux/mm_types.h: <c>struct page</c>, one 4 KiB page frame. The data lives in page-aligned
/// native memory owned by a <see cref="PageFrames"/> pool (the "RAM"), so it can be handed to O_DIRECT
/// I/O without copying. Flags are atomic bits with the kernel's names; <see cref="Lock"/> sleeps like
/// <c>lock_page</c>, and <see cref="Unlock"/> wakes sleepers only when <see cref="PageFlags.Waiters"/> says
/// someone sleeps.
/// </summary>
public sealed unsafe class Page
{
    /// <summary>PAGE_SIZE.</summary>
    public const int Size = 4096;

    /// <summary>PAGE_SHIFT.</summary>
    public const int Shift = 12;

    private long _flags;
    private int _count = 1;

    // The pool is held so that its native memory outlives every page that points into it (its finalizer frees it).
    private readonly PageFrames _pool;

    internal Page(byte* data, int frameNumber, PageFrames pool)
    {
        Data = data;
        FrameNumber = frameNumber;
        _pool = pool;
    }

    /// <summary>Start of the page's 4 KiB of page-aligned native memory (<c>page_address(page)</c>).</summary>
    public byte* Data { get; }

    /// <summary>The page's data as a span over the native memory; no copy.</summary>
    public Span<byte> Bytes => new(Data, Size);

    /// <summary>The frame's position in its pool (<c>page_to_pfn</c> relative to the pool's start).</summary>
    public int FrameNumber { get; }

    /// <summary><c>page->index</c>: the page's offset in its mapping, in pages.</summary>
    public ulong Index { get; set; }

    /// <summary><c>page->mapping</c>: the address space the page is cached in, or null.</summary>
    public AddressSpace? Mapping { get; set; }

    /// <summary><c>page->private</c>: filesystem data, or the swap entry's value while <see cref="PageFlags.SwapCache"/> is set.</summary>
    public ulong Private { get; set; }

    /// <summary>The anonymous region that maps this page at <see cref="Index"/> (<c>page_anon_vma</c>, the reverse
    /// map reclaim follows to the pte), or null.</summary>
    public AnonRegion? AnonOwner { get; internal set; }

    // The page's links on its LRU list (page->lru), changed only under the list's lock.
    internal Page? LruPrev;
    internal Page? LruNext;

    /// <summary>All flags at this instant.</summary>
    public PageFlags Flags => (PageFlags)Volatile.Read(ref _flags);

    /// <summary><c>page_count</c>: references held.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary><c>get_page</c>: take a reference.</summary>
    public void Get() => Interlocked.Increment(ref _count);

    /// <summary><c>put_page_testzero</c>: drop a reference; returns the count left (the frame stays allocated).</summary>
    public int Put() => Interlocked.Decrement(ref _count);

    /// <summary><c>put_page</c>: drop a reference; the last one returns the frame to its pool.</summary>
    public void Release()
    {
        if (Put() == 0)
        {
            _pool.Free(this);
        }
    }

    internal void ResetForAllocation()
    {
        Volatile.Write(ref _flags, 0);
        Volatile.Write(ref _count, 1);
        Index = 0;
        Mapping = null;
        Private = 0;
        AnonOwner = null;
    }

    /// <summary><c>PageX(page)</c>: whether every bit in <paramref name="flags"/> is set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Test(PageFlags flags) => (Volatile.Read(ref _flags) & (long)flags) == (long)flags;

    /// <summary><c>SetPageX(page)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Set(PageFlags flags) => Interlocked.Or(ref _flags, (long)flags);

    /// <summary><c>ClearPageX(page)</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Clear(PageFlags flags) => Interlocked.And(ref _flags, ~(long)flags);

    /// <summary><c>TestSetPageX(page)</c>: sets the bit and returns whether it was already set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TestAndSet(PageFlags flag) => (Interlocked.Or(ref _flags, (long)flag) & (long)flag) != 0;

    /// <summary><c>TestClearPageX(page)</c>: clears the bit and returns whether it was set.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TestAndClear(PageFlags flag) => (Interlocked.And(ref _flags, ~(long)flag) & (long)flag) != 0;

    /// <summary>PageLocked.</summary>
    public bool IsLocked => Test(PageFlags.Locked);

    /// <summary>PageUptodate.</summary>
    public bool IsUptodate => Test(PageFlags.Uptodate);

    /// <summary>PageDirty.</summary>
    public bool IsDirty => Test(PageFlags.Dirty);

    /// <summary>PageWriteback.</summary>
    public bool IsWriteback => Test(PageFlags.Writeback);

    /// <summary>PageSwapCache.</summary>
    public bool IsSwapCache => Test(PageFlags.SwapCache);

    /// <summary><c>trylock_page</c>: take the page lock if it is free.</summary>
    public bool TryLock() => !TestAndSet(PageFlags.Locked);

    /// <summary><c>lock_page</c>: take the page lock, sleeping until it is free. Before sleeping it calls
    /// the mapping's <c>sync_page</c> (2.6 <c>__lock_page</c> → <c>sync_page</c>), so I/O held back in a
    /// plug is submitted rather than waited for.</summary>
    public void Lock()
    {
        while (TestAndSet(PageFlags.Locked))
        {
            SyncPage();
            WaitWhileSet(PageFlags.Locked);
        }
    }

    /// <summary><c>unlock_page</c>: release the page lock and wake its sleepers.</summary>
    public void Unlock()
    {
        long old = Interlocked.And(ref _flags, ~(long)PageFlags.Locked);
        if ((old & (long)PageFlags.Locked) == 0)
        {
            throw new InvalidOperationException($"unlock_page of page {FrameNumber}, which is not locked (VM_BUG_ON_PAGE).");
        }
        if ((old & (long)PageFlags.Waiters) != 0)
        {
            WakeUp();
        }
    }

    /// <summary><c>set_page_writeback</c>: mark the page under writeback; returns whether it already was.</summary>
    public bool SetWriteback() => TestAndSet(PageFlags.Writeback);

    /// <summary><c>end_page_writeback</c>: writeback is over; wake anyone in <see cref="WaitOnWriteback"/>.</summary>
    public void EndWriteback()
    {
        long old = Interlocked.And(ref _flags, ~(long)PageFlags.Writeback);
        if ((old & (long)PageFlags.Writeback) == 0)
        {
            throw new InvalidOperationException($"end_page_writeback of page {FrameNumber}, which is not under writeback (BUG).");
        }
        if ((old & (long)PageFlags.Waiters) != 0)
        {
            WakeUp();
        }
    }

    /// <summary><c>wait_on_page_writeback</c>: sleep until the page's writeback has ended, calling the
    /// mapping's <c>sync_page</c> first (2.6 <c>wait_on_page_bit</c>), so a write this thread holds back in
    /// its plug is submitted instead of waited for forever.</summary>
    public void WaitOnWriteback()
    {
        while (Test(PageFlags.Writeback))
        {
            SyncPage();
            WaitWhileSet(PageFlags.Writeback);
        }
    }

    /// <summary><c>page_file_index</c>: the page's index in the file that stores it — for a swap-cache page
    /// the slot (<c>swp_offset(page_private)</c>), otherwise <see cref="Index"/>. A filesystem's
    /// <c>readpage</c> and <c>direct_IO</c> use this, since the swap core hands them swap-cache pages.</summary>
    public ulong FileIndex => IsSwapCache ? new SwapEntry(Private).Offset : Index;

    /// <summary><c>page_file_offset</c>: <see cref="FileIndex"/> in bytes.</summary>
    public long FileOffset => (long)(FileIndex << Shift);

    // mm/filemap.c (2.6) sync_page: "unplug" through the mapping's a_ops->sync_page, if the page has one.
    private void SyncPage()
    {
        if (Mapping is { } mapping)
        {
            AopsCalls.SyncPage(mapping.Aops, this);
        }
    }

    /// <summary><c>wait_on_page_locked</c>: sleep until the page is unlocked, without taking the lock.</summary>
    public void WaitOnLocked()
    {
        while (Test(PageFlags.Locked))
        {
            WaitWhileSet(PageFlags.Locked);
        }
    }

    // The waiter announces itself with PG_waiters while holding the hashed wait queue, then re-checks the
    // bit: a clearer that ran before the announcement is seen by the re-check, one that ran after it sees
    // PG_waiters and pulses the queue (which it can only enter once this waiter sleeps in Monitor.Wait).
    private void WaitWhileSet(PageFlags bit)
    {
        object queue = PageWaitQueues.For(this);
        lock (queue)
        {
            Set(PageFlags.Waiters);
            if (Test(bit))
            {
                Monitor.Wait(queue);
            }
        }
    }

    private void WakeUp()
    {
        object queue = PageWaitQueues.For(this);
        lock (queue)
        {
            Clear(PageFlags.Waiters);
            Monitor.PulseAll(queue);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"page frame {FrameNumber} index {Index} flags {Flags}";
}

/// <summary>
/// mm/filemap.c: <c>page_waitqueue</c>, a small hashed table of wait queues shared by all pages, so a
/// page carries no wait queue of its own. Waiters re-check their bit after a wake-up, so sharing a queue
/// among pages costs only spurious wake-ups.
/// </summary>
internal static class PageWaitQueues
{
    private const int Bits = 8;
    // Built by the static constructor, which PageFrames runs up front so that no waiter allocates.
    private static readonly object[] Queues;

    static PageWaitQueues() => Queues = CreateQueues();

    private static object[] CreateQueues()
    {
        var queues = new object[1 << Bits];
        for (int i = 0; i < queues.Length; i++)
        {
            queues[i] = new object();
        }
        return queues;
    }

    public static object For(Page page) => Queues[(uint)RuntimeHelpers.GetHashCode(page) & ((1 << Bits) - 1)];
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace AopsGen.Mm;

/// <summary>
/// A fixed set of page frames, the "RAM" of the model: one block of page-aligned native memory cut
/// into <see cref="Page"/>s, preallocated so that allocating a page on the swap path allocates no managed
/// memory (<c>alloc_page</c> / <c>__free_page</c> over a free list). Thread-safe.
/// </summary>
public sealed unsafe class PageFrames : IDisposable
{
    private readonly Page[] _pages;
    private readonly int[] _free;
    private readonly bool[] _isFree;
    private readonly object _lock = new();
    private byte* _memory;
    private int _freeCount;

    /// <summary>Allocates <paramref name="count"/> zeroed page frames.</summary>
    public PageFrames(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        _memory = (byte*)NativeMemory.AlignedAlloc((nuint)count * Page.Size, Page.Size);
        NativeMemory.Clear(_memory, (nuint)count * Page.Size);
        _pages = new Page[count];
        _free = new int[count];
        _isFree = new bool[count];
        for (int i = 0; i < count; i++)
        {
            _pages[i] = new Page(_memory + ((long)i * Page.Size), i, this);
            _free[i] = count - 1 - i;
            _isFree[i] = true;
        }
        _freeCount = count;
        // The page wait table is set up with the memory (pagecache_init at boot), not by the first page waiter.
        RuntimeHelpers.RunClassConstructor(typeof(PageWaitQueues).TypeHandle);
    }

    /// <summary>Number of frames in the pool.</summary>
    public int Count => _pages.Length;

    /// <summary>Frames not allocated right now.</summary>
    public int FreeCount => Volatile.Read(ref _freeCount);

    /// <summary>The frame with the given number, allocated or not.</summary>
    public Page this[int frameNumber] => _pages[frameNumber];

    /// <summary>
    /// The min watermark (<c>min_wmark_pages</c>): this many free frames are kept for threads with
    /// <c>PF_MEMALLOC</c> (<see cref="Memalloc.Active"/>) — reclaim and the I/O it starts. Others get null once
    /// only the reserve is left. 0 (the default of a bare pool) keeps nothing back; a memory manager sets it.
    /// </summary>
    public int Reserve
    {
        get => Volatile.Read(ref _reserve);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(value, _pages.Length);
            Volatile.Write(ref _reserve, value);
        }
    }

    private int _reserve;

    /// <summary><c>alloc_page</c>: a free frame with count 1 and no flags, or null when none is free — or when only
    /// the <see cref="Reserve"/> is left and the caller has no <c>PF_MEMALLOC</c> (mm/page_alloc.c: only
    /// <c>__gfp_pfmemalloc_flags</c>' <c>ALLOC_NO_WATERMARKS</c> goes below the min watermark).
    /// Its data is not cleared (<c>__GFP_ZERO</c> is <see cref="AllocZeroed"/>).</summary>
    public Page? Alloc() => Alloc(noMemalloc: false);

    /// <summary><c>alloc_page</c>; with <paramref name="noMemalloc"/> (<c>__GFP_NOMEMALLOC</c>, as
    /// <c>mempool_alloc</c> asks) never from the reserve, even under <c>PF_MEMALLOC</c>.</summary>
    internal Page? Alloc(bool noMemalloc)
    {
        ObjectDisposedException.ThrowIf(_memory == null, this);
        Page page;
        bool mayUseReserve = !noMemalloc && Memalloc.Active;
        lock (_lock)
        {
            if (_freeCount == 0 || (_freeCount <= _reserve && !mayUseReserve))
            {
                return null;
            }
            page = _pages[_free[--_freeCount]];
            _isFree[page.FrameNumber] = false;
        }
        page.ResetForAllocation();
        return page;
    }

    /// <summary><c>alloc_page(GFP_ZERO)</c>: as <see cref="Alloc()"/>, with the data zeroed.</summary>
    public Page? AllocZeroed()
    {
        Page? page = Alloc();
        if (page != null)
        {
            page.Bytes.Clear();
        }
        return page;
    }

    /// <summary><c>__free_page</c>: return a frame to the pool. The caller must hold the last reference (count
    /// 1, or 0 after its own put), and the page must be out of every page cache; anything else, or a frame that
    /// is already free, is a bug that would hand one frame to two owners, and throws (<c>bad_page</c>).</summary>
    public void Free(Page page)
    {
        CheckFree(page);
        lock (_lock)
        {
            PutOnFreeList(page);
        }
    }

    private void CheckFree(Page page)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (page.FrameNumber >= _pages.Length || !ReferenceEquals(_pages[page.FrameNumber], page))
        {
            throw new ArgumentException("The page does not belong to this pool.", nameof(page));
        }
        ObjectDisposedException.ThrowIf(_memory == null, this);
        if (page.Test(PageFlags.Locked) || page.Test(PageFlags.Writeback) || page.Test(PageFlags.Lru))
        {
            throw new InvalidOperationException($"Freeing {page} while it is locked, under writeback or on an LRU list (bad_page).");
        }
        if (page.Count > 1 || page.Mapping != null)
        {
            throw new InvalidOperationException($"Freeing {page} with {page.Count} references or while it is in {page.Mapping} (bad_page).");
        }
    }

    // Under _lock.
    private void PutOnFreeList(Page page)
    {
        if (_isFree[page.FrameNumber])
        {
            throw new InvalidOperationException($"Double free of frame {page.FrameNumber} (bad_page).");
        }
        _isFree[page.FrameNumber] = true;
        _free[_freeCount++] = page.FrameNumber;
    }

    /// <summary>
    /// mm/page_alloc.c <c>free_unref_page_list</c>: <see cref="Free"/> of every page of <paramref name="pages"/> (each
    /// checked as there) under one hold of the pool's lock — reclaim frees its batch this way.
    /// </summary>
    internal void FreeUnrefPageList(ReadOnlySpan<Page?> pages)
    {
        foreach (Page? page in pages)
        {
            CheckFree(page!);
        }
        lock (_lock)
        {
            foreach (Page? page in pages)
            {
                PutOnFreeList(page!);
            }
        }
    }

    /// <summary>Frees the native memory. Pages of this pool must not be used afterwards.</summary>
    public void Dispose()
    {
        byte* memory = _memory;
        _memory = null;
        if (memory != null)
        {
            NativeMemory.AlignedFree(memory);
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the native memory if <see cref="Dispose"/> was not called.</summary>
    ~PageFrames()
    {
        if (_memory != null)
        {
            NativeMemory.AlignedFree(_memory);
        }
    }
}

using System.Threading;

namespace AopsGen.Mm;

/// <summary>
/// mm/mempool.c, <c>mempool_create_page_pool</c>: page frames set aside for what one I/O request needs every time
/// (a bounce buffer, a request header), so a filesystem's swap write path makes progress however short memory is.
/// <see cref="Alloc"/> tries the frames first (<c>__GFP_NOMEMALLOC</c>: never the reserve below the min watermark,
/// which belongs to reclaim as a whole), then the pool's own, then waits for one to come back; <see cref="Free"/>
/// refills the pool before it gives frames back. A request that holds one element at a time and returns it when it
/// completes never waits forever. Make it at swapon (<c>swap_activate</c>), free it at swapoff. Thread-safe.
/// </summary>
public sealed class Mempool : IDisposable
{
    private readonly PageFrames _frames;
    private readonly Page?[] _elements;
    private readonly object _lock = new();
    private int _count;
    private bool _disposed;

    /// <summary><c>mempool_create_page_pool(min_nr, 0)</c>: <paramref name="minNr"/> frames taken from
    /// <paramref name="frames"/> now (the reserve too, when the caller has <c>PF_MEMALLOC</c>). -ENOMEM as
    /// <see cref="InsufficientMemoryException"/> when they are not free.</summary>
    public Mempool(PageFrames frames, int minNr)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minNr);
        _frames = frames;
        _elements = new Page?[minNr];
        for (int i = 0; i < minNr; i++)
        {
            Page? page = frames.Alloc();
            if (page == null)
            {
                Dispose();
                throw new InsufficientMemoryException($"mempool: {minNr} frames are not free (ENOMEM).");
            }
            _elements[_count++] = page;
        }
    }

    /// <summary>Frames the pool holds now (<c>pool->curr_nr</c>).</summary>
    public int Available => Volatile.Read(ref _count);

    /// <summary><c>mempool_alloc(GFP_NOIO)</c>: a frame from the free frames above the reserve, else from the pool,
    /// else waits until <see cref="Free"/> returns one. Null only with <paramref name="mayWait"/> false
    /// (<c>GFP_NOWAIT</c>) when neither has one.</summary>
    public Page? Alloc(bool mayWait = true)
    {
        Page? page = _frames.Alloc(noMemalloc: true);
        if (page != null)
        {
            return page;
        }
        lock (_lock)
        {
            while (true)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_count > 0)
                {
                    page = _elements[--_count]!;
                    _elements[_count] = null;
                    return page;
                }
                if (!mayWait)
                {
                    return null;
                }
                Monitor.Wait(_lock);
            }
        }
    }

    /// <summary><c>mempool_free</c>: back to the pool while it is below its size (waking a waiter), else to the
    /// frames.</summary>
    public void Free(Page page)
    {
        ArgumentNullException.ThrowIfNull(page);
        lock (_lock)
        {
            if (_count < _elements.Length && !_disposed)
            {
                _elements[_count++] = page;
                Monitor.Pulse(_lock);
                return;
            }
        }
        _frames.Free(page);
    }

    /// <summary><c>mempool_destroy</c>: the pool's frames go back; frames still out go back through
    /// <see cref="Free"/>. Waiters get <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            while (_count > 0)
            {
                _frames.Free(_elements[--_count]!);
                _elements[_count] = null;
            }
            Monitor.PulseAll(_lock);
        }
    }
}

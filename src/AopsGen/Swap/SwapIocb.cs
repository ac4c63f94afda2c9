using System.Threading;
using AopsGen.Mm;

namespace AopsGen.Swap;

/// <summary>
/// mm/page_io.c (5.19+): <c>struct swap_iocb</c> — one batch in flight: its kiocb, its pages and their segments
/// (the kernel's <c>bvec</c>), where it goes. Taken from its area's <see cref="SwapIoQueue"/> (the kernel's
/// <c>sio_pool</c> mempool) when a plug is submitted, given back by its completion. The segments are pinned: a
/// filesystem or the block layer may hand their addresses to the host and complete later.
/// </summary>
internal sealed class SwapIocb
{
    public SwapIocb(SwapIoQueue queue) => Queue = queue;

    public SwapIoQueue Queue { get; }

    public Kiocb Iocb { get; } = new();

    public IoVec[] Segments { get; } = GC.AllocateArray<IoVec>(SwapPlug.MaxPages, pinned: true);

    public Page[] Pages { get; } = new Page[SwapPlug.MaxPages];

    public int Count { get; set; }

    public long Position { get; set; }

    public bool Read { get; set; }
}

/// <summary>
/// The batches one swap area may have in flight: its queue depth, a pool of that many <see cref="SwapIocb"/>s made
/// at swapon (so steady-state I/O allocates nothing), and the wait for a free one — a submitter with every batch in
/// flight sleeps until a completion gives one back, as a task waits for a request tag of a busy block queue.
/// Depth 1 is synchronous I/O: a batch completes before its submit returns (3.6's <c>swap_writepage</c>).
/// </summary>
internal sealed class SwapIoQueue
{
    private readonly SwapIocb[] _free;
    private int _freeCount;

    public SwapIoQueue(SwapBackend backend, int depth)
    {
        Backend = backend;
        Depth = depth;
        _free = new SwapIocb[depth];
        if (depth > 1)
        {
            for (int i = 0; i < depth; i++)
            {
                _free[i] = new SwapIocb(this);
            }
            _freeCount = depth;
        }
    }

    /// <summary>The backend whose batches these are.</summary>
    public SwapBackend Backend { get; }

    /// <summary>Batches that may be in flight at once.</summary>
    public int Depth { get; }

    /// <summary>Whether batches complete before their submit returns (depth 1).</summary>
    public bool IsSync => Depth == 1;

    private int _syncInFlight;
    private int _draining;

    /// <summary>A synchronous batch starts (depth 1, or a write from inside a submission): <see cref="Drain"/>
    /// waits for it as for a queued one.</summary>
    public void BeginSync() => Interlocked.Increment(ref _syncInFlight);

    /// <summary>A synchronous batch has ended (its pages' writeback or read ended), waking <see cref="Drain"/>.</summary>
    public void EndSync()
    {
        if (Interlocked.Decrement(ref _syncInFlight) == 0 && Volatile.Read(ref _draining) > 0)
        {
            lock (_free)
            {
                Monitor.PulseAll(_free);
            }
        }
    }

    /// <summary><c>mempool_alloc(sio_pool)</c>: a free batch, sleeping until a completion gives one back.</summary>
    public SwapIocb Get()
    {
        lock (_free)
        {
            while (_freeCount == 0)
            {
                Monitor.Wait(_free);
            }
            return _free[--_freeCount];
        }
    }

    /// <summary><c>mempool_free</c>: a completed batch back, waking a submitter or <see cref="Drain"/> waiting for one.</summary>
    public void Put(SwapIocb sio)
    {
        lock (_free)
        {
            _free[_freeCount++] = sio;
            Monitor.PulseAll(_free);
        }
    }

    /// <summary>Sleeps until no batch is in flight, queued or synchronous on another thread (swapoff,
    /// <see cref="SwapCore.WaitForIo"/>).</summary>
    public void Drain()
    {
        lock (_free)
        {
            // Counted before the synchronous batches are read: an EndSync that finds no drainer ran before that read.
            Interlocked.Increment(ref _draining);
            while ((!IsSync && _freeCount < Depth) || Volatile.Read(ref _syncInFlight) > 0)
            {
                Monitor.Wait(_free);
            }
            Interlocked.Decrement(ref _draining);
        }
    }
}

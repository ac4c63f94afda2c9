using System.Threading;
using AopsGen.Mm;

namespace AopsGen.Swap;

/// <summary>How a swap area's pages reach storage; chosen once, at swapon (docs/swap.md, "Swap I/O").</summary>
public enum SwapIoMode
{
    /// <summary>No area, or swapon has not chosen yet.</summary>
    None,
    /// <summary>SWP_FILE (3.6, the seed): writes by the file's <c>direct_IO(KERNEL_WRITE)</c>, reads by its
    /// <c>direct_IO(KERNEL_READ)</c>, one call per batch of contiguous slots.</summary>
    File,
    /// <summary>SWP_FS_OPS (5.19+): <c>swap_activate</c> set it; every read and write batch is one <c>swap_rw</c> call.</summary>
    FsOps,
    /// <summary>Filesystem extents (6.x <c>add_swap_extent</c> from <c>swap_activate</c>, or the generic <c>bmap</c>
    /// walk): the core reads and writes the filesystem's block device at the extents' blocks.</summary>
    Extents,
    /// <summary>SWP_BLKDEV: swapon of a block device node; the core reads and writes the device.</summary>
    BlockDevice,
}

/// <summary>
/// The calls the swap core made for one area through its file's <c>a_ops</c> (from <c>swap_activate</c> or the
/// <c>bmap</c> walk on; swapon's read of the header through the page cache is not swap I/O and is not counted),
/// and the reads and writes it sent to the block device. Counted without locks or allocation.
/// </summary>
public sealed class SwapOpCalls
{
    private long _directIO;
    private long _swapRw;
    private long _bmap;
    private long _swapActivate;
    private long _swapDeactivate;
    private long _blockReads;
    private long _blockWrites;

    /// <summary><c>direct_IO</c> calls (SWP_FILE read and write batches).</summary>
    public long DirectIO => Volatile.Read(ref _directIO);

    /// <summary><c>swap_rw</c> calls (SWP_FS_OPS read and write batches).</summary>
    public long SwapRw => Volatile.Read(ref _swapRw);

    /// <summary><c>bmap</c> calls (the generic walk of <c>generic_swapfile_activate</c>).</summary>
    public long Bmap => Volatile.Read(ref _bmap);

    /// <summary><c>swap_activate</c> calls.</summary>
    public long SwapActivate => Volatile.Read(ref _swapActivate);

    /// <summary><c>swap_deactivate</c> calls.</summary>
    public long SwapDeactivate => Volatile.Read(ref _swapDeactivate);

    /// <summary>Vectored reads sent to the block device (extents, SWP_BLKDEV).</summary>
    public long BlockReads => Volatile.Read(ref _blockReads);

    /// <summary>Vectored writes sent to the block device (extents, SWP_BLKDEV).</summary>
    public long BlockWrites => Volatile.Read(ref _blockWrites);

    internal void CountDirectIO() => Interlocked.Increment(ref _directIO);
    internal void CountSwapRw() => Interlocked.Increment(ref _swapRw);
    internal void CountBmap() => Interlocked.Increment(ref _bmap);
    internal void CountSwapActivate() => Interlocked.Increment(ref _swapActivate);
    internal void CountSwapDeactivate() => Interlocked.Increment(ref _swapDeactivate);
    internal void CountBlockRead() => Interlocked.Increment(ref _blockReads);
    internal void CountBlockWrite() => Interlocked.Increment(ref _blockWrites);

    /// <inheritdoc/>
    public override string ToString() =>
        $"direct_IO {DirectIO}, swap_rw {SwapRw}, bmap {Bmap}, swap_activate {SwapActivate}, swap_deactivate {SwapDeactivate}, block reads {BlockReads}, block writes {BlockWrites}";
}

/// <summary>
/// One swap area's I/O, chosen at swapon (the kernel tests <c>SWP_FS_OPS</c> / <c>SWP_FILE</c> on every page;
/// here the test happens once and the choice is this object). A backend has one entry to submit a batch of
/// writes and one to submit a batch of reads — pages that follow each other from a position, under writeback
/// (writes) or locked and not uptodate (reads) — and one completion for each: <see cref="EndWrite"/> logs the
/// kernel's line for a failed batch and ends writeback or redirties, <see cref="EndRead"/> marks pages uptodate
/// (or not) and unlocks them. A submit returns the bytes moved or -errno when it is done, or -EIOCBQUEUED when it
/// will complete later through the kiocb's <c>ki_complete</c> (<c>bi_end_io</c> for the block device); the core
/// (<see cref="SwapCore.SubmitSwapIo"/>) calls the completion in both cases. Only a kiocb with <c>ki_complete</c>
/// may be queued: with queue depth 1 every kiocb is synchronous.
/// </summary>
internal abstract class SwapBackend
{
    protected SwapBackend(SwapCore core, SwapInfo area)
    {
        Core = core;
        Area = area;
        Queue = new SwapIoQueue(this, area.QueueDepth);
    }

    public SwapCore Core { get; }

    protected SwapInfo Area { get; }

    /// <summary>The area's batches in flight, bounded by its queue depth.</summary>
    public SwapIoQueue Queue { get; }

    /// <summary>Which backend this is.</summary>
    public abstract SwapIoMode Mode { get; }

    /// <summary><c>swap_dev_pos</c> (a file) or <c>map_swap_page</c> (a device): the byte position of slot
    /// <paramref name="offset"/>'s page in the file or on the device.</summary>
    public abstract long Position(ulong offset);

    /// <summary>Write <paramref name="pages"/> (under writeback, unlocked) from <paramref name="position"/>, with
    /// <paramref name="iocb"/> set up for the batch. Returns the bytes written, -errno, or -EIOCBQUEUED.</summary>
    public abstract long SubmitWrite(long position, ReadOnlySpan<IoVec> segments, ReadOnlySpan<Page> pages, Kiocb iocb);

    /// <summary>Read <paramref name="pages"/> (locked, not uptodate) from <paramref name="position"/>. Returns the
    /// bytes read, -errno, or -EIOCBQUEUED.</summary>
    public abstract long SubmitRead(long position, ReadOnlySpan<IoVec> segments, ReadOnlySpan<Page> pages, Kiocb iocb);

    /// <summary>The end of a write batch with <paramref name="result"/>: the backend's log line when it fell short,
    /// then <see cref="SwapCore.EndSwapWrite"/>.</summary>
    public abstract void EndWrite(long position, ReadOnlySpan<Page> pages, long result);

    /// <summary>The end of a read batch with <paramref name="result"/>: the backend's log line when it fell short,
    /// then <see cref="SwapCore.EndSwapRead"/>.</summary>
    public abstract void EndRead(long position, ReadOnlySpan<Page> pages, long result);

    /// <summary>Whether <paramref name="result"/> is all of <paramref name="pages"/>.</summary>
    protected static bool IsWhole(ReadOnlySpan<Page> pages, long result) => result == (long)pages.Length << Page.Shift;

    /// <summary><c>swap_set_page_dirty</c>: PG_dirty without buffers (<c>__set_page_dirty_no_writeback</c>), unless
    /// the area's I/O goes through the filesystem.</summary>
    public virtual bool SetPageDirty(Page page) => !page.TestAndSet(PageFlags.Dirty);

    /// <summary>The block device a discard reaches, or null when the area's I/O goes through a filesystem (the
    /// kernel's <c>swap_discardable</c>: no <c>bdev</c>, no discard).</summary>
    public virtual Block.BlockDevice? DiscardDevice => null;
}

/// <summary>
/// A backend whose I/O goes through the swap file's own ops (SWP_FILE, SWP_FS_OPS): a slot's page is at
/// <c>offset * PAGE_SIZE</c> of the file (<c>swap_dev_pos</c>), and a swap-cache page is dirtied with the file's own
/// <c>set_page_dirty</c> (3.6 <c>swap_set_page_dirty</c>, 6.x <c>swap_dirty_folio</c>).
/// </summary>
internal abstract class SwapFsBackend : SwapBackend
{
    protected SwapFsBackend(SwapCore core, SwapInfo area, OpenFile file)
        : base(core, area) => File = file;

    protected OpenFile File { get; }

    public override long Position(ulong offset) => (long)(offset << Page.Shift);

    public override bool SetPageDirty(Page page) => AopsCalls.SetPageDirty(File.Mapping.Aops, page);

    /// <summary><c>sio_read_complete</c> (5.19+): a batch read short leaves every page not uptodate, "Read-error on
    /// swap-device" without a device number.</summary>
    public override void EndRead(long position, ReadOnlySpan<Page> pages, long result)
    {
        bool ok = IsWhole(pages, result);
        if (!ok)
        {
            Core.Log.PrintRatelimited(KernelLogLevel.Alert, "sio_read_complete", "Read-error on swap-device");
        }
        Core.EndSwapRead(pages, ok);
    }
}

using System.Diagnostics;
using System.Threading;
using Xunit;
using AopsGen.Mm;

namespace AopsGen.Tests;

/// <summary>
/// The reserve below the min watermark (mm/page_alloc.c <c>__gfp_pfmemalloc_flags</c>, <c>ALLOC_NO_WATERMARKS</c>)
/// and the mempool (mm/mempool.c): a filesystem whose swap write needs a frame still writes with every other frame
/// dirty. The filesystem here takes one frame per <c>direct_IO</c> write (a bounce buffer) and waits until it gets
/// one, as a kernel allocation that may reclaim loops; without the reserve that wait never ends, and a watchdog
/// that sees no progress for a while says so.
/// </summary>
[Collection("SwapCore")]
public sealed class MemoryReserveTests
{
    private const int Frames = 64;
    private const int RegionPages = 256;
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(3);

    [Fact]
    public void A_filesystem_needing_a_frame_per_write_swaps_out_with_every_frame_dirty_by_taking_the_reserve()
    {
        using var m = new SwapMachine(Frames, swapPages: 600);
        Assert.Equal(0, m.SwapOn());
        Assert.True(m.Mm.MinWatermark > 0);
        var fs = new BounceFs(m, () => m.Mm.AllocPage(zeroed: false), m.Ram.Free);

        Assert.Equal(Outcome.Finished, fs.WriteEveryPage(RegionPages, Stall));

        Assert.True(fs.FromReserve > 0, "no write ran with only the reserve free: the test did not exhaust memory");
        Assert.Equal(0, fs.GaveUp);
        fs.VerifyEveryPage();
        fs.Region!.Dispose();
        m.Mm.Dispose();
    }

    [Fact]
    public void Without_the_reserve_the_same_filesystem_deadlocks_reclaim_and_the_watchdog_sees_it()
    {
        using var m = new SwapMachine(Frames, swapPages: 600);
        Assert.Equal(0, m.SwapOn());
        m.Mm.MinWatermark = 0;
        var fs = new BounceFs(m, () => m.Mm.AllocPage(zeroed: false), m.Ram.Free);

        Assert.Equal(Outcome.Hung, fs.WriteEveryPage(RegionPages, Stall));

        Assert.True(fs.GaveUp > 0, "the watchdog saw a hang but no write was waiting for a frame");
        fs.Region!.Dispose();
        m.Mm.Dispose();
    }

    [Fact]
    public void A_filesystem_drawing_its_frame_from_a_mempool_makes_progress_even_without_the_reserve()
    {
        using var m = new SwapMachine(Frames, swapPages: 600);
        Assert.Equal(0, m.SwapOn());
        m.Mm.MinWatermark = 0;
        using var pool = new Mempool(m.Ram, minNr: 1);
        var fs = new BounceFs(m, () => pool.Alloc(), pool.Free);

        Assert.Equal(Outcome.Finished, fs.WriteEveryPage(RegionPages, Stall));

        Assert.Equal(0, fs.GaveUp);
        Assert.Equal(1, pool.Available);
        fs.VerifyEveryPage();
        fs.Region!.Dispose();
        m.Mm.Dispose();
    }

    [Fact]
    public void Only_a_thread_with_PF_MEMALLOC_takes_the_frames_below_the_min_watermark()
    {
        using var frames = new PageFrames(8) { Reserve = 2 };
        for (int i = 0; i < 6; i++)
        {
            Assert.NotNull(frames.Alloc());
        }

        Assert.Null(frames.Alloc());
        Assert.False(Memalloc.Active);
        using (Memalloc.NoReclaimSave())
        {
            Assert.True(Memalloc.Active);
            Assert.NotNull(frames.Alloc());
            Assert.NotNull(frames.Alloc());
            Assert.Null(frames.Alloc());
        }
        Assert.False(Memalloc.Active);
    }

    [Fact]
    public void A_nested_memalloc_scope_restores_the_flag_the_outer_one_set()
    {
        using (Memalloc.NoReclaimSave())
        {
            using (Memalloc.NoReclaimSave())
            {
                Assert.True(MemoryManager.InReclaim);
            }
            Assert.True(Memalloc.Active);
        }
        Assert.False(Memalloc.Active);
    }

    [Fact]
    public void A_min_watermark_at_or_above_the_low_one_is_refused()
    {
        using var m = new SwapMachine(Frames, swapPages: 64);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Mm.MinWatermark = m.Mm.LowWatermark);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Mm.MinWatermark = -1);
        m.Mm.Dispose();
    }

    [Fact]
    public void A_mempool_serves_from_free_frames_first_then_its_own_and_never_from_the_reserve()
    {
        using var frames = new PageFrames(8) { Reserve = 2 };
        using var pool = new Mempool(frames, minNr: 2);
        Assert.Equal(2, pool.Available);
        Assert.Equal(6, frames.FreeCount);

        using (Memalloc.NoReclaimSave())
        {
            for (int i = 0; i < 4; i++)
            {
                Assert.NotNull(pool.Alloc());
            }
            Assert.Equal(2, frames.FreeCount);
            Assert.Equal(2, pool.Available);
            Page a = pool.Alloc()!;
            Page b = pool.Alloc()!;
            Assert.Equal(0, pool.Available);
            Assert.Equal(2, frames.FreeCount);
            Assert.Null(pool.Alloc(mayWait: false));

            pool.Free(a);
            Assert.Equal(1, pool.Available);
            pool.Free(b);
            Assert.Equal(2, pool.Available);
        }
    }

    [Fact]
    public void A_mempool_waiter_gets_the_element_another_thread_frees()
    {
        using var frames = new PageFrames(4);
        using var pool = new Mempool(frames, minNr: 1);
        while (frames.Alloc() != null)
        {
        }
        Page held = pool.Alloc()!;
        Page? got = null;
        var waiter = new Thread(() => got = pool.Alloc());
        waiter.Start();
        Assert.False(waiter.Join(200), "the waiter returned with no element free");

        pool.Free(held);

        Assert.True(waiter.Join(TimeSpan.FromSeconds(30)));
        Assert.Same(held, got);
    }

    [Fact]
    public void A_mempool_is_refused_with_ENOMEM_when_its_frames_are_not_free_and_takes_none()
    {
        using var frames = new PageFrames(4) { Reserve = 2 };
        Assert.Throws<InsufficientMemoryException>(() => new Mempool(frames, minNr: 3));
        Assert.Equal(4, frames.FreeCount);
    }

    private enum Outcome
    {
        Finished,
        Hung,
    }

    /// <summary>The filesystem's write path: one frame per direct_IO write, from <c>alloc</c> (retried until it gives
    /// one), given back by <c>free</c> when the write ends. Counts the writes that found only the reserve free.</summary>
    private sealed class BounceFs
    {
        private readonly SwapMachine _m;
        private readonly Func<Page?> _alloc;
        private readonly Action<Page> _free;
        private volatile bool _giveUp;
        private long _progress;

        public BounceFs(SwapMachine m, Func<Page?> alloc, Action<Page> free)
        {
            _m = m;
            _alloc = alloc;
            _free = free;
            m.FileData.OnWrite = Write;
        }

        public int FromReserve;
        public int GaveUp;
        public AnonRegion? Region;

        private void Write()
        {
            if (_m.Ram.FreeCount <= _m.Mm.MinWatermark && _m.Ram.FreeCount > 0)
            {
                FromReserve++;
            }
            Page? bounce;
            while ((bounce = _alloc()) == null)
            {
                if (_giveUp)
                {
                    // The watchdog called the hang: let this write go through without its frame, so the test ends.
                    GaveUp++;
                    return;
                }
                Thread.Sleep(1);
            }
            _free(bounce);
            Interlocked.Increment(ref _progress);
        }

        /// <summary>Writes every page of a new region of <paramref name="pages"/> pages on a thread of its own;
        /// Hung when neither a page nor a write got done for <paramref name="stall"/> (the watchdog), after which
        /// the filesystem gives up waiting and the thread is let finish.</summary>
        public Outcome WriteEveryPage(int pages, TimeSpan stall)
        {
            Region = _m.Mm.CreateRegion(pages);
            AnonRegion region = Region;
            var worker = new Thread(() =>
            {
                byte[] data = new byte[Page.Size];
                for (int i = 0; i < pages; i++)
                {
                    SwapMachine.Fill(data, 17, i);
                    Assert.Equal(0, region.Write(i, data));
                    Interlocked.Increment(ref _progress);
                }
            }) { Name = "reserve-test writer" };
            worker.Start();
            Outcome outcome = Outcome.Finished;
            long seen = -1;
            var since = Stopwatch.StartNew();
            while (!worker.Join(50))
            {
                long now = Interlocked.Read(ref _progress);
                if (now != seen)
                {
                    seen = now;
                    since.Restart();
                }
                else if (since.Elapsed > stall)
                {
                    outcome = Outcome.Hung;
                    _giveUp = true;
                    Assert.True(worker.Join(TimeSpan.FromSeconds(60)), "the writer did not finish after the filesystem gave up");
                    break;
                }
            }
            _m.FileData.OnWrite = null;
            return outcome;
        }

        public void VerifyEveryPage()
        {
            byte[] data = new byte[Page.Size];
            for (int i = 0; i < Region!.Pages; i++)
            {
                Assert.Equal(0, Region.Read(i, data));
                Assert.True(SwapMachine.Verify(data, 17, i), $"page {i} differs");
            }
        }
    }
}

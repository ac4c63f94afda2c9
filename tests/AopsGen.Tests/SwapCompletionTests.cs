using System.Linq;
using System.Threading;
using Xunit;
using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Tests;

/// <summary>
/// Swap I/O completion as an event (mm/page_io.c <c>sio_write_complete</c>, <c>sio_read_complete</c>,
/// <c>end_swap_bio_write</c>, <c>end_swap_bio_read</c>): with a queue depth above 1 a filesystem may return
/// -EIOCBQUEUED and call <c>ki_complete</c> later; reclaim leaves the pages under writeback on the LRU for a later
/// pass; a failure after queueing redirties every page of the batch; the depth bounds batches in flight; swapoff
/// waits for them; the block device's batches go through io_uring.
/// </summary>
[Collection("SwapCore")]
public sealed class SwapCompletionTests : IDisposable
{
    public SwapCompletionTests() => HeldCompletionFs.Reset();

    public void Dispose() => HeldCompletionFs.CompleteAll();

    private static void Fill(AnonRegion region, int first, int count, int seed = 1)
    {
        Span<byte> data = stackalloc byte[Page.Size];
        for (int i = first; i < first + count; i++)
        {
            SwapMachine.Fill(data, seed, i);
            Assert.Equal(0, region.Write(i, data));
        }
    }

    // Reads queue too (SWP_FILE's direct_IO and SWP_FS_OPS's swap_rw): each fault waits for its window's ki_complete,
    // given on another thread.
    private static void AssertPages(AnonRegion region, int count, int seed = 1)
    {
        using Completer completer = CompleteOnAnotherThread();
        Span<byte> data = stackalloc byte[Page.Size];
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(0, region.Read(i, data));
            Assert.True(SwapMachine.Verify(data, seed, i), $"page {i} differs");
        }
    }

    private static int[] Range(int start, int count) => Enumerable.Range(start, count).ToArray();

    // A thread that calls every held ki_complete as it comes, until disposed.
    private static Completer CompleteOnAnotherThread() => new();

    private sealed class Completer : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Thread _thread;

        public Completer()
        {
            _thread = new Thread(() =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    if (!HeldCompletionFs.CompleteNext())
                    {
                        Thread.Sleep(1);
                    }
                }
            });
            _thread.Start();
        }

        public void Dispose()
        {
            _stop.Cancel();
            _thread.Join();
            _stop.Dispose();
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(SwapCore.MaxQueueDepth + 1)]
    public void A_queue_depth_outside_1_to_64_is_EINVAL(int depth)
    {
        using var m = new SwapMachine(frames: 16, swapPages: 64);
        Assert.Equal(Errnos.Neg(Errno.EINVAL), m.SwapOn(queueDepth: depth));
        Assert.Empty(m.Swap.Areas);
    }

    [Fact]
    public void At_depth_1_the_kiocb_is_synchronous_and_reclaim_frees_the_pages_at_once()
    {
        using var m = new SwapMachine(frames: 64, swapPages: 128, aops: HeldCompletionFs.File);
        Assert.Equal(0, m.SwapOn(queueDepth: 1));
        using AnonRegion region = m.Mm.CreateRegion(32);
        Fill(region, 0, 32);

        Assert.Equal(32, m.Mm.SwapOut(region, Range(0, 32)));
        Assert.Equal(0, HeldCompletionFs.Queued);
        Assert.Equal(1, m.Area.QueueDepth);
    }

    [Fact]
    public void A_queued_write_leaves_its_pages_under_writeback_on_the_LRU_and_a_later_pass_frees_them_after_ki_complete()
    {
        using var m = new SwapMachine(frames: 64, swapPages: 128, aops: HeldCompletionFs.File);
        Assert.Equal(0, m.SwapOn(queueDepth: 4));
        using AnonRegion region = m.Mm.CreateRegion(32);
        Fill(region, 0, 32);
        int freeBefore = m.Ram.FreeCount;

        Assert.Equal(0, m.Mm.SwapOut(region, Range(0, 32)));
        Assert.Equal(1, HeldCompletionFs.Queued);
        Assert.Equal(32, m.Mm.Lru.NrInactive + m.Mm.Lru.NrActive);
        Assert.Equal(0, m.Swap.Events[VmEvent.PswpOut]);
        Assert.Equal(0, m.Mm.ReclaimPages(32));

        HeldCompletionFs.CompleteAll();
        Assert.Equal(32, m.Swap.Events[VmEvent.PswpOut]);
        Assert.Equal(32, m.Mm.ReclaimPages(32));
        Assert.Equal(freeBefore + 32, m.Ram.FreeCount);
        AssertPages(region, 32);
    }

    [Fact]
    public void A_batch_that_fails_after_EIOCBQUEUED_redirties_every_page_logs_the_line_and_loses_nothing()
    {
        using var m = new SwapMachine(frames: 64, swapPages: 128, aops: HeldCompletionFs.File);
        Assert.Equal(0, m.SwapOn(queueDepth: 4));
        using AnonRegion region = m.Mm.CreateRegion(32);
        Fill(region, 0, 32);

        m.Mm.SwapOut(region, Range(0, 32));
        HeldCompletionFs.CompleteAll(Errnos.Neg(Errno.EIO));

        Assert.Equal(32, m.Swap.Events[VmEvent.SwapWriteError]);
        Assert.StartsWith("Write error on dio swapfile (", m.Swap.Log.Last!.Value.Message);
        // Dirty again in the swap cache: the next reclaim writes them again, and the one after frees them.
        Assert.Equal(0, m.Mm.ReclaimPages(32));
        Assert.Equal(1, HeldCompletionFs.Held);
        HeldCompletionFs.CompleteAll();
        Assert.Equal(32, m.Mm.ReclaimPages(32));
        AssertPages(region, 32);
    }

    [Fact]
    public void Completions_out_of_order_and_on_another_thread_lose_nothing()
    {
        using var m = new SwapMachine(frames: 256, swapPages: 512, aops: HeldCompletionFs.FsOps);
        Assert.Equal(0, m.SwapOn(queueDepth: 8));
        using AnonRegion region = m.Mm.CreateRegion(128);
        Fill(region, 0, 128);
        for (int first = 0; first < 128; first += 32)
        {
            m.Mm.SwapOut(region, Range(first, 32));
        }
        Assert.Equal(4, HeldCompletionFs.Held);

        // The third batch first, then the rest, from another thread.
        var completer = new Thread(() =>
        {
            HeldCompletionFs.CompleteNext();
            HeldCompletionFs.CompleteAll();
        });
        completer.Start();
        Assert.True(completer.Join(TimeSpan.FromSeconds(10)));
        m.Mm.ReclaimPages(128);
        Assert.Equal(128, m.Swap.Events[VmEvent.PswpOut]);

        AssertPages(region, 128);
    }

    // Depth 4, page_cluster 3, 128 pages swapped out, read back in order (a sequential pass grows the readahead window
    // to the whole cluster of 8, swapin_nr_pages) and swapped out again: every page on its slot, none present.
    private static AnonRegion SwappedOutAfterASequentialPass(SwapMachine m)
    {
        Assert.Equal(0, m.SwapOn(queueDepth: 4));
        m.Swap.PageCluster = 3;
        AnonRegion region = m.Mm.CreateRegion(128);
        Fill(region, 0, 128);
        for (int pass = 0; pass < 2; pass++)
        {
            if (pass == 1)
            {
                AssertPages(region, 128);
            }
            for (int first = 0; first < 128; first += 32)
            {
                m.Mm.SwapOut(region, Range(first, 32));
            }
            HeldCompletionFs.CompleteAll();
            m.Mm.ReclaimPages(128);
        }
        Assert.DoesNotContain(Range(0, 128), region.IsPresent);
        return region;
    }

    [Fact]
    public void Above_depth_1_a_sequential_stream_keeps_depth_minus_1_windows_in_flight_ahead_of_the_fault_one_read_each()
    {
        using var m = new SwapMachine(frames: 256, swapPages: 512, aops: HeldCompletionFs.FsOps);
        using AnonRegion region = SwappedOutAfterASequentialPass(m);
        int queued = HeldCompletionFs.Queued;
        long majorFaults = m.Swap.Events[VmEvent.PgMajFault];
        Span<byte> data = stackalloc byte[Page.Size];

        // The first fault (page 0, slot 1) reads its window (slots 0-7) synchronously: nothing shows a stream yet.
        for (int i = 0; i < 7; i++)
        {
            Assert.Equal(0, region.Read(i, data));
        }
        Assert.Equal(0, HeldCompletionFs.Held);
        // The fault right after that window, its pages used, is sequential: it reads its own window and queues the 3
        // after it (depth 4 - 1), one read each.
        Assert.Equal(0, region.Read(7, data));
        Assert.Equal(3, HeldCompletionFs.Held);
        Assert.Equal(queued + 3, HeldCompletionFs.Queued);
        // The rest of its window are hits and queue nothing; the first page of the next window (the PG_readahead
        // marker, page 15 at slot 16) queues the window 3 further, so 3 stay ahead.
        HeldCompletionFs.CompleteNext();
        for (int i = 8; i < 16; i++)
        {
            Assert.Equal(0, region.Read(i, data));
        }
        Assert.Equal(queued + 4, HeldCompletionFs.Queued);

        // The rest of the pass: every page right, two major faults, every later window (17 cover slots 0-135) one
        // queued read.
        AssertPages(region, 128);
        Assert.Equal(2, m.Swap.Events[VmEvent.PgMajFault] - majorFaults);
        Assert.Equal(17 - 2, HeldCompletionFs.Queued - queued);
    }

    [Fact]
    public void Random_faults_after_a_sequential_pass_read_no_windows_ahead()
    {
        using var m = new SwapMachine(frames: 256, swapPages: 512, aops: HeldCompletionFs.FsOps);
        using AnonRegion region = SwappedOutAfterASequentialPass(m);
        int queued = HeldCompletionFs.Queued;
        Span<byte> data = stackalloc byte[Page.Size];

        // Faults far apart: each reads its own window (swapin_nr_pages halves it from 8), none queues one ahead.
        foreach (int i in new[] { 100, 3, 70, 41, 120, 20 })
        {
            Assert.Equal(0, region.Read(i, data));
            Assert.True(SwapMachine.Verify(data, 1, i), $"page {i} differs");
        }
        Assert.Equal(queued, HeldCompletionFs.Queued);
        Assert.Equal(0, HeldCompletionFs.Held);
    }

    [Fact]
    public void The_queue_depth_bounds_batches_in_flight_a_submitter_waits_for_a_completion()
    {
        using var m = new SwapMachine(frames: 256, swapPages: 512, aops: HeldCompletionFs.File);
        Assert.Equal(0, m.SwapOn(queueDepth: 2));
        using AnonRegion region = m.Mm.CreateRegion(96);
        Fill(region, 0, 96);
        m.Mm.SwapOut(region, Range(0, 32));
        m.Mm.SwapOut(region, Range(32, 32));
        Assert.Equal(2, HeldCompletionFs.Held);

        var third = new Thread(() => m.Mm.SwapOut(region, Range(64, 32)));
        third.Start();
        Assert.False(third.Join(TimeSpan.FromMilliseconds(200)), "a third batch went out with two in flight at depth 2");
        Assert.Equal(2, HeldCompletionFs.Queued);

        HeldCompletionFs.CompleteNext();
        Assert.True(third.Join(TimeSpan.FromSeconds(10)));
        Assert.Equal(3, HeldCompletionFs.Queued);
        HeldCompletionFs.CompleteAll();
    }

    [Fact]
    public void Swapoff_waits_for_the_batches_in_flight()
    {
        using var m = new SwapMachine(frames: 64, swapPages: 128, aops: HeldCompletionFs.File);
        Assert.Equal(0, m.SwapOn(queueDepth: 4));
        using AnonRegion region = m.Mm.CreateRegion(32);
        Fill(region, 0, 32);
        m.Mm.SwapOut(region, Range(0, 32));

        int rc = -1;
        var swapoff = new Thread(() => rc = m.Swap.SwapOff("/swapfile", Credentials.Root));
        swapoff.Start();
        Assert.False(swapoff.Join(TimeSpan.FromMilliseconds(200)), "swapoff returned with a write in flight");
        HeldCompletionFs.CompleteAll();
        Assert.True(swapoff.Join(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, rc);
        Assert.Empty(m.Swap.Areas);
        AssertPages(region, 32);
    }

    // At depth 1 a batch is written inside its submit, on the submitting thread: WaitForIo (and swapoff's drain) must
    // wait for it as for a queued one, or a caller could free frames under a write still copying from them.
    [Fact]
    public void WaitForIo_at_queue_depth_1_waits_for_a_synchronous_write_another_thread_is_in()
    {
        using var m = new SwapMachine(frames: 64, swapPages: 128);
        Assert.Equal(0, m.SwapOn(queueDepth: 1));
        using AnonRegion region = m.Mm.CreateRegion(32);
        Fill(region, 0, 32);
        using var writing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        m.FileData.OnWrite = () =>
        {
            writing.Set();
            release.Wait();
        };
        var swapout = new Thread(() => m.Mm.SwapOut(region, Range(0, 32)));
        var wait = new Thread(m.Swap.WaitForIo);
        try
        {
            swapout.Start();
            Assert.True(writing.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken), "the swap-out wrote nothing");
            wait.Start();
            Assert.False(wait.Join(TimeSpan.FromMilliseconds(200)), "WaitForIo returned while a synchronous write was in flight");
        }
        finally
        {
            // Whatever failed, the swap-out ends before the events it waits on are disposed.
            release.Set();
            Assert.True(swapout.Join(TimeSpan.FromSeconds(10)));
            m.FileData.OnWrite = null;
        }
        Assert.True(wait.Join(TimeSpan.FromSeconds(10)));
        Assert.Equal(32, m.Swap.Events[VmEvent.PswpOut]);
        AssertPages(region, 32);
    }

    // The demo's exit (aops demo): a kswapd pass that runs across the program's exit holds pages off the LRU and
    // queues their writes after the exit; once it puts them back they are in the swap cache for nobody, and only a
    // reclaim pass after theirs, with the writes done, frees them. StopKswapd returns after that pass, so the waits
    // and the one pass that follow find every page.
    [Fact]
    public void StopKswapd_returns_after_a_pass_that_ran_across_exit_and_one_reclaim_pass_then_frees_every_slot()
    {
        using var m = new SwapMachine(frames: 64, swapPages: 128, aops: HeldCompletionFs.File);
        Assert.Equal(0, m.SwapOn(queueDepth: 16));
        AnonRegion region = m.Mm.CreateRegion(64);
        int filled = 0;
        while (m.Ram.FreeCount >= m.Mm.LowWatermark)
        {
            Fill(region, filled++, 1);
        }
        using var writing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        int first = 0;
        m.FileData.OnWrite = () =>
        {
            if (Interlocked.Exchange(ref first, 1) == 0)
            {
                writing.Set();
                release.Wait();
            }
        };
        try
        {
            m.Mm.StartKswapd();
            m.Mm.WakeKswapd();
            Assert.True(writing.Wait(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken), "kswapd wrote nothing");

            region.Dispose();
            var stop = new Thread(m.Mm.StopKswapd);
            stop.Start();
            Assert.False(stop.Join(TimeSpan.FromMilliseconds(200)), "StopKswapd returned while kswapd's pass was writing");
            release.Set();
            Assert.True(stop.Join(TimeSpan.FromSeconds(10)));
        }
        catch
        {
            // Nothing may be left waiting: kswapd on the gate, the machine's disposal on a held completion.
            release.Set();
            using (CompleteOnAnotherThread())
            {
                m.Mm.Dispose();
                m.Swap.WaitForIo();
            }
            throw;
        }
        Assert.True(HeldCompletionFs.Held > 0, "kswapd's writes were not in flight when it stopped");
        Assert.NotEqual(0u, m.Area.InUsePages);

        HeldCompletionFs.CompleteAll();
        m.Swap.WaitForIo();
        m.Mm.ReclaimPages(m.Ram.Count);
        Assert.Equal(0u, m.Area.InUsePages);
        Assert.Equal(0, m.Swap.SwapperSpace.NrPages);
        Assert.Equal(m.Ram.Count, m.Ram.FreeCount);
    }

    [Fact]
    public void The_block_devices_batches_go_through_io_uring_and_every_page_comes_back()
    {
        using var m = new SwapMachine(frames: 128, swapPages: 1024, blockPath: true);
        Assert.Equal(0, m.SwapOn(queueDepth: 4));
        using AnonRegion region = m.Mm.CreateRegion(512);
        Fill(region, 0, 512);
        for (int first = 0; first < 512; first += 32)
        {
            m.Mm.SwapOut(region, Range(first, 32));
        }
        m.Swap.WaitForIo();
        m.Mm.ReclaimPages(512);
        Assert.Equal(512, m.Swap.Events[VmEvent.PswpOut]);
        AssertPages(region, 512);
        Assert.Equal(0, m.Swap.Events[VmEvent.SwapWriteError] + m.Swap.Events[VmEvent.SwapReadError]);
    }
}

using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;
using AopsGen.Mm;

namespace AopsGen.Tests;

public sealed class PageFramesTests
{
    [Fact]
    public void A_pool_of_zero_frames_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PageFrames(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PageFrames(-1));
    }

    [Fact]
    public void A_new_pool_has_every_frame_free()
    {
        using var frames = new PageFrames(5);
        Assert.Equal(5, frames.Count);
        Assert.Equal(5, frames.FreeCount);
    }

    [Fact]
    public void Alloc_returns_distinct_pages_until_the_pool_is_exhausted_then_null()
    {
        using var frames = new PageFrames(8);
        var pages = new HashSet<Page>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < 8; i++)
        {
            Page? page = frames.Alloc();
            Assert.NotNull(page);
            Assert.True(pages.Add(page), $"frame {page.FrameNumber} was handed out twice");
            Assert.Equal(8 - i - 1, frames.FreeCount);
        }
        Assert.Null(frames.Alloc());
        Assert.Null(frames.AllocZeroed());
        Assert.Equal(0, frames.FreeCount);
        Assert.Equal(Enumerable.Range(0, 8), pages.Select(p => p.FrameNumber).OrderBy(n => n));
    }

    [Fact]
    public void Free_returns_the_frame_to_the_pool()
    {
        using var frames = new PageFrames(2);
        Page a = frames.Alloc()!;
        Page b = frames.Alloc()!;
        Assert.Null(frames.Alloc());

        frames.Free(a);
        Assert.Equal(1, frames.FreeCount);
        Assert.Same(a, frames.Alloc());
        Assert.Null(frames.Alloc());

        frames.Free(b);
        frames.Free(a);
        Assert.Equal(2, frames.FreeCount);
    }

    [Fact]
    public void Alloc_hands_out_a_page_with_no_flags_one_reference_and_no_mapping()
    {
        using var frames = new PageFrames(1);
        Page page = frames.Alloc()!;
        page.Set(PageFlags.Dirty | PageFlags.Uptodate | PageFlags.SwapCache);
        page.Index = 9;
        page.Private = 0xBEEF;
        page.Put(); // the last reference dropped: count 0 when freed
        frames.Free(page);

        Page again = frames.Alloc()!;
        Assert.Same(page, again);
        Assert.Equal(PageFlags.None, again.Flags);
        Assert.Equal(1, again.Count);
        Assert.Equal(0UL, again.Index);
        Assert.Equal(0UL, again.Private);
        Assert.Null(again.Mapping);
    }

    [Fact]
    public void Freeing_a_locked_page_throws_and_keeps_it_allocated()
    {
        using var frames = new PageFrames(2);
        Page page = frames.Alloc()!;
        page.Lock();
        Assert.Throws<InvalidOperationException>(() => frames.Free(page));
        Assert.Equal(1, frames.FreeCount);
        page.Unlock();
        frames.Free(page);
        Assert.Equal(2, frames.FreeCount);
    }

    [Fact]
    public void Freeing_a_page_under_writeback_throws()
    {
        using var frames = new PageFrames(2);
        Page page = frames.Alloc()!;
        page.SetWriteback();
        Assert.Throws<InvalidOperationException>(() => frames.Free(page));
        Assert.Equal(1, frames.FreeCount);
    }

    [Fact]
    public void Freeing_a_page_of_another_pool_throws()
    {
        using var frames = new PageFrames(4);
        using var other = new PageFrames(4);
        Page foreign = other.Alloc()!;
        frames.Alloc();
        ArgumentException ex = Assert.Throws<ArgumentException>(() => frames.Free(foreign));
        Assert.Equal("page", ex.ParamName);
        Assert.Equal(3, frames.FreeCount);
    }

    [Fact]
    public void Freeing_a_page_of_a_larger_pool_whose_frame_number_is_out_of_range_throws()
    {
        using var frames = new PageFrames(1);
        using var bigger = new PageFrames(4);
        Page foreign = bigger[3];
        Assert.Throws<ArgumentException>(() => frames.Free(foreign));
    }

    [Fact]
    public void Freeing_null_throws()
    {
        using var frames = new PageFrames(1);
        Assert.Throws<ArgumentNullException>(() => frames.Free(null!));
    }

    [Fact]
    public void Freeing_into_a_pool_whose_frames_are_all_free_is_a_double_free()
    {
        using var frames = new PageFrames(2);
        Page page = frames.Alloc()!;
        frames.Free(page);
        Assert.Throws<InvalidOperationException>(() => frames.Free(page));
        Assert.Equal(2, frames.FreeCount);
    }

    [Fact]
    public void AllocZeroed_returns_a_zeroed_page()
    {
        using var frames = new PageFrames(1);
        Page page = frames.Alloc()!;
        page.Bytes.Fill(0xAB);
        frames.Free(page);

        Page zeroed = frames.AllocZeroed()!;
        Assert.Same(page, zeroed);
        Assert.True(zeroed.Bytes.IndexOfAnyExcept((byte)0) < 0);
    }

    [Fact]
    public void A_new_pools_frames_are_zeroed()
    {
        using var frames = new PageFrames(3);
        for (int i = 0; i < frames.Count; i++)
        {
            Assert.True(frames[i].Bytes.IndexOfAnyExcept((byte)0) < 0);
        }
    }

    [Fact]
    public void Alloc_after_Dispose_throws()
    {
        var frames = new PageFrames(1);
        frames.Dispose();
        Assert.Throws<ObjectDisposedException>(() => frames.Alloc());
        frames.Dispose(); // a second Dispose is harmless
    }

    [Fact]
    public async Task Concurrent_Alloc_hands_each_frame_to_exactly_one_thread()
    {
        const int Count = 4096;
        const int Threads = 8;
        using var frames = new PageFrames(Count);
        var got = new ConcurrentBag<int>();
        using var start = new Barrier(Threads);
        Task[] tasks = Enumerable.Range(0, Threads).Select(_ => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            while (frames.Alloc() is Page page)
            {
                got.Add(page.FrameNumber);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(Count, got.Count);
        Assert.Equal(Count, got.Distinct().Count());
        Assert.Equal(0, frames.FreeCount);
    }

    [Fact]
    public async Task Concurrent_Alloc_and_Free_keep_the_free_count_exact()
    {
        const int Threads = 8;
        using var frames = new PageFrames(Threads * 2);
        int doubleOwned = 0;
        int[] owner = new int[frames.Count];
        using var start = new Barrier(Threads);
        Task[] tasks = Enumerable.Range(1, Threads).Select(id => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < 20_000; i++)
            {
                Page? page = frames.Alloc();
                if (page == null)
                {
                    continue;
                }
                if (Interlocked.CompareExchange(ref owner[page.FrameNumber], id, 0) != 0)
                {
                    Interlocked.Increment(ref doubleOwned);
                }
                Volatile.Write(ref owner[page.FrameNumber], 0);
                frames.Free(page);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(0, doubleOwned);
        Assert.Equal(frames.Count, frames.FreeCount);
    }
}

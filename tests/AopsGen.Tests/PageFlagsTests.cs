using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;
using AopsGen.Mm;

namespace AopsGen.Tests;

public sealed class PageFlagsTests : IDisposable
{
    private readonly PageFrames _frames = new(4);

    public void Dispose() => _frames.Dispose();

    private Page NewPage() => _frames.Alloc()!;

    [Fact]
    public void A_new_page_has_no_flags_and_one_reference()
    {
        Page page = NewPage();
        Assert.Equal(PageFlags.None, page.Flags);
        Assert.Equal(1, page.Count);
    }

    [Fact]
    public void Set_sets_only_the_given_bits_and_Clear_clears_only_the_given_bits()
    {
        Page page = NewPage();
        page.Set(PageFlags.Dirty | PageFlags.Uptodate);
        Assert.Equal(PageFlags.Dirty | PageFlags.Uptodate, page.Flags);
        Assert.True(page.IsDirty);
        Assert.True(page.IsUptodate);
        Assert.False(page.IsLocked);

        page.Clear(PageFlags.Dirty);
        Assert.Equal(PageFlags.Uptodate, page.Flags);
    }

    [Fact]
    public void Test_is_true_only_when_every_given_bit_is_set()
    {
        Page page = NewPage();
        page.Set(PageFlags.Dirty);
        Assert.True(page.Test(PageFlags.Dirty));
        Assert.False(page.Test(PageFlags.Dirty | PageFlags.Uptodate));
        page.Set(PageFlags.Uptodate);
        Assert.True(page.Test(PageFlags.Dirty | PageFlags.Uptodate));
    }

    [Fact]
    public void TestAndSet_returns_whether_the_bit_was_already_set()
    {
        Page page = NewPage();
        Assert.False(page.TestAndSet(PageFlags.Referenced));
        Assert.True(page.Test(PageFlags.Referenced));
        Assert.True(page.TestAndSet(PageFlags.Referenced));
        Assert.True(page.Test(PageFlags.Referenced));
    }

    [Fact]
    public void TestAndClear_returns_whether_the_bit_was_set_and_leaves_it_clear()
    {
        Page page = NewPage();
        Assert.False(page.TestAndClear(PageFlags.Dirty));
        page.Set(PageFlags.Dirty | PageFlags.Lru);
        Assert.True(page.TestAndClear(PageFlags.Dirty));
        Assert.False(page.IsDirty);
        Assert.True(page.Test(PageFlags.Lru));
    }

    [Fact]
    public void Get_and_Put_count_references()
    {
        Page page = NewPage();
        page.Get();
        page.Get();
        Assert.Equal(3, page.Count);
        Assert.Equal(2, page.Put());
        Assert.Equal(2, page.Count);
    }

    [Fact]
    public void SetWriteback_returns_whether_the_page_was_already_under_writeback()
    {
        Page page = NewPage();
        Assert.False(page.SetWriteback());
        Assert.True(page.IsWriteback);
        Assert.True(page.SetWriteback());
        page.EndWriteback();
        Assert.False(page.IsWriteback);
    }

    [Fact]
    public void EndWriteback_of_a_page_not_under_writeback_throws()
    {
        Page page = NewPage();
        Assert.Throws<InvalidOperationException>(page.EndWriteback);
    }

    [Fact]
    public async Task Concurrent_set_and_clear_of_distinct_bits_lose_no_update()
    {
        // Each thread owns one bit and toggles it with TestAndSet/TestAndClear while the others toggle
        // theirs on the same word: a non-atomic read-modify-write would resurrect or drop another's bit.
        Page page = NewPage();
        PageFlags[] bits = Enum.GetValues<PageFlags>()
            .Where(f => f != PageFlags.None && f != PageFlags.Waiters)
            .Take(8)
            .ToArray();
        Assert.Equal(8, bits.Length);
        const int Rounds = 20_000;
        int failures = 0;
        using var start = new Barrier(bits.Length);
        Task[] tasks = bits.Select(bit => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < Rounds; i++)
            {
                if (page.TestAndSet(bit) || !page.TestAndClear(bit))
                {
                    Interlocked.Increment(ref failures);
                }
            }
            page.Set(bit);
        }, TaskCreationOptions.LongRunning)).ToArray();

        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(0, failures);
        PageFlags all = bits.Aggregate(PageFlags.None, (acc, b) => acc | b);
        Assert.Equal(all, page.Flags);
    }

    [Fact]
    public async Task Racing_TestAndSet_of_Locked_has_exactly_one_winner()
    {
        const int Threads = 8;
        for (int round = 0; round < 50; round++)
        {
            Page page = NewPage();
            int winners = 0;
            using var start = new Barrier(Threads);
            Task[] tasks = Enumerable.Range(0, Threads).Select(_ => Task.Factory.StartNew(() =>
            {
                start.SignalAndWait();
                if (!page.TestAndSet(PageFlags.Locked))
                {
                    Interlocked.Increment(ref winners);
                }
            }, TaskCreationOptions.LongRunning)).ToArray();
            await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            Assert.Equal(1, winners);
            Assert.True(page.IsLocked);
            page.Unlock();
            _frames.Free(page);
        }
    }

    [Fact]
    public async Task Racing_TryLock_has_exactly_one_winner()
    {
        const int Threads = 8;
        Page page = NewPage();
        var won = new List<int>();
        using var start = new Barrier(Threads);
        Task[] tasks = Enumerable.Range(0, Threads).Select(i => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            if (page.TryLock())
            {
                lock (won)
                {
                    won.Add(i);
                }
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Single(won);
        Assert.False(page.TryLock());
    }
}

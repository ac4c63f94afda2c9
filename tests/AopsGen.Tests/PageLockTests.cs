using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Xunit;
using AopsGen.Mm;

namespace AopsGen.Tests;

public sealed class PageLockTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly PageFrames _frames = new(4);

    public void Dispose() => _frames.Dispose();

    private static Task Run(Action action) => Task.Factory.StartNew(action, TaskCreationOptions.LongRunning);

    /// <summary>Polls until <paramref name="condition"/> holds; false after the timeout. Not a timing assert:
    /// it only waits for a state another thread must reach.</summary>
    private static bool SpinUntil(Func<bool> condition) => SpinWait.SpinUntil(condition, Timeout);

    [Fact]
    public void Lock_of_a_free_page_takes_the_lock_and_Unlock_releases_it()
    {
        Page page = _frames.Alloc()!;
        page.Lock();
        Assert.True(page.IsLocked);
        Assert.False(page.TryLock());
        page.Unlock();
        Assert.False(page.IsLocked);
        Assert.True(page.TryLock());
    }

    [Fact]
    public void Unlock_of_an_unlocked_page_throws()
    {
        Page page = _frames.Alloc()!;
        Assert.Throws<InvalidOperationException>(page.Unlock);
        Assert.False(page.IsLocked);
    }

    [Fact]
    public void Unlock_with_no_waiter_leaves_the_Waiters_bit_clear()
    {
        Page page = _frames.Alloc()!;
        page.Lock();
        page.Unlock();
        Assert.Equal(PageFlags.None, page.Flags);
    }

    [Fact]
    public async Task Lock_blocks_while_another_thread_holds_the_lock_and_proceeds_after_Unlock()
    {
        Page page = _frames.Alloc()!;
        page.Lock();
        using var acquired = new ManualResetEventSlim();
        Task waiter = Run(() =>
        {
            page.Lock();
            acquired.Set();
        });

        // The waiter announces itself with PG_waiters before it sleeps: proof that it is blocked in Lock.
        Assert.True(SpinUntil(() => page.Test(PageFlags.Waiters)));
        Assert.False(acquired.IsSet);
        Assert.True(page.IsLocked);

        page.Unlock();
        Assert.True(acquired.Wait(Timeout, TestContext.Current.CancellationToken));
        await waiter.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.True(page.IsLocked); // now held by the waiter
        page.Unlock();
        Assert.False(page.Test(PageFlags.Waiters));
    }

    [Fact]
    public async Task WaitOnLocked_returns_after_Unlock_without_taking_the_lock()
    {
        Page page = _frames.Alloc()!;
        page.Lock();
        using var returned = new ManualResetEventSlim();
        Task waiter = Run(() =>
        {
            page.WaitOnLocked();
            returned.Set();
        });
        Assert.True(SpinUntil(() => page.Test(PageFlags.Waiters)));
        Assert.False(returned.IsSet);

        page.Unlock();
        Assert.True(returned.Wait(Timeout, TestContext.Current.CancellationToken));
        await waiter.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.False(page.IsLocked);
    }

    [Fact]
    public async Task EndWriteback_wakes_WaitOnWriteback()
    {
        Page page = _frames.Alloc()!;
        Assert.False(page.SetWriteback());
        using var returned = new ManualResetEventSlim();
        Task waiter = Run(() =>
        {
            page.WaitOnWriteback();
            returned.Set();
        });
        Assert.True(SpinUntil(() => page.Test(PageFlags.Waiters)));
        Assert.False(returned.IsSet);

        page.EndWriteback();
        Assert.True(returned.Wait(Timeout, TestContext.Current.CancellationToken));
        await waiter.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.False(page.IsWriteback);
    }

    [Fact]
    public async Task WaitOnWriteback_of_a_page_not_under_writeback_returns_at_once()
    {
        Page page = _frames.Alloc()!;
        Task waiter = Run(page.WaitOnWriteback);
        await waiter.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(PageFlags.None, page.Flags);
    }

    [Fact]
    public async Task EndWriteback_wakes_every_waiter_and_Unlock_wakes_none_of_them()
    {
        Page page = _frames.Alloc()!;
        page.SetWriteback();
        page.Lock();
        const int Waiters = 6;
        int woken = 0;
        Task[] waiters = Enumerable.Range(0, Waiters).Select(_ => Run(() =>
        {
            page.WaitOnWriteback();
            Interlocked.Increment(ref woken);
        })).ToArray();
        Assert.True(SpinUntil(() => page.Test(PageFlags.Waiters)));

        // A wake-up for the Locked bit is spurious for writeback waiters: they re-check and sleep again.
        page.Unlock();
        Assert.True(SpinUntil(() => page.Test(PageFlags.Waiters))); // they went back to sleep
        Assert.Equal(0, Volatile.Read(ref woken));
        Assert.DoesNotContain(waiters, t => t.IsCompleted);

        page.EndWriteback();
        await Task.WhenAll(waiters).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(Waiters, woken);
    }

    [Fact]
    public async Task Waiters_bit_is_clear_after_all_lock_waiters_are_woken()
    {
        Page page = _frames.Alloc()!;
        page.Lock();
        const int Waiters = 8;
        int done = 0;
        Task[] waiters = Enumerable.Range(0, Waiters).Select(_ => Run(() =>
        {
            page.Lock();
            Interlocked.Increment(ref done);
            page.Unlock();
        })).ToArray();
        Assert.True(SpinUntil(() => page.Test(PageFlags.Waiters)));
        Assert.Equal(0, Volatile.Read(ref done));

        page.Unlock();
        await Task.WhenAll(waiters).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(Waiters, done);
        Assert.Equal(PageFlags.None, page.Flags);
    }

    [Fact]
    public async Task Lock_gives_mutual_exclusion_and_loses_no_wake_up_under_contention()
    {
        // A plain (non-atomic) counter incremented under the page lock by many threads ends exact only if
        // no two threads are ever inside together; a lost wake-up would hang a thread (caught by the timeout).
        Page page = _frames.Alloc()!;
        const int Threads = 8;
        const int PerThread = 5_000;
        long counter = 0;
        int inside = 0;
        int overlaps = 0;
        using var start = new Barrier(Threads);
        Task[] tasks = Enumerable.Range(0, Threads).Select(_ => Run(() =>
        {
            start.SignalAndWait();
            for (int i = 0; i < PerThread; i++)
            {
                page.Lock();
                if (Interlocked.Increment(ref inside) != 1)
                {
                    Interlocked.Increment(ref overlaps);
                }
                long seen = counter;
                if ((i & 63) == 0)
                {
                    Thread.Yield(); // widen the window a broken lock would let another thread into
                }
                counter = seen + 1;
                Interlocked.Decrement(ref inside);
                page.Unlock();
            }
        })).ToArray();

        await Task.WhenAll(tasks).WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(0, overlaps);
        Assert.Equal((long)Threads * PerThread, counter);
        Assert.Equal(PageFlags.None, page.Flags);
    }

    /// <summary>The page's hashed wait queue (internal <c>PageWaitQueues.For</c>), so that a test can hold it.</summary>
    private static object WaitQueueOf(Page page)
    {
        MethodInfo? forPage = typeof(Page).Assembly.GetType("AopsGen.PageWaitQueues")?.GetMethod("For", BindingFlags.Public | BindingFlags.Static);
        Assert.True(forPage != null, "AopsGen.PageWaitQueues.For(Page) is gone: update this test to the new wait queue");
        return forPage.Invoke(null, [page])!;
    }

    [Fact]
    public void A_waiter_re_checks_the_bit_after_announcing_itself_so_an_Unlock_just_before_it_sleeps_is_not_lost()
    {
        // Hold the page's wait queue so that the waiter stops right after its failed test-and-set, before
        // it sets PG_waiters. Unlock then sees no waiter and wakes nobody: only the waiter's re-check of
        // PG_locked under the queue lock keeps it from sleeping forever.
        Page page = _frames.Alloc()!;
        page.Lock();
        object queue = WaitQueueOf(page);
        int inLock = 0;
        var waiter = new Thread(() =>
        {
            Volatile.Write(ref inLock, 1);
            page.Lock();
            page.Unlock();
        }) { IsBackground = true };
        lock (queue)
        {
            waiter.Start();
            Assert.True(SpinUntil(() => Volatile.Read(ref inLock) == 1 && (waiter.ThreadState & ThreadState.WaitSleepJoin) != 0),
                "the waiter never blocked on the wait queue");
            Assert.False(page.Test(PageFlags.Waiters));
            page.Unlock();
        }
        Assert.True(waiter.Join(Timeout), "the waiter slept through the Unlock");
        Assert.Equal(PageFlags.None, page.Flags);
    }

    [Fact]
    public async Task Waiters_of_different_pages_sharing_a_wait_queue_wake_only_when_their_own_page_unlocks()
    {
        // 256 hashed queues: with 64 pages some share a queue. Wake them one page at a time.
        using var frames = new PageFrames(64);
        Page[] pages = Enumerable.Range(0, 64).Select(_ => frames.Alloc()!).ToArray();
        foreach (Page p in pages)
        {
            p.Lock();
        }
        int[] acquired = new int[pages.Length];
        Task[] waiters = pages.Select((p, i) => Run(() =>
        {
            p.Lock();
            Volatile.Write(ref acquired[i], 1);
            p.Unlock();
        })).ToArray();
        Assert.True(SpinUntil(() => pages.All(p => p.Test(PageFlags.Waiters))));

        for (int i = 0; i < pages.Length; i++)
        {
            pages[i].Unlock();
            await waiters[i].WaitAsync(Timeout, TestContext.Current.CancellationToken);
            Assert.Equal(1, Volatile.Read(ref acquired[i]));
            for (int j = i + 1; j < pages.Length; j++)
            {
                Assert.Equal(0, Volatile.Read(ref acquired[j]));
            }
        }
        Assert.All(pages, p => Assert.Equal(PageFlags.None, p.Flags));
    }
}

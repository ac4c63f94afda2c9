using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;
using AopsGen.Mm;
using AopsGen.Swap;

namespace AopsGen.Tests;

/// <summary>Whole-path runs: many more pages than frames, written and read back in random order through
/// reclaim, swap-out, faults and swap-in, every byte checked; several threads at once; and the steady-state
/// swap path allocating no managed memory.</summary>
[Collection("SwapCore")]
public sealed class SwapRoundTripTests
{
    private readonly ITestOutputHelper _output;

    public SwapRoundTripTests(ITestOutputHelper output) => _output = output;

    /// <summary>A program over a region with too few frames: on -ENOMEM it reclaims the 32 pages it touched
    /// longest ago (the LRU comes with the memory manager's own reclaim).</summary>
    private sealed class Program
    {
        private readonly MemoryManager _mm;
        private readonly AnonRegion _region;
        private readonly Queue<int> _touched = new();
        private readonly int[] _batch = new int[SwapPlug.MaxPages];

        public Program(MemoryManager mm, AnonRegion region)
        {
            _mm = mm;
            _region = region;
        }

        public void Write(int index, ReadOnlySpan<byte> data)
        {
            int error;
            while ((error = _region.Write(index, data)) == Errnos.Neg(Errno.ENOMEM))
            {
                Reclaim();
            }
            Assert.Equal(0, error);
            _touched.Enqueue(index);
        }

        public void Read(int index, Span<byte> data)
        {
            int error;
            while ((error = _region.Read(index, data)) == Errnos.Neg(Errno.ENOMEM))
            {
                Reclaim();
            }
            Assert.Equal(0, error);
            _touched.Enqueue(index);
        }

        private void Reclaim()
        {
            int n = 0;
            while (n < _batch.Length && _touched.TryDequeue(out int index))
            {
                _batch[n++] = index;
            }
            Assert.True(n > 0, "nothing left to reclaim");
            _mm.SwapOut(_region, _batch.AsSpan(0, n));
        }
    }

    private static int[] Shuffled(int count, int seed)
    {
        int[] order = Enumerable.Range(0, count).ToArray();
        new Random(seed).Shuffle(order);
        return order;
    }

    [Theory]
    [InlineData(false, 100_000, 512)]
    [InlineData(true, 10_000, 256)]
    public void Pages_written_in_random_order_read_back_equal_after_swapping_out_and_in(bool blockPath, int pages, int frames)
    {
        using var m = new SwapMachine(frames, swapPages: pages + 64, blockPath);
        Assert.Equal(0, m.SwapOn());
        using AnonRegion region = m.Mm.CreateRegion(pages);
        var program = new Program(m.Mm, region);
        byte[] data = new byte[Page.Size];
        var clock = Stopwatch.StartNew();

        foreach (int index in Shuffled(pages, 1))
        {
            SwapMachine.Fill(data, 11, index);
            program.Write(index, data);
        }
        int mismatches = 0;
        foreach (int index in Shuffled(pages, 2))
        {
            program.Read(index, data);
            if (!SwapMachine.Verify(data, 11, index))
            {
                mismatches++;
            }
        }

        _output.WriteLine($"{pages} pages over {frames} frames ({(blockPath ? "block device" : "SWP_FILE")}) in {clock.Elapsed}: {m.Swap.Events}");
        Assert.Equal(0, mismatches);
        Assert.True(m.Swap.Events[VmEvent.PswpOut] >= pages - frames);
        Assert.True(m.Swap.Events[VmEvent.PswpIn] >= pages - frames);
        Assert.Equal(0, m.Swap.Events[VmEvent.SwapWriteError]);
        region.Dispose();
        Assert.Equal(frames, m.Ram.FreeCount);
        Assert.Equal(0u, m.Swap.Areas[0].InUsePages);
        Assert.Equal(0, m.Swap.SwapperSpace.NrPages);
    }

    [Fact]
    public async Task Threads_faulting_writing_and_swapping_out_the_same_and_different_pages_lose_nothing()
    {
        const int Threads = 4;
        const int PagesPerThread = 512;
        const int Shared = 256;
        const int Rounds = 3_000;
        using var m = new SwapMachine(frames: 192, swapPages: Threads * PagesPerThread + Shared + 64);
        Assert.Equal(0, m.SwapOn());
        using AnonRegion region = m.Mm.CreateRegion(Threads * PagesPerThread + Shared);
        int sharedBase = Threads * PagesPerThread;
        byte[] fill = new byte[Page.Size];
        for (int i = 0; i < Shared; i++)
        {
            SwapMachine.Fill(fill, 0, sharedBase + i);
            while (region.Write(sharedBase + i, fill) == Errnos.Neg(Errno.ENOMEM))
            {
                m.Mm.SwapOut(region, Enumerable.Range(sharedBase, i).ToArray());
            }
        }
        int mismatches = 0;
        int progress = 0;

        void Run(int thread)
        {
            var random = new Random(100 + thread);
            var versions = new int[PagesPerThread];
            var batch = new int[SwapPlug.MaxPages];
            byte[] data = new byte[Page.Size];
            int own = thread * PagesPerThread;
            for (int round = 0; round < Rounds; round++)
            {
                int op = random.Next(4);
                int error;
                if (op == 0)
                {
                    int page = random.Next(PagesPerThread);
                    versions[page]++;
                    SwapMachine.Fill(data, versions[page], own + page);
                    while ((error = region.Write(own + page, data)) == Errnos.Neg(Errno.ENOMEM))
                    {
                        Reclaim();
                    }
                    Assert.Equal(0, error);
                }
                else if (op == 1)
                {
                    int page = random.Next(PagesPerThread);
                    while ((error = region.Read(own + page, data)) == Errnos.Neg(Errno.ENOMEM))
                    {
                        Reclaim();
                    }
                    Assert.Equal(0, error);
                    if (versions[page] != 0 && !SwapMachine.Verify(data, versions[page], own + page))
                    {
                        Interlocked.Increment(ref mismatches);
                    }
                }
                else if (op == 2)
                {
                    int page = random.Next(Shared);
                    while ((error = region.Read(sharedBase + page, data)) == Errnos.Neg(Errno.ENOMEM))
                    {
                        Reclaim();
                    }
                    Assert.Equal(0, error);
                    if (!SwapMachine.Verify(data, 0, sharedBase + page))
                    {
                        Interlocked.Increment(ref mismatches);
                    }
                }
                else
                {
                    Reclaim();
                }
                Interlocked.Increment(ref progress);
            }

            // Reclaim from anywhere in the region: other threads' pages and the shared ones too.
            void Reclaim()
            {
                int start = random.Next(region.Pages - batch.Length);
                for (int i = 0; i < batch.Length; i++)
                {
                    batch[i] = start + i;
                }
                m.Mm.SwapOut(region, batch);
            }
        }

        Task[] tasks = Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(() => Run(t), TaskCreationOptions.LongRunning)).ToArray();
        // Watchdog: fail (rather than hang CI) if no thread makes progress for 30 seconds.
        int last = -1;
        Task all = Task.WhenAll(tasks);
        while (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken)) != all)
        {
            int now = Volatile.Read(ref progress);
            Assert.True(now != last, $"No progress for 30 s after {now} operations: deadlock in the swap path.");
            last = now;
        }

        await all;
        _output.WriteLine($"{Threads} threads x {Rounds} operations: {m.Swap.Events}");
        Assert.Equal(0, mismatches);
        Assert.True(m.Swap.Events[VmEvent.PswpOut] > 0 && m.Swap.Events[VmEvent.PswpIn] > 0);
        region.Dispose();
        Assert.Equal(192, m.Ram.FreeCount);
        Assert.Equal(0u, m.Swap.Areas[0].InUsePages);
        Assert.Equal(0, m.Swap.SwapperSpace.NrPages);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Swapping_pages_out_and_back_in_allocates_no_managed_memory_per_page(bool blockPath)
    {
        const int Pages = 2_048;
        using var m = new SwapMachine(frames: 256, swapPages: Pages + 64, blockPath);
        if (!blockPath)
        {
            m.FileData.RecordBatches = false;
        }
        Assert.Equal(0, m.SwapOn());
        using AnonRegion region = m.Mm.CreateRegion(Pages);
        byte[] data = new byte[Page.Size];
        int[] batch = new int[SwapPlug.MaxPages];

        int errors = 0;
        // (No Assert inside the measured loop: xunit's comparers allocate.)
        void Cycle()
        {
            for (int first = 0; first < Pages; first += batch.Length)
            {
                for (int i = 0; i < batch.Length; i++)
                {
                    batch[i] = first + i;
                    errors += region.Write(first + i, data) != 0 ? 1 : 0;
                }
                m.Mm.SwapOut(region, batch);
            }
            for (int first = 0; first < Pages; first += batch.Length)
            {
                for (int i = 0; i < batch.Length; i++)
                {
                    batch[i] = first + i;
                    errors += region.Read(first + i, data) != 0 ? 1 : 0;
                }
                m.Mm.SwapOut(region, batch);
            }
        }

        Cycle();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Cycle();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, errors);
        Assert.True(m.Swap.Events[VmEvent.PswpOut] >= 2 * Pages);
        Assert.True(m.Swap.Events[VmEvent.PswpIn] >= 2 * Pages - 256);
        Assert.Equal(0, allocated);
    }
}

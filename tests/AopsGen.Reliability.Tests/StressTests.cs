using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using AopsGen.Examples;
using Xunit;
using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Reliability.Tests;

/// <summary>
/// Load: six threads fault, write, read and discard pages over 8× more pages than frames, each page checksummed,
/// while another thread swapons and swapoffs a second area; bounded in time, with a watchdog that fails the test —
/// naming what every thread was doing — when progress stops. At the end: every page verified, each slot's swap_map
/// count equal to the page tables' references to it, no slot left after exit, the swap cache empty after swapoff.
/// </summary>
[Trait("Category", "Stress")]
public sealed class StressTests : IDisposable
{
    private const int Frames = 64;
    private const int Threads = 6;
    private const int PagesPerThread = 8 * Frames / Threads + 1;
    private static readonly TimeSpan s_duration = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan s_stall = TimeSpan.FromSeconds(20);

    private readonly ITestOutputHelper _output;
    private readonly SwapMachine _m = new();

    public StressTests(ITestOutputHelper output)
    {
        _output = output;
        Assert.Equal(0, RamFs.CreateSwapFile(_m.Vfs, _m.Root, "/swap-a", 1024L * Page.Size, null, out Inode? a, out _));
        Assert.Equal(0, RamFs.CreateSwapFile(_m.Vfs, _m.Root, "/swap-b", 256L * Page.Size, null, out _, out _));
        // The same bytes as /swap-a, seen through FaultyFs: completions late, out of order, some failing after queueing.
        var late = new Inode(_m.Root, 100_001, FileType.Regular, 0x180, FaultyFs.Operations) { Size = a!.Size, Blocks = a.Blocks, Private = RamFs.DataOf(a) };
        Assert.Equal(0, _m.Vfs.Create("/swap-a-late", late, Credentials.Root));
    }

    public void Dispose() => _m.Dispose();

    /// <summary>At depth 1 the first area is RamFs's (synchronous); above it the first area completes its writes late,
    /// out of order, on another thread, and now and then fails one after -EIOCBQUEUED.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void Six_threads_over_8x_the_frames_with_a_second_area_coming_and_going_lose_nothing_and_leak_nothing(int queueDepth)
    {
        string swapA = queueDepth > 1 ? "/swap-a-late" : "/swap-a";
        var schedule = new FaultSchedule(queueDepth).Set(Fault.LateCompletion, 700).Set(Fault.FailAfterQueued, 20);
        FaultyFs.Wrap(RamFs.Operations, schedule);
        using var ram = new PageFrames(Frames);
        using var mm = new MemoryManager(ram, _m.Swap);
        Assert.Equal(0, _m.Swap.SwapOn(swapA, 0, Credentials.Root, queueDepth));
        mm.StartKswapd();
        AnonRegion region = mm.CreateRegion(Threads * PagesPerThread);
        var doing = new string[Threads + 1];
        long progress = 0, operations = 0, mismatches = 0, outOfMemory = 0, swapons = 0, swapoffs = 0, swapoffRefused = 0;
        var versions = new int[Threads * PagesPerThread];
        var stop = new CancellationTokenSource(s_duration);
        Exception? failure = null;

        void Worker(int t)
        {
            var random = new Random(1000 + t);
            byte[] data = new byte[Page.Size];
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    int index = t * PagesPerThread + random.Next(PagesPerThread);
                    int op = random.Next(10);
                    Volatile.Write(ref doing[t], $"{(op < 4 ? "write" : op < 9 ? "read" : "discard")} page {index}");
                    if (op < 4)
                    {
                        Pattern.Fill(data, index, versions[index] + 1);
                        int rc = region.Write(index, data);
                        if (rc == 0)
                        {
                            versions[index]++;
                        }
                        else
                        {
                            // Direct reclaim found nothing to free in 64 rounds (the others held every frame):
                            // the write did not happen and the page keeps its old version.
                            Assert.Equal(Errnos.Neg(Errno.ENOMEM), rc);
                            Interlocked.Increment(ref outOfMemory);
                        }
                    }
                    else if (op < 9)
                    {
                        int rc = region.Read(index, data);
                        if (rc != 0)
                        {
                            Assert.Equal(Errnos.Neg(Errno.ENOMEM), rc);
                            Interlocked.Increment(ref outOfMemory);
                        }
                        else if (!Pattern.Matches(data, index, versions[index]))
                        {
                            Interlocked.Increment(ref mismatches);
                        }
                    }
                    else
                    {
                        region.Discard(index);
                        versions[index] = 0;
                    }
                    Interlocked.Increment(ref operations);
                    Interlocked.Increment(ref progress);
                }
                Volatile.Write(ref doing[t], "done");
            }
            catch (Exception e)
            {
                failure ??= e;
                stop.Cancel();
            }
        }

        void SecondArea()
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    Volatile.Write(ref doing[Threads], "swapon /swap-b");
                    Assert.Equal(0, _m.Swap.SwapOn("/swap-b", SwapCore.SwapFlagPrefer | 10, Credentials.Root));
                    Interlocked.Increment(ref swapons);
                    Thread.Sleep(30);
                    Volatile.Write(ref doing[Threads], "swapoff /swap-b");
                    int rc;
                    while ((rc = _m.Swap.SwapOff("/swap-b", Credentials.Root)) != 0)
                    {
                        // -ENOMEM: the pages could not all come home now; the area is on again: try again.
                        Assert.Equal(Errnos.Neg(Errno.ENOMEM), rc);
                        Interlocked.Increment(ref swapoffRefused);
                        Thread.Sleep(5);
                    }
                    Interlocked.Increment(ref swapoffs);
                    Interlocked.Increment(ref progress);
                }
                Volatile.Write(ref doing[Threads], "done");
            }
            catch (Exception e)
            {
                failure ??= e;
                stop.Cancel();
            }
        }

        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() => Worker(t)) { Name = $"worker-{t}", IsBackground = true })
            .Append(new Thread(SecondArea) { Name = "swapon-swapoff", IsBackground = true }).ToList();
        threads.ForEach(thread => thread.Start());
        long last = -1;
        var sinceProgress = Stopwatch.StartNew();
        while (threads.Any(thread => thread.IsAlive))
        {
            Thread.Sleep(200);
            long now = Interlocked.Read(ref progress);
            if (now != last)
            {
                last = now;
                sinceProgress.Restart();
            }
            Assert.True(sinceProgress.Elapsed < s_stall,
                $"No progress for {s_stall.TotalSeconds} s: deadlock. Threads: " + string.Join("; ", doing.Select((d, i) => $"{(i < Threads ? $"worker-{i}" : "swapon-swapoff")}: {d}")));
        }
        Assert.Null(failure);

        _output.WriteLine($"{Threads} threads, {operations} operations in {s_duration.TotalSeconds} s, {swapons} swapons and {swapoffs} swapoffs of the second area " +
            $"({swapoffRefused} refused with ENOMEM and retried), {outOfMemory} faults refused with ENOMEM, {mismatches} mismatches, " +
            $"{schedule.Injected(Fault.LateCompletion)} late completions ({schedule.Injected(Fault.FailAfterQueued)} failed); {_m.Swap.Events}");
        Assert.Equal(0, mismatches);
        Assert.True(swapons > 0 && swapoffs > 0);
        Assert.Equal(queueDepth > 1, schedule.Injected(Fault.LateCompletion) > 0);
        mm.StopKswapd();

        // swap_map counts equal the page tables' references.
        var references = new Dictionary<ulong, int>();
        for (int i = 0; i < region.Pages; i++)
        {
            SwapEntry entry = region.SwapEntryOf(i);
            if (!entry.IsNone)
            {
                references[entry.Value] = references.GetValueOrDefault(entry.Value) + 1;
            }
        }
        SwapInfo area = _m.Swap.Areas.Single();
        for (uint offset = 1; offset < area.Max; offset++)
        {
            int expected = references.GetValueOrDefault(SwapEntry.Create(area.Type, offset).Value);
            Assert.True(area.SwapCount(offset) == expected, $"slot {offset}: swap_map count {area.SwapCount(offset)}, page tables hold {expected}");
        }

        // Every page still reads back as last written.
        byte[] page = new byte[Page.Size];
        for (int i = 0; i < region.Pages; i++)
        {
            Assert.Equal(0, region.Read(i, page));
            Assert.True(Pattern.Matches(page, i, versions[i]), $"page {i} differs at the end");
        }

        // The program exits. A page still in the swap cache then (its write in flight, say) has no owner but stays
        // on the LRU: once the writes have completed, one reclaim pass frees it and its slot, and no slot is left.
        region.Dispose();
        _m.Swap.WaitForIo();
        mm.ReclaimPages(Frames);
        Assert.Equal(0u, area.InUsePages);
        Assert.Equal(0, _m.Swap.SwapOff(swapA, Credentials.Root));
        Assert.Equal(0, _m.Swap.SwapperSpace.NrPages);
        Assert.Equal(Frames, ram.FreeCount);
    }
}

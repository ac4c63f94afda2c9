using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AopsGen.Examples;
using Xunit;
using AopsGen.Mm;
using AopsGen.Vfs;

namespace AopsGen.Reliability.Tests;

/// <summary>
/// The swap core under <see cref="FaultyFs"/> wrapping RamFs: failed, short and stalled direct_IO, reads and writes,
/// a swap_activate failing half way. A page a program wrote reads back equal, or the read fails with -EIO (the
/// kernel's SIGBUS) — never stale data; every fault is repaired by retrying; swap_deactivate runs once for every
/// activation that succeeded; swapoff after faults brings everything home.
/// </summary>
public sealed class FaultInjectionTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly SwapMachine _m = new();
    private readonly Inode _swapFile;

    public FaultInjectionTests(ITestOutputHelper output)
    {
        _output = output;
        Assert.Equal(0, RamFs.CreateSwapFile(_m.Vfs, _m.Root, "/ram-swap", 1024L * Page.Size, null, out Inode? ram, out _));
        // The same bytes seen through the faulty table: the swap file the core uses.
        _swapFile = new Inode(_m.Root, 100_000, FileType.Regular, 0x180, FaultyFs.Operations)
        {
            Size = ram!.Size,
            Blocks = ram.Blocks,
            Private = RamFs.DataOf(ram),
        };
        Assert.Equal(0, _m.Vfs.Create("/swapfile", _swapFile, Credentials.Root));
    }

    public void Dispose() => _m.Dispose();

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(2, 4, 1)]
    [InlineData(3, 4, 1)]
    [InlineData(4, 4, 4)]
    [InlineData(5, 1, 8)]
    public void Under_random_io_faults_every_read_returns_the_last_write_or_an_error_and_nothing_is_lost(int seed, int threads, int queueDepth)
    {
        var schedule = new FaultSchedule(seed).Set(Fault.DirectIoError, 30).Set(Fault.ShortWrite, 30).Set(Fault.Stall, 5).Set(Fault.ShortRead, 30)
            .Set(Fault.LateCompletion, 700).Set(Fault.FailAfterQueued, 30);
        FaultyFs.Wrap(RamFs.Operations, schedule);
        using var ram = new PageFrames(64);
        using var mm = new MemoryManager(ram, _m.Swap);
        Assert.Equal(0, _m.Swap.SwapOn("/swapfile", 0, Credentials.Root, queueDepth));
        mm.StartKswapd();
        const int PagesPerThread = 128;
        using AnonRegion region = mm.CreateRegion(threads * PagesPerThread);
        long stale = 0, surfaced = 0;

        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            var random = new Random(seed * 100 + t);
            var versions = new int[PagesPerThread];
            byte[] data = new byte[Page.Size];
            for (int op = 0; op < 3000; op++)
            {
                int i = random.Next(PagesPerThread);
                int index = t * PagesPerThread + i;
                if (random.Next(3) == 0)
                {
                    Pattern.Fill(data, index, versions[i] + 1);
                    int rc = region.Write(index, data);
                    if (rc == 0)
                    {
                        versions[i]++;
                    }
                    else
                    {
                        Assert.Equal(Errnos.Neg(Errno.EIO), rc);
                        Interlocked.Increment(ref surfaced);
                    }
                }
                else
                {
                    int rc = region.Read(index, data);
                    if (rc != 0)
                    {
                        Assert.Equal(Errnos.Neg(Errno.EIO), rc);
                        Interlocked.Increment(ref surfaced);
                    }
                    else if (!Pattern.Matches(data, index, versions[i]))
                    {
                        Interlocked.Increment(ref stale);
                    }
                }
            }
            // Faults off: every page is there.
            schedule.Enabled = false;
            for (int i = 0; i < PagesPerThread; i++)
            {
                int index = t * PagesPerThread + i;
                Assert.Equal(0, region.Read(index, data));
                if (!Pattern.Matches(data, index, versions[i]))
                {
                    Interlocked.Increment(ref stale);
                }
            }
        });

        _output.WriteLine($"faults injected {schedule.InjectedTotal} (EIO {schedule.Injected(Fault.DirectIoError)}, short {schedule.Injected(Fault.ShortWrite)}, " +
            $"stall {schedule.Injected(Fault.Stall)}, short reads {schedule.Injected(Fault.ShortRead)}, late {schedule.Injected(Fault.LateCompletion)}, failed after queueing {schedule.Injected(Fault.FailAfterQueued)}); errors surfaced {surfaced}; {_m.Swap.Events}");
        Assert.Equal(0, stale);
        Assert.True(schedule.Injected(Fault.DirectIoError) + schedule.Injected(Fault.ShortWrite) > 0, "no write fault was injected");
        Assert.True(_m.Swap.Events[VmEvent.SwapWriteError] > 0);
        Assert.True(_m.Swap.Events[VmEvent.SwapReadError] > 0);
        // At depth 1 every kiocb is synchronous: nothing may be queued. Above it, completions came late.
        Assert.Equal(queueDepth > 1, schedule.Injected(Fault.LateCompletion) > 0);
        region.Dispose();
        mm.Dispose();
        Assert.Equal(0, _m.Swap.SwapOff("/swapfile", Credentials.Root));
        Assert.Equal((1, 1), (FaultyFs.Activations, FaultyFs.Deactivations));
        Assert.Equal(0, _m.Swap.SwapperSpace.NrPages);
        Assert.Equal(64, ram.FreeCount);
    }

    [Fact]
    public void Swapoff_after_faults_brings_every_page_home_retrying_when_a_read_fails()
    {
        var schedule = new FaultSchedule(7).Set(Fault.DirectIoError, 200).Set(Fault.ShortWrite, 200).Set(Fault.ShortRead, 300);
        FaultyFs.Wrap(RamFs.Operations, schedule);
        using var ram = new PageFrames(128);
        using var mm = new MemoryManager(ram, _m.Swap);
        Assert.Equal(0, _m.Swap.SwapOn("/swapfile", 0, Credentials.Root));
        using AnonRegion region = mm.CreateRegion(96);
        byte[] data = new byte[Page.Size];
        int[] all = Enumerable.Range(0, 96).ToArray();
        for (int i = 0; i < 96; i++)
        {
            Pattern.Fill(data, i, 1);
            Assert.Equal(0, region.Write(i, data));
        }
        for (int round = 0; round < 5; round++)
        {
            mm.SwapOut(region, all);
        }
        Assert.True(_m.Swap.Areas[0].InUsePages > 0);

        int attempts = 0;
        int rc;
        while ((rc = _m.Swap.SwapOff("/swapfile", Credentials.Root)) != 0)
        {
            Assert.Equal(Errnos.Neg(Errno.EIO), rc);
            Assert.Single(_m.Swap.Areas);
            Assert.True(++attempts < 100, "swapoff kept failing");
        }

        _output.WriteLine($"swapoff failed {attempts} times first; faults injected {schedule.InjectedTotal}; {_m.Swap.Events}");
        Assert.True(schedule.Injected(Fault.DirectIoError) + schedule.Injected(Fault.ShortWrite) > 0, "no write fault was injected");
        Assert.Empty(_m.Swap.Areas);
        Assert.Equal(0, _m.Swap.SwapperSpace.NrPages);
        schedule.Enabled = false;
        for (int i = 0; i < 96; i++)
        {
            Assert.True(region.IsPresent(i), $"page {i} is not in memory after swapoff");
            Assert.Equal(0, region.Read(i, data));
            Assert.True(Pattern.Matches(data, i, 1), $"page {i} differs");
        }
        Assert.Equal((1, 1), (FaultyFs.Activations, FaultyFs.Deactivations));
    }

    [Fact]
    public void A_swap_activate_failing_half_way_leaves_no_area_and_no_deactivate_to_run()
    {
        var schedule = new FaultSchedule(1).Set(Fault.ActivateHalfWay, 1000);
        FaultyFs.Wrap(RamFs.Operations, schedule);
        string before = _m.State();

        Assert.Equal(Errnos.Neg(Errno.EIO), _m.Swap.SwapOn("/swapfile", 0, Credentials.Root));

        Assert.Equal(before, _m.State());
        Assert.False(_swapFile.IsSwapFile);
        Assert.False(((RamFile)_swapFile.Private!).SwapActive);
        Assert.Equal((0, 0), (FaultyFs.Activations, FaultyFs.Deactivations));

        schedule.Set(Fault.ActivateHalfWay, 0);
        Assert.Equal(0, _m.Swap.SwapOn("/swapfile", 0, Credentials.Root));
        Assert.Equal(0, _m.Swap.SwapOff("/swapfile", Credentials.Root));
        Assert.Equal((1, 1), (FaultyFs.Activations, FaultyFs.Deactivations));
    }
}

/// <summary>A page's contents for (index, version): each 8 bytes hold both, so any stale or misplaced page shows.</summary>
internal static class Pattern
{
    public static void Fill(Span<byte> page, int index, int version)
    {
        for (int i = 0; i < page.Length; i += 8)
        {
            BitConverter.TryWriteBytes(page[i..], ((long)index << 32) | (uint)(version * 31 + i));
        }
    }

    /// <summary>Whether <paramref name="page"/> holds (index, version); version 0 is a never-written page (zeros).</summary>
    public static bool Matches(ReadOnlySpan<byte> page, int index, int version)
    {
        if (version == 0)
        {
            return page.IndexOfAnyExcept((byte)0) < 0;
        }
        for (int i = 0; i < page.Length; i += 8)
        {
            if (BitConverter.ToInt64(page[i..]) != (((long)index << 32) | (uint)(version * 31 + i)))
            {
                return false;
            }
        }
        return true;
    }
}

using System.Collections.Generic;
using AopsGen.Benchmarks.Swap;
using Xunit;
using AopsGen.Mm;
using AopsGen.Swap;

namespace AopsGen.Benchmarks.Tests;

/// <summary>
/// The swap throughput cases (<see cref="SwapRig"/>, behind <see cref="SwapThroughputBenchmarks"/> and the quick swap
/// group) do the work they claim, on every filesystem and batch: swap-out writes every page — pswpout grows by the
/// page count, with one <c>pwritev</c> per batch as the host counts them, and the file holds each page's data at its
/// slot; swap-in reads every page back as written, with one vectored read per page_cluster-aligned cluster; the raw
/// cases move the bytes they say in the calls they say; and the swap path allocates nothing in steady state.
/// No timings.
/// </summary>
public sealed class SwapBenchmarkTests
{
    private const int Pages = 256;

    public static IEnumerable<object[]> Cases()
    {
        foreach (SwapFs fs in Enum.GetValues<SwapFs>())
        {
            foreach (int batch in new[] { 1, 8, 32 })
            {
                yield return [fs, batch];
            }
        }
    }

    // RamFs makes no system calls: its I/O is counted in VmEvents only.
    private static bool HostCounts(SwapFs fs) => fs != SwapFs.RamFs && ThreadIo.Available;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Swap_out_writes_every_page_to_its_slot_one_vectored_write_per_batch(SwapFs fs, int batch)
    {
        using var rig = new SwapRig(fs, Pages);
        rig.Dirty();
        long pswpout = rig.Swap.Events[VmEvent.PswpOut];

        int freed = 0;
        ThreadIo io = ThreadIo.Delta(() => freed = rig.SwapOut(batch));

        Assert.Equal(Pages, freed);
        Assert.Equal(Pages, rig.Swap.Events[VmEvent.PswpOut] - pswpout);
        if (HostCounts(fs))
        {
            AssertCalls(Pages / batch, io.Writes);
        }
        Span<byte> stamp = stackalloc byte[16];
        for (int i = 0; i < Pages; i++)
        {
            SwapEntry entry = rig.Region.SwapEntryOf(i);
            Assert.False(entry.IsNone);
            rig.ReadSlot(entry.Offset, stamp);
            Assert.Equal(rig.Generation, BitConverter.ToInt64(stamp[..8]));
            Assert.Equal(i, BitConverter.ToInt64(stamp[8..]));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Swap_in_reads_every_page_back_with_one_fault_per_cluster_and_one_read_per_fault(SwapFs fs, int batch)
    {
        using var rig = new SwapRig(fs, Pages);
        // A first pass grows the readahead window to the whole cluster (swapin_nr_pages), as in the benchmark's steady state.
        rig.SwappedOut();
        Assert.Equal(Pages, rig.SwapIn(batch));
        rig.SwappedOut();
        var clusters = new HashSet<ulong>();
        for (int i = 0; i < Pages; i++)
        {
            clusters.Add(rig.Region.SwapEntryOf(i).Offset / (ulong)batch);
        }
        long pswpin = rig.Swap.Events[VmEvent.PswpIn];
        long majorFaults = rig.Swap.Events[VmEvent.PgMajFault];

        int good = 0;
        ThreadIo io = ThreadIo.Delta(() => good = rig.SwapIn(batch));

        Assert.Equal(Pages, good);
        Assert.Equal(Pages, rig.Swap.Events[VmEvent.PswpIn] - pswpin);
        // One fault per cluster the slots fall in (Pages / batch, plus one where the header's slot 0 shifts them), and
        // at most one more: the first fault's window may be half the last one (swapin_nr_pages never shrinks faster).
        long faults = rig.Swap.Events[VmEvent.PgMajFault] - majorFaults;
        Assert.InRange(faults, clusters.Count, clusters.Count + 1);
        Assert.InRange(clusters.Count, Pages / batch, Pages / batch + 1);
        if (HostCounts(fs))
        {
            // Each fault's window is one vectored read, on every backend (SWP_FILE: one direct_IO(KERNEL_READ)).
            AssertCalls(faults, io.Reads);
        }
    }

    [Theory]
    [InlineData(SwapFs.HostFs)]
    [InlineData(SwapFs.BlockFs)]
    [InlineData(SwapFs.RamFs)]
    public void At_depth_4_a_sequential_swap_in_faults_twice_and_submits_one_read_per_cluster(SwapFs fs)
    {
        using var rig = new SwapRig(fs, Pages, queueDepth: 4);
        rig.SwappedOut();
        Assert.Equal(Pages, rig.SwapIn(SwapPlug.MaxPages));
        rig.SwappedOut();
        var clusters = new HashSet<ulong>();
        for (int i = 0; i < Pages; i++)
        {
            clusters.Add(rig.Region.SwapEntryOf(i).Offset / SwapPlug.MaxPages);
        }
        long majorFaults = rig.Swap.Events[VmEvent.PgMajFault];

        int good = 0;
        long reads = rig.ReadSubmissions(() => good = rig.SwapIn(SwapPlug.MaxPages));

        Assert.Equal(Pages, good);
        // The first fault reads its cluster, the fault right after it (a sequential stream) the next one and queues
        // the windows ahead; those read the others (io_uring on HostFs and BlockFs, which the host's per-thread count
        // does not see: the core's submissions are counted).
        Assert.Equal(2, rig.Swap.Events[VmEvent.PgMajFault] - majorFaults);
        Assert.Equal(clusters.Count, reads);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Raw_cases_move_every_page_with_one_call_per_batch(SwapFs fs, int batch)
    {
        using var rig = new SwapRig(fs, Pages);
        rig.Release();
        long written = 0, read = 0;

        ThreadIo writes = ThreadIo.Delta(() => written = rig.RawWrite(batch));
        ThreadIo reads = ThreadIo.Delta(() => read = rig.RawRead(batch));

        Assert.Equal((long)Pages * Page.Size, written);
        Assert.Equal((long)Pages * Page.Size, read);
        if (HostCounts(fs))
        {
            AssertCalls(Pages / batch, writes.Writes);
            AssertCalls(Pages / batch, reads.Reads);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Raw_spread_reads_read_each_page_into_a_frame_of_its_own_and_give_every_frame_back(SwapFs fs, int batch)
    {
        using var rig = new SwapRig(fs, Pages);
        rig.SwappedOut();
        int free = rig.Mm.Ram.FreeCount;
        long read = 0;

        ThreadIo reads = ThreadIo.Delta(() => read = rig.RawReadSpread(batch));

        Assert.Equal((long)Pages * Page.Size, read);
        Assert.Equal(free, rig.Mm.Ram.FreeCount);
        if (HostCounts(fs))
        {
            AssertCalls(Pages / batch, reads.Reads);
        }
        // Nothing of the region was touched: every page still comes back from swap as written.
        Assert.Equal(Pages, rig.SwapIn(batch));
    }

    [Fact]
    public void A_raw_spread_read_with_the_region_in_memory_says_there_is_no_free_frame_and_gives_back_what_it_took()
    {
        using var rig = new SwapRig(SwapFs.RamFs, Pages);
        rig.Dirty();
        int free = rig.Mm.Ram.FreeCount;

        var error = Assert.Throws<InvalidOperationException>(() => rig.RawReadSpread(SwapPlug.MaxPages));

        Assert.Contains("no free frame", error.Message);
        Assert.Equal(free, rig.Mm.Ram.FreeCount);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_swap_path_allocates_nothing_per_page_in_steady_state(SwapFs fs, int batch)
    {
        using var rig = new SwapRig(fs, Pages);
        rig.Dirty();
        rig.SwapOut(batch);
        rig.SwapIn(batch);

        rig.Dirty();
        long before = GC.GetAllocatedBytesForCurrentThread();
        int freed = rig.SwapOut(batch);
        long outBytes = GC.GetAllocatedBytesForCurrentThread() - before;
        before = GC.GetAllocatedBytesForCurrentThread();
        int good = rig.SwapIn(batch);
        long inBytes = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(Pages, freed);
        Assert.Equal(Pages, good);
        Assert.Equal(0, outBytes);
        Assert.Equal(0, inBytes);
    }

    /// <summary>
    /// The thread's read or write system calls (/proc/thread-self/io) are the case's own, plus at most two the runtime
    /// may make on the same thread while it runs (a write to wake another thread, seen under load). One call per page
    /// instead of per batch would be many more.
    /// </summary>
    private static void AssertCalls(long expected, long counted) => Assert.InRange(counted, expected, expected + 2);
}

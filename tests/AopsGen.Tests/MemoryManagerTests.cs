using System.Diagnostics;
using System.Linq;
using System.Threading;
using Xunit;
using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Tests;

/// <summary>The memory manager's reclaim: direct reclaim in faults, the active/inactive LRU choosing cold
/// pages, kswapd keeping the watermarks, byte-range access across pages.</summary>
[Collection("SwapCore")]
public sealed class MemoryManagerTests : IDisposable
{
    private readonly SwapMachine _m = new(frames: 64, swapPages: 600);

    public MemoryManagerTests() => Assert.Equal(0, _m.SwapOn());

    public void Dispose()
    {
        _m.Mm.Dispose();
        _m.Dispose();
    }

    [Fact]
    public void A_program_using_four_times_its_frames_is_served_by_direct_reclaim_and_reads_back_every_byte()
    {
        using AnonRegion region = _m.Mm.CreateRegion(256);
        byte[] data = new byte[Page.Size];
        for (int i = 0; i < 256; i++)
        {
            SwapMachine.Fill(data, 21, i);
            Assert.Equal(0, region.Write(i, data));
        }
        for (int i = 0; i < 256; i++)
        {
            Assert.Equal(0, region.Read(i, data));
            Assert.True(SwapMachine.Verify(data, 21, i), $"page {i} differs");
        }

        Assert.True(_m.Swap.Events[VmEvent.PgStealDirect] >= 256 - 64);
        Assert.True(_m.Swap.Events[VmEvent.PgMajFault] > 0);
    }

    [Fact]
    public void Reclaim_takes_pages_not_used_since_they_went_inactive_and_keeps_the_ones_used_again()
    {
        using AnonRegion region = _m.Mm.CreateRegion(48);
        byte[] data = new byte[Page.Size];
        for (int i = 0; i < 48; i++)
        {
            Assert.Equal(0, region.Write(i, data));
        }
        Assert.Equal(48, _m.Mm.Lru.Deactivate(48));
        for (int i = 0; i < 16; i++)
        {
            Assert.Equal(0, region.Read(i, data));
        }

        Assert.Equal(16, _m.Mm.ReclaimPages(16));

        Assert.All(Enumerable.Range(0, 16), i => Assert.True(region.IsPresent(i), $"used page {i} was reclaimed"));
        Assert.All(Enumerable.Range(16, 16), i => Assert.False(region.IsPresent(i), $"cold page {i} was kept"));
        Assert.Equal(16, _m.Mm.Lru.NrActive);
    }

    [Fact]
    public void A_filesystem_allocating_from_inside_reclaim_gets_no_frame_instead_of_reclaiming_again()
    {
        // No reserve below the min watermark (MemoryReserveTests has it): reclaim's writes run with no frame free.
        _m.Mm.MinWatermark = 0;
        using AnonRegion region = _m.Mm.CreateRegion(128);
        byte[] data = new byte[Page.Size];
        int writesInReclaim = 0;
        int nestedAllocations = 0;
        _m.FileData.OnWrite = () =>
        {
            writesInReclaim += MemoryManager.InReclaim ? 1 : 0;
            if (_m.Ram.FreeCount == 0 && _m.Mm.AllocPage(zeroed: false) is null)
            {
                nestedAllocations++;
            }
        };
        for (int i = 0; i < 128; i++)
        {
            SwapMachine.Fill(data, 5, i);
            Assert.Equal(0, region.Write(i, data));
        }
        _m.FileData.OnWrite = null;

        Assert.True(nestedAllocations > 0, "no write ran with every frame in use");
        Assert.Equal(_m.FileData.DirectIoWrites, writesInReclaim);
        Assert.False(MemoryManager.InReclaim);
        for (int i = 0; i < 128; i++)
        {
            Assert.Equal(0, region.Read(i, data));
            Assert.True(SwapMachine.Verify(data, 5, i), $"page {i} differs");
        }
    }

    [Fact]
    public void Kswapd_woken_below_the_low_watermark_frees_frames_up_to_the_high_one_and_allocates_nothing_doing_it()
    {
        using AnonRegion region = _m.Mm.CreateRegion(512);
        byte[] data = new byte[16];
        int next = 0;
        // The test filesystem's own record of each write grows a list on the writing thread (kswapd): off, so only
        // the reclaim path's allocations count.
        _m.FileData.RecordBatches = false;
        _m.Mm.StartKswapd();

        // Rounds of use and reclaim: the first warms the thread up (its first wait, first swap slot cluster). A round
        // writes pages, cycling through the region (a page swapped out comes back by a fault), until the free frames
        // fall below the low watermark. On a loaded machine kswapd may keep pace with the writes for a while, so the
        // rounds go on until the later ones have swapped out enough pages to show an allocation per page.
        long afterFirst = 0, swappedAfterFirst = 0, swapped = 0;
        for (int round = 0; round < 4 || (swapped < 64 && round < 64); round++)
        {
            for (int written = 0; _m.Ram.FreeCount >= _m.Mm.LowWatermark && written < region.Pages; written++)
            {
                Assert.Equal(0, region.Write(next++ % region.Pages, data));
            }
            _m.Mm.WakeKswapd();
            var clock = Stopwatch.StartNew();
            while (_m.Ram.FreeCount < _m.Mm.HighWatermark && clock.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(5);
            }
            Assert.True(_m.Ram.FreeCount >= _m.Mm.HighWatermark, $"{_m.Ram.FreeCount} free, high watermark {_m.Mm.HighWatermark}");
            if (round == 0)
            {
                afterFirst = _m.Mm.KswapdAllocatedBytes;
                swappedAfterFirst = _m.Swap.Events[VmEvent.PswpOut];
            }
            swapped = _m.Swap.Events[VmEvent.PswpOut] - swappedAfterFirst;
        }

        // Filling stops above zero free frames, so no fault reclaimed directly: kswapd did all of it.
        Assert.Equal(0, _m.Swap.Events[VmEvent.PgStealDirect]);
        Assert.True(_m.Swap.Events[VmEvent.KswapdRounds] > 0);
        // After the first round, nothing per page: an object per swapped page would be at least 24 bytes each. What the
        // runtime may allocate once on the thread (a lock's wait event on its first contention, which a loaded machine
        // makes likely in any round) stays below a few hundred bytes in all.
        Assert.True(swapped >= 64, $"only {swapped} pages swapped out after the first round");
        Assert.InRange(_m.Mm.KswapdAllocatedBytes - afterFirst, 0, 1024);
    }

    [Fact]
    public void Discarding_a_page_frees_its_frame_or_its_slot_and_the_next_read_sees_zeros()
    {
        using AnonRegion region = _m.Mm.CreateRegion(4);
        byte[] data = new byte[Page.Size];
        data.AsSpan().Fill(0xA5);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(0, region.Write(i, data));
        }
        _m.Mm.SwapOut(region, new[] { 2, 3 });
        int free = _m.Ram.FreeCount;
        uint inUse = _m.Swap.Areas[0].InUsePages;

        region.Discard(0);
        region.Discard(2);

        Assert.Equal(free + 1, _m.Ram.FreeCount);
        Assert.Equal(inUse - 1, _m.Swap.Areas[0].InUsePages);
        Assert.False(region.IsPresent(0));
        Assert.True(region.SwapEntryOf(2).IsNone);
        Assert.Equal(0, region.Read(0, data));
        Assert.True(data.AsSpan().IndexOfAnyExcept((byte)0) < 0);
        Assert.Equal(0, region.Read(2, data));
        Assert.True(data.AsSpan().IndexOfAnyExcept((byte)0) < 0);
        Assert.Equal(0, region.Read(3, data));
        Assert.Equal(0xA5, data[100]);
    }

    [Fact]
    public void Faults_reading_ahead_with_every_frame_dirty_reclaim_for_their_page_and_succeed()
    {
        // Fewer frames than a plug holds, so reclaim's writes never fill a plug and submit it by themselves: the
        // faulting page's frame must be reclaimed outside the readahead plug.
        using var small = new SwapMachine(frames: 16, swapPages: 64);
        Assert.Equal(0, small.SwapOn());
        using AnonRegion region = small.Mm.CreateRegion(32);
        byte[] data = new byte[Page.Size];
        for (int i = 0; i < 32; i++)
        {
            SwapMachine.Fill(data, 2, i);
            Assert.Equal(0, region.Write(i, data));
        }

        for (int i = 0; i < 32; i++)
        {
            Assert.Equal(0, region.Read(i, data));
            Assert.True(SwapMachine.Verify(data, 2, i), $"page {i} differs");
        }
        Assert.True(small.Swap.Events[VmEvent.SwapReadahead] > 0, "no fault read ahead");
    }

    [Fact]
    public void Byte_ranges_across_page_boundaries_are_written_and_read_whole()
    {
        using AnonRegion region = _m.Mm.CreateRegion(4);
        byte[] data = Enumerable.Range(0, 10_000).Select(i => (byte)(i * 31)).ToArray();

        Assert.Equal(0, region.WriteBytes(3_000, data));
        _m.Mm.SwapOut(region, new[] { 0, 1, 2, 3 });
        byte[] back = new byte[10_000];
        Assert.Equal(0, region.ReadBytes(3_000, back));

        Assert.Equal(data, back);
        Assert.Throws<ArgumentOutOfRangeException>(() => region.ReadBytes(4 * Page.Size - 10, new byte[11]));
    }

    [Fact]
    public void With_swap_full_and_no_frame_free_a_fault_is_ENOMEM_and_loses_nothing()
    {
        using var small = new SwapMachine(frames: 16, swapPages: 20);
        Assert.Equal(0, small.SwapOn());
        small.Mm.DirectReclaimRetries = 4;
        using AnonRegion region = small.Mm.CreateRegion(64);
        byte[] data = new byte[Page.Size];
        int written = 0;
        int error = 0;
        while (written < 64 && (error = region.Write(written, Fill(data, written))) == 0)
        {
            written++;
        }

        Assert.Equal(Errnos.Neg(Errno.ENOMEM), error);
        Assert.True(written >= 16 + 19 - 2, $"only {written} pages fit");
        // Every page written is in a frame or in its swap slot, intact (reading a swapped one would need a frame).
        for (int i = 0; i < written; i++)
        {
            SwapEntry entry = region.SwapEntryOf(i);
            if (entry.IsNone)
            {
                Assert.Equal(0, region.Read(i, data));
                Assert.True(SwapMachine.Verify(data, 9, i), $"page {i} in memory differs");
            }
            else
            {
                Assert.True(SwapMachine.Verify(small.FileData.PageBytes((long)entry.Offset), 9, i), $"page {i} in swap differs");
            }
        }
        Assert.False(region.IsPresent(written));
    }

    [Fact]
    public void Disposing_the_memory_manager_exits_its_regions_so_a_later_swapoff_needs_no_frame_and_another_can_attach()
    {
        using var machine = new SwapMachine(frames: 32, swapPages: 200);
        Assert.Equal(0, machine.SwapOn());
        AnonRegion region = machine.Mm.CreateRegion(128);
        byte[] data = new byte[Page.Size];
        for (int i = 0; i < 128; i++)
        {
            Assert.Equal(0, region.Write(i, Fill(data, i)));
        }
        Assert.True(machine.Area.InUsePages >= 128 - 32, $"only {machine.Area.InUsePages} pages swapped");

        machine.Mm.Dispose();
        machine.Ram.Dispose();

        // exit_mmap freed every slot: swapoff has nothing to fault in (it would need the RAM just disposed).
        Assert.Equal(0u, machine.Area.InUsePages);
        Assert.Throws<ObjectDisposedException>(() => region.Read(0, data));
        Assert.Equal(0, machine.Swap.SwapOff("/swapfile", Credentials.Root));
        using var ram = new PageFrames(8);
        using var next = new MemoryManager(ram, machine.Swap);
        Assert.Same(machine.Swap, next.Swap);
    }

    private static byte[] Fill(byte[] data, int index)
    {
        SwapMachine.Fill(data, 9, index);
        return data;
    }
}

using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Xunit;
using AopsGen.Swap;

namespace AopsGen.Tests;

public sealed class SwapSlotsTests
{
    private static SwapInfo Area(uint maxPages, params uint[] badPages)
    {
        var area = new SwapInfo(type: 1) { Flags = SwapFlags.Used | SwapFlags.WriteOk };
        Assert.Equal((int)(maxPages - 1 - (uint)badPages.Distinct().Count()), area.InitializeMap(maxPages, badPages));
        return area;
    }

    [Fact]
    public void Header_slot_and_bad_pages_are_marked_bad_and_not_counted_as_good()
    {
        SwapInfo area = Area(10, 3, 7, 7);

        Assert.Equal(SwapMap.Bad, area.SwapMapBytes[0]);
        Assert.Equal(SwapMap.Bad, area.SwapMapBytes[3]);
        Assert.Equal(SwapMap.Bad, area.SwapMapBytes[7]);
        Assert.Equal(7u, area.Pages);
        Assert.Equal(10u, area.Max);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(10u)]
    public void Bad_page_index_zero_or_past_the_area_is_EINVAL(uint badPage)
    {
        var area = new SwapInfo(1);
        Assert.Equal(-22, area.InitializeMap(10, new[] { badPage }));
    }

    [Fact]
    public void Area_with_no_good_page_is_EINVAL()
    {
        Assert.Equal(-22, new SwapInfo(1).InitializeMap(3, new uint[] { 1, 2 }));
    }

    [Fact]
    public void Area_not_writable_hands_out_no_slot()
    {
        SwapInfo area = Area(100);
        area.Flags &= ~SwapFlags.WriteOk;
        Assert.Equal(0u, area.ScanSwapMap(SwapMap.HasCache));
    }

    [Fact]
    public void Slots_come_out_consecutively_from_slot_1_with_the_usage_written_in_the_map()
    {
        SwapInfo area = Area(1000);

        uint[] offsets = Enumerable.Range(0, 40).Select(_ => area.ScanSwapMap(SwapMap.HasCache)).ToArray();

        Assert.Equal(Enumerable.Range(1, 40).Select(i => (uint)i), offsets);
        Assert.All(offsets, o => Assert.Equal(SwapMap.HasCache, area.SwapMapBytes[(int)o]));
        Assert.Equal(40u, area.InUsePages);
    }

    [Fact]
    public void Filling_the_area_gives_every_good_slot_once_then_0_and_a_freed_slot_is_given_again()
    {
        SwapInfo area = Area(600, 5, 300);
        var seen = new HashSet<uint>();
        for (uint offset; (offset = area.ScanSwapMap(1)) != 0;)
        {
            Assert.True(seen.Add(offset), $"slot {offset} handed out twice");
            Assert.Equal(1, area.SwapMapBytes[(int)offset]);
        }

        Assert.Equal((int)area.Pages, seen.Count);
        Assert.DoesNotContain(0u, seen);
        Assert.DoesNotContain(5u, seen);
        Assert.DoesNotContain(300u, seen);
        Assert.Equal(0u, area.HighestBit);

        Assert.Equal(SwapMap.Free, area.SwapEntryFree(123, 1));
        Assert.Equal(123u, area.ScanSwapMap(1));
        Assert.Equal(0u, area.ScanSwapMap(1));
    }

    [Fact]
    public void Swapcache_prepare_sets_the_cache_bit_once_then_EEXIST()
    {
        SwapInfo area = Area(100);
        uint offset = area.ScanSwapMap(1);

        Assert.Equal(0, area.SwapDuplicate(offset, SwapMap.HasCache));
        Assert.Equal(-17, area.SwapDuplicate(offset, SwapMap.HasCache));
        Assert.Equal(SwapMap.HasCache | 1, area.SwapMapBytes[(int)offset]);
    }

    [Fact]
    public void Duplicate_of_a_free_slot_is_ENOENT_of_a_bad_or_outside_slot_EINVAL()
    {
        SwapInfo area = Area(100, 9);

        Assert.Equal(-2, area.SwapDuplicate(50, 1));
        Assert.Equal(-2, area.SwapDuplicate(50, SwapMap.HasCache));
        Assert.Equal(-22, area.SwapDuplicate(9, 1));
        Assert.Equal(-22, area.SwapDuplicate(0, 1));
        Assert.Equal(-22, area.SwapDuplicate(100, 1));
    }

    [Fact]
    public void Duplicate_counts_up_to_SWAP_MAP_MAX_then_ENOMEM_without_continuation_pages()
    {
        SwapInfo area = Area(100);
        uint offset = area.ScanSwapMap(1);
        for (int count = 2; count <= SwapMap.MapMax; count++)
        {
            Assert.Equal(0, area.SwapDuplicate(offset, 1));
        }

        Assert.Equal(SwapMap.MapMax, area.SwapMapBytes[(int)offset]);
        Assert.Equal(-12, area.SwapDuplicate(offset, 1));
    }

    [Fact]
    public void Swap_free_drops_count_and_cache_bit_separately_and_the_slot_is_free_only_when_both_are_gone()
    {
        SwapInfo area = Area(100);
        uint offset = area.ScanSwapMap(SwapMap.HasCache);
        Assert.Equal(0, area.SwapDuplicate(offset, 1));

        Assert.Equal(1, area.SwapEntryFree(offset, SwapMap.HasCache));
        Assert.Equal(1u, area.InUsePages);
        Assert.Equal(SwapMap.Free, area.SwapEntryFree(offset, 1));
        Assert.Equal(0u, area.InUsePages);
    }

    [Fact]
    public void Freeing_a_free_slot_or_a_cache_bit_that_is_not_set_is_a_caller_bug()
    {
        SwapInfo area = Area(100);
        Assert.Throws<InvalidOperationException>(() => area.SwapEntryFree(10, 1));
        uint offset = area.ScanSwapMap(1);
        Assert.Throws<InvalidOperationException>(() => area.SwapEntryFree(offset, SwapMap.HasCache));
        Assert.Throws<ArgumentOutOfRangeException>(() => area.SwapEntryFree(0, 1));
    }

    [Fact]
    public async Task Threads_allocating_at_once_never_get_the_same_slot()
    {
        SwapInfo area = Area(5000);
        var offsets = new ConcurrentBag<uint>();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (uint offset; (offset = area.ScanSwapMap(SwapMap.HasCache)) != 0;)
            {
                offsets.Add(offset);
            }
        })));

        Assert.Equal((int)area.Pages, offsets.Count);
        Assert.Equal(offsets.Count, offsets.Distinct().Count());
    }

    [Fact]
    public void Allocating_and_freeing_slots_allocates_no_managed_memory()
    {
        SwapInfo area = Area(4096);
        uint[] taken = new uint[512];
        Cycle(area, taken);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            Cycle(area, taken);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        static void Cycle(SwapInfo area, uint[] taken)
        {
            for (int i = 0; i < taken.Length; i++)
            {
                taken[i] = area.ScanSwapMap(SwapMap.HasCache);
            }
            foreach (uint offset in taken)
            {
                area.SwapEntryFree(offset, SwapMap.HasCache);
            }
        }
    }
}

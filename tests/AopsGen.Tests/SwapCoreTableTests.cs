using System.Linq;
using Xunit;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Tests;

/// <summary>mm/swapfile.c's swap table: entries, priorities, get_swap_page across areas, and the counters.</summary>
public sealed class SwapCoreTableTests
{
    private static SwapCore NewCore() => new(new MountNamespace(new Inode(new SuperBlock("rootfs", 4096), 1, FileType.Directory, 0x1ED, TestFs.Empty)));

    private static SwapInfo Enable(SwapCore core, uint maxPages, int priority)
    {
        Assert.Equal(0, core.AllocSwapInfo(out SwapInfo? area));
        Assert.True(area!.InitializeMap(maxPages, ReadOnlySpan<uint>.Empty) > 0);
        core.EnableSwapInfo(area, priority);
        return area;
    }

    [Fact]
    public void Swap_table_hands_out_types_in_order_and_refuses_past_MAX_SWAPFILES_with_EPERM()
    {
        var core = NewCore();
        for (int type = 0; type < SwapCore.MaxSwapFiles; type++)
        {
            Assert.Equal(0, core.AllocSwapInfo(out SwapInfo? area));
            Assert.Equal(type, area!.Type);
        }

        Assert.Equal(Errnos.Neg(Errno.EPERM), core.AllocSwapInfo(out SwapInfo? none));
        Assert.Null(none);
    }

    [Fact]
    public void A_freed_swap_table_entry_is_reused_first()
    {
        var core = NewCore();
        core.AllocSwapInfo(out SwapInfo? first);
        core.AllocSwapInfo(out _);
        core.FreeSwapInfo(first!);

        Assert.Equal(0, core.AllocSwapInfo(out SwapInfo? again));
        Assert.Equal(0, again!.Type);
    }

    [Fact]
    public void Areas_are_listed_by_descending_priority_and_automatic_priorities_count_down_from_minus_1()
    {
        var core = NewCore();
        SwapInfo auto1 = Enable(core, 100, -1);
        SwapInfo ten = Enable(core, 100, 10);
        SwapInfo auto2 = Enable(core, 100, -1);
        SwapInfo five = Enable(core, 100, 5);

        Assert.Equal(-1, auto1.Priority);
        Assert.Equal(-2, auto2.Priority);
        Assert.Equal(new[] { ten, five, auto1, auto2 }, core.Areas);
        Assert.Equal(4 * 99, core.TotalSwapPages);
        Assert.Equal(4 * 99, core.NrSwapPages);
    }

    [Fact]
    public void Get_swap_page_takes_slots_from_the_highest_priority_area_first()
    {
        var core = NewCore();
        SwapInfo low = Enable(core, 100, 1);
        SwapInfo high = Enable(core, 20, 7);

        SwapEntry[] entries = Enumerable.Range(0, 25).Select(_ => core.GetSwapPage()).ToArray();

        Assert.All(entries.Take(19), e => Assert.Equal(high.Type, e.Type));
        Assert.All(entries.Skip(19), e => Assert.Equal(low.Type, e.Type));
        Assert.All(entries, e => Assert.Equal(SwapMap.HasCache, (core.AreaOf(e)!.SwapMapBytes[(int)e.Offset])));
        Assert.Equal(99 + 19 - 25, core.NrSwapPages);
    }

    [Fact]
    public void Areas_of_equal_priority_take_turns()
    {
        var core = NewCore();
        SwapInfo a = Enable(core, 100, 3);
        SwapInfo b = Enable(core, 100, 3);

        int[] types = Enumerable.Range(0, 6).Select(_ => core.GetSwapPage().Type).ToArray();

        Assert.Equal(3, types.Count(t => t == a.Type));
        Assert.Equal(3, types.Count(t => t == b.Type));
        Assert.All(types.Zip(types.Skip(1)), pair => Assert.NotEqual(pair.First, pair.Second));
    }

    [Fact]
    public void Get_swap_page_returns_no_entry_when_every_area_is_full_and_a_freed_slot_comes_back()
    {
        var core = NewCore();
        Enable(core, 4, 0);
        SwapEntry[] all = { core.GetSwapPage(), core.GetSwapPage(), core.GetSwapPage() };

        Assert.True(core.GetSwapPage().IsNone);
        Assert.Equal(0, core.NrSwapPages);

        core.SwapcacheFree(all[1]);
        Assert.Equal(1, core.NrSwapPages);
        Assert.Equal(all[1], core.GetSwapPage());
    }

    [Fact]
    public void Swapoff_of_an_automatic_priority_area_moves_later_automatic_areas_up()
    {
        var core = NewCore();
        SwapInfo a = Enable(core, 10, -1);
        SwapInfo b = Enable(core, 10, -1);
        SwapInfo c = Enable(core, 10, -1);

        core.DisableSwapInfo(a);

        Assert.Equal(new[] { b, c }, core.Areas);
        Assert.Equal(-1, b.Priority);
        Assert.Equal(-2, c.Priority);
        Assert.Equal(SwapFlags.None, a.Flags & SwapFlags.WriteOk);
        Assert.Equal(-3, Enable(core, 10, -1).Priority);
        Assert.Equal(3 * 9, core.TotalSwapPages);
    }

    [Fact]
    public void Slot_references_route_to_the_entrys_area_with_the_kernels_return_codes()
    {
        var core = NewCore();
        Enable(core, 10, 0);
        SwapEntry entry = core.GetSwapPage();

        Assert.Equal(Errnos.Neg(Errno.EEXIST), core.SwapcachePrepare(entry));
        Assert.Equal(0, core.SwapDuplicate(entry));
        core.SwapcacheFree(entry);
        Assert.Equal(0, core.SwapcachePrepare(entry));
        core.SwapcacheFree(entry);
        core.SwapFree(entry);
        Assert.Equal(Errnos.Neg(Errno.ENOENT), core.SwapDuplicate(entry));
        Assert.Equal(Errnos.Neg(Errno.EINVAL), core.SwapDuplicate(SwapEntry.Create(5, 1)));
        Assert.Equal(Errnos.Neg(Errno.EINVAL), core.SwapDuplicate(SwapEntry.Create(0, 10)));
        Assert.Throws<ArgumentException>(() => core.SwapFree(SwapEntry.Create(7, 1)));
    }
}

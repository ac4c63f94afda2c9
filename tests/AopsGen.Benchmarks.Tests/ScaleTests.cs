using AopsGen.Benchmarks.Scale;
using Xunit;

namespace AopsGen.Benchmarks.Tests;

/// <summary>The scale group's figures are allocation counts, so they are pinned here: swapon of a 1 Mi-slot (4 GiB)
/// area allocates its swap_map and a constant, swapoff gives it back, and the swap cache adds nothing per page in the
/// steady state.</summary>
[Collection("Scale")]
public class ScaleTests
{
    [Theory]
    [InlineData(ScaleAreaKind.SwapFile)]
    [InlineData(ScaleAreaKind.Extents)]
    public void Swapon_of_a_1Mi_slot_area_allocates_at_most_1_1_bytes_per_slot_and_swapoff_returns_it(ScaleAreaKind kind)
    {
        using var area = new ScaleArea(kind);
        SwapOnCost cost = SwapScale.MeasureSwapOn(area);

        Assert.Equal(ScaleArea.MiSlots, cost.Slots);
        Assert.Equal(1.0, cost.SwapMapBytesPerSlot);
        Assert.True(cost.AllocatedBytesPerSlot >= 1.0, $"{cost.AllocatedBytes} bytes: the swap_map at least");
        Assert.True(cost.AllocatedBytesPerSlot <= 1.1, $"{cost.AllocatedBytesPerSlot:F4} bytes per slot");
        Assert.True(cost.RetainedBytesPerSlot >= 0.9, $"live while on: {cost.RetainedBytes} bytes");
        // swapoff frees the swap_map: what is left is the log's lines and the area's small objects, not per slot.
        Assert.True(cost.RetainedAfterSwapOff < 64 * 1024, $"{cost.RetainedAfterSwapOff} bytes still live after swapoff");
    }

    [Fact]
    public void The_swap_cache_adds_nothing_per_page_in_the_steady_state()
    {
        SwapCacheCost cost = SwapScale.MeasureSwapCache(frames: 256, rounds: 4);

        Assert.Equal(0, cost.SteadyAllocatedBytes);
        Assert.Equal(1024, cost.PagesAdded);
        Assert.True(cost.PreloadBytes > 0, "the preload sizes the tree for every frame");
    }

    [Fact]
    public void Page_frames_cost_one_native_page_each_and_a_constant_managed_overhead()
    {
        FrameCost cost = SwapScale.MeasureFrames(frames: 1024);

        Assert.Equal(Page.Size, cost.NativeBytesPerFrame);
        Assert.InRange(cost.ManagedBytesPerFrame, 1, 256);
    }
}

/// <summary>GC.GetTotalMemory counts the whole process: the scale tests run alone.</summary>
[CollectionDefinition("Scale", DisableParallelization = true)]
public sealed class ScaleCollection
{
}

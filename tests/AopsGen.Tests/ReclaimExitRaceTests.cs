using Xunit;
using AopsGen.Mm;

namespace AopsGen.Tests;

/// <summary>A page reclaim holds (isolated, off the LRU) while its region exits: zap cannot take it off the list, so
/// reclaim's putback must drop the list's reference and free the frame rather than leave an orphan on the LRU
/// (found by the end-to-end benchmark: HostFs demo runs ending with 11–13 frames not freed).</summary>
[Collection("SwapCore")]
public sealed class ReclaimExitRaceTests
{
    [Fact]
    public void A_page_isolated_by_reclaim_when_its_region_exits_is_freed_at_putback()
    {
        using var m = new SwapMachine(frames: 16, swapPages: 64);
        AnonRegion region = m.Mm.CreateRegion(4);
        Assert.Equal(0, region.Write(0, new byte[Page.Size]));
        Page page = region.GetPresent(0)!;
        page.Put();
        Assert.True(m.Mm.Lru.Isolate(page));

        region.Dispose();
        Assert.Equal(1, page.Count);

        Assert.False(m.Mm.Lru.PutbackOrRelease(page, active: false));
        Assert.Equal(16, m.Ram.FreeCount);
        Assert.Equal((0, 0), (m.Mm.Lru.NrActive, m.Mm.Lru.NrInactive));
    }

    [Fact]
    public void A_mapped_page_goes_back_on_its_list()
    {
        using var m = new SwapMachine(frames: 16, swapPages: 64);
        using AnonRegion region = m.Mm.CreateRegion(4);
        Assert.Equal(0, region.Write(0, new byte[Page.Size]));
        Page page = region.GetPresent(0)!;
        page.Put();
        Assert.True(m.Mm.Lru.Isolate(page));

        Assert.True(m.Mm.Lru.PutbackOrRelease(page, active: false));
        Assert.True(page.Test(PageFlags.Lru));
        Assert.Equal(2, page.Count);
    }
}

using Xunit;
using AopsGen.Mm;

namespace AopsGen.Tests;

/// <summary>The LRU lists: PG_lru says "on a list" and the list holds one reference, through every move.</summary>
public sealed class LruTests
{
    private readonly PageFrames _ram = new(8);
    private readonly Lru _lru = new();

    [Fact]
    public void A_page_moved_to_the_inactive_list_stays_on_the_lru_and_can_be_isolated_and_dropped()
    {
        Page page = _ram.Alloc()!;
        _lru.Add(page, active: true);
        Assert.Equal(2, page.Count);

        Assert.Equal(1, _lru.Deactivate(8));

        Assert.True(page.Test(PageFlags.Lru));
        Assert.False(page.Test(PageFlags.Active));
        Assert.Equal((0, 1), (_lru.NrActive, _lru.NrInactive));
        Assert.True(_lru.Isolate(page));
        Assert.False(page.Test(PageFlags.Lru));
        Assert.Equal((0, 0), (_lru.NrActive, _lru.NrInactive));
        page.Put();
        page.Release();
        Assert.Equal(8, _ram.FreeCount);
    }

    [Fact]
    public void Reclaim_takes_the_coldest_inactive_pages_first_and_putback_returns_them_to_the_head()
    {
        Page first = _ram.Alloc()!;
        Page second = _ram.Alloc()!;
        _lru.Add(first, active: false);
        _lru.Add(second, active: false);

        var isolated = new Page?[1];
        Assert.Equal(1, _lru.IsolateInactive(isolated));
        Assert.Same(first, isolated[0]);
        _lru.Putback(first, active: false);
        Assert.Equal(1, _lru.IsolateInactive(isolated));

        Assert.Same(second, isolated[0]);
        Assert.True(first.Test(PageFlags.Lru));
        Assert.False(second.Test(PageFlags.Lru));
    }

    [Fact]
    public void Adding_a_page_already_on_a_list_is_a_bug_and_takes_no_reference()
    {
        Page page = _ram.Alloc()!;
        _lru.Add(page, active: true);
        _lru.Deactivate(1);

        Assert.Throws<InvalidOperationException>(() => _lru.Add(page, active: false));
        Assert.Throws<InvalidOperationException>(() => _lru.Putback(page, active: true));
        Assert.Equal(2, page.Count);
        Assert.Equal(1, _lru.NrInactive);
    }
}

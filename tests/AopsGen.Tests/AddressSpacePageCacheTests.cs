using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;
using AopsGen.Mm;

namespace AopsGen.Tests;

public sealed class AddressSpacePageCacheTests : IDisposable
{
    private readonly PageFrames _frames = new(16);
    private readonly AddressSpace _mapping = new(null, TestFs.Empty);

    public void Dispose() => _frames.Dispose();

    private Page NewPage() => _frames.Alloc()!;

    [Fact]
    public void An_address_space_needs_a_table()
    {
        Assert.Throws<ArgumentNullException>(() => new AddressSpace(null, null!));
    }

    [Fact]
    public void An_address_space_keeps_its_host_and_table()
    {
        AddressSpaceOperations aops = TestFs.NewTable("host_aops");
        Inode inode = TestFs.NewInode(aops, number: 7);
        Assert.Same(inode, inode.Mapping.Host);
        Assert.Same(aops, inode.Mapping.Aops);
        Assert.Null(_mapping.Host);
        Assert.Same(TestFs.Empty, _mapping.Aops);
    }

    [Fact]
    public void The_swap_cache_mapping_prints_as_swapper_space()
    {
        Assert.Equal("swapper_space", AddressSpace.ForSwapCache(TestFs.Empty).ToString());
        Assert.Equal("anonymous mapping", _mapping.ToString());
        Inode inode = TestFs.NewInode(TestFs.Empty, number: 12);
        Assert.Equal("mapping of inode 12 on testfs (Regular, 0 bytes)", inode.Mapping.ToString());
    }

    [Fact]
    public void AddPage_inserts_the_page_takes_a_reference_and_sets_mapping_and_index()
    {
        Page page = NewPage();
        Assert.Equal(0, _mapping.AddPage(page, 5));
        Assert.Equal(2, page.Count);
        Assert.Same(_mapping, page.Mapping);
        Assert.Equal(5UL, page.Index);
        Assert.Equal(1, _mapping.NrPages);
    }

    [Fact]
    public void AddPage_of_an_occupied_index_gives_EEXIST_and_leaves_both_pages_alone()
    {
        Page first = NewPage();
        Page second = NewPage();
        second.Index = 77;
        Assert.Equal(0, _mapping.AddPage(first, 3));

        Assert.Equal(-17, _mapping.AddPage(second, 3));
        Assert.Equal(Errnos.Neg(Errno.EEXIST), _mapping.AddPage(second, 3));
        Assert.Equal(1, second.Count);
        Assert.Null(second.Mapping);
        Assert.Equal(77UL, second.Index);
        Assert.Equal(2, first.Count);
        Assert.Equal(1, _mapping.NrPages);

        Page? found = _mapping.FindGetPage(3);
        Assert.Same(first, found);
    }

    [Fact]
    public void AddPage_of_null_throws()
    {
        Assert.Throws<ArgumentNullException>(() => _mapping.AddPage(null!, 0));
    }

    [Fact]
    public void FindGetPage_returns_the_cached_page_with_a_reference_taken()
    {
        Page page = NewPage();
        _mapping.AddPage(page, 8);
        Page? found = _mapping.FindGetPage(8);
        Assert.Same(page, found);
        Assert.Equal(3, page.Count);
        Assert.Null(_mapping.FindGetPage(9));
        Assert.Equal(3, page.Count);
    }

    [Fact]
    public void DeletePage_removes_the_page_drops_the_caches_reference_and_clears_its_mapping()
    {
        Page page = NewPage();
        _mapping.AddPage(page, 4);
        Assert.True(_mapping.DeletePage(page));
        Assert.Equal(1, page.Count);
        Assert.Null(page.Mapping);
        Assert.Null(_mapping.FindGetPage(4));
        Assert.Equal(0, _mapping.NrPages);
    }

    [Fact]
    public void DeletePage_of_a_page_not_cached_returns_false_and_changes_nothing()
    {
        Page cached = NewPage();
        Page stranger = NewPage();
        _mapping.AddPage(cached, 4);
        stranger.Index = 4; // same index, another page
        Assert.False(_mapping.DeletePage(stranger));
        Assert.Equal(1, stranger.Count);
        Assert.Equal(2, cached.Count);
        Assert.Equal(1, _mapping.NrPages);

        Assert.True(_mapping.DeletePage(cached));
        Assert.False(_mapping.DeletePage(cached));
        Assert.Equal(1, cached.Count);
    }

    [Fact]
    public void ReplacePage_puts_the_new_page_in_the_old_ones_place_and_moves_the_reference()
    {
        Page old = NewPage();
        Page replacement = NewPage();
        _mapping.AddPage(old, 6);

        Assert.True(_mapping.ReplacePage(old, replacement));
        Assert.Equal(1, old.Count);
        Assert.Null(old.Mapping);
        Assert.Equal(2, replacement.Count);
        Assert.Same(_mapping, replacement.Mapping);
        Assert.Equal(6UL, replacement.Index);
        Assert.Equal(1, _mapping.NrPages);
        Assert.Same(replacement, _mapping.FindGetPage(6));
    }

    [Fact]
    public void ReplacePage_of_a_page_not_cached_returns_false()
    {
        Page old = NewPage();
        Page replacement = NewPage();
        Assert.False(_mapping.ReplacePage(old, replacement));
        Assert.Equal(1, replacement.Count);
        Assert.Null(replacement.Mapping);
        Assert.Equal(0, _mapping.NrPages);
    }

    [Fact]
    public void LookupPages_returns_every_cached_page_in_index_order_with_a_reference_each()
    {
        ulong[] indexes = [9, 2, 40, 0, 7];
        var pages = new Dictionary<ulong, Page>();
        foreach (ulong index in indexes)
        {
            Page page = NewPage();
            pages[index] = page;
            _mapping.AddPage(page, index);
        }

        List<Page> found = _mapping.LookupPages();
        Assert.Equal(indexes.OrderBy(i => i), found.Select(p => p.Index));
        Assert.All(found, p => Assert.Same(pages[p.Index], p));
        Assert.All(found, p => Assert.Equal(3, p.Count));
    }

    [Fact]
    public void LookupPages_of_an_empty_mapping_is_empty()
    {
        Assert.Empty(_mapping.LookupPages());
    }

    [Fact]
    public async Task Racing_AddPage_at_one_index_has_exactly_one_winner()
    {
        const int Threads = 8;
        Page[] pages = Enumerable.Range(0, Threads).Select(_ => NewPage()).ToArray();
        int[] results = new int[Threads];
        using var start = new Barrier(Threads);
        Task[] tasks = Enumerable.Range(0, Threads).Select(i => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            results[i] = _mapping.AddPage(pages[i], 11);
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(1, results.Count(r => r == 0));
        Assert.Equal(Threads - 1, results.Count(r => r == -(int)Errno.EEXIST));
        int winner = Array.IndexOf(results, 0);
        Assert.Same(pages[winner], _mapping.FindGetPage(11));
        Assert.Equal(1, pages.Count(p => p.Mapping == _mapping));
    }
}

using Xunit;
using AopsGen.Mm;

namespace AopsGen.Tests;

/// <summary>A frame has one owner at a time: the pool refuses a double free, a free of a page others still hold
/// or a page cache still holds, and a page cache refuses a page cached elsewhere.</summary>
public sealed class PageOwnershipTests : IDisposable
{
    private readonly PageFrames _frames = new(2);

    public void Dispose() => _frames.Dispose();

    [Fact]
    public void Freeing_a_frame_twice_throws_and_the_frame_is_not_handed_out_twice()
    {
        Page a = _frames.Alloc()!;
        Page b = _frames.Alloc()!;
        _frames.Free(a);

        Assert.Throws<InvalidOperationException>(() => _frames.Free(a));
        Assert.Same(a, _frames.Alloc());
        Assert.Null(_frames.Alloc());
        Assert.NotSame(a, b);
    }

    [Fact]
    public void Freeing_a_page_with_another_reference_or_in_a_page_cache_throws()
    {
        Page page = _frames.Alloc()!;
        page.Get();
        Assert.Throws<InvalidOperationException>(() => _frames.Free(page));
        page.Put();

        var mapping = TestFs.NewInode(TestFs.Empty).Mapping;
        Assert.Equal(0, mapping.AddPage(page, 3));
        page.Put(); // the caller's reference; the page cache keeps its own
        Assert.Throws<InvalidOperationException>(() => _frames.Free(page));

        Assert.True(mapping.DeletePage(page));
        _frames.Free(page);
        Assert.Equal(2, _frames.FreeCount);
    }

    [Fact]
    public void A_page_cached_in_one_mapping_cannot_be_added_again_or_replaced_by_itself()
    {
        Page page = _frames.Alloc()!;
        var mapping = TestFs.NewInode(TestFs.Empty).Mapping;
        Assert.Equal(0, mapping.AddPage(page, 1));

        Assert.Throws<InvalidOperationException>(() => mapping.AddPage(page, 2));
        Assert.Throws<ArgumentException>(() => mapping.ReplacePage(page, page));
        Assert.Same(mapping, page.Mapping);
        Assert.Equal(1, mapping.NrPages);
    }

    [Fact]
    public void Free_after_dispose_throws()
    {
        var frames = new PageFrames(1);
        Page page = frames.Alloc()!;
        frames.Dispose();
        Assert.Throws<ObjectDisposedException>(() => frames.Free(page));
    }
}

using System.Collections.Generic;
using Xunit;
using AopsGen.Mm;

namespace AopsGen.Tests;

/// <summary>readpages NULL default (mm/readahead.c read_pages): each page is added to the mapping locked and
/// readpage is called on it; a page whose index is already cached is skipped.</summary>
public sealed unsafe class AopsCallsReadPagesDefaultTests : IDisposable
{
    private static List<ulong> _read = [];
    private static List<string> _violations = [];

    private readonly PageFrames _frames = new(16);
    private readonly AddressSpaceOperations _aops;
    private readonly OpenFile _file;
    private readonly AddressSpace _mapping;

    public AopsCallsReadPagesDefaultTests()
    {
        _read = [];
        _violations = [];
        _aops = new AddressSpaceOperations(name: "readpage_only", readPage: &RecordingReadPage);
        _file = TestFs.NewFile(_aops);
        _mapping = _file.Mapping;
    }

    public void Dispose()
    {
        Assert.Empty(_violations);
        _frames.Dispose();
    }

    /// <summary>A readpage that checks it gets a locked page already in the file's mapping, fills it with
    /// its index, marks it uptodate and unlocks it; index 13 fails with -EIO.</summary>
    private static int RecordingReadPage(OpenFile file, Page page)
    {
        if (!page.IsLocked)
        {
            _violations.Add($"page {page.Index} not locked in readpage");
        }
        if (!ReferenceEquals(page.Mapping, file.Mapping))
        {
            _violations.Add($"page {page.Index} not in the file's mapping in readpage");
        }
        _read.Add(page.Index);
        if (page.Index == 13)
        {
            page.Unlock();
            return -(int)Errno.EIO;
        }
        page.Bytes.Fill((byte)page.Index);
        page.Set(PageFlags.Uptodate);
        page.Unlock();
        return 0;
    }

    private Page NewPage(ulong index)
    {
        Page page = _frames.Alloc()!;
        page.Index = index;
        return page;
    }

    [Fact]
    public void Each_page_is_added_to_the_mapping_and_read_with_readpage()
    {
        Page[] pages = [NewPage(0), NewPage(1), NewPage(2)];

        Assert.Equal(0, AopsCalls.ReadPages(_aops, _file, _mapping, pages));

        Assert.Equal([0UL, 1, 2], _read);
        Assert.Equal(3, _mapping.NrPages);
        foreach (Page page in pages)
        {
            Assert.Same(page, _mapping.FindGetPage(page.Index));
            Assert.Same(_mapping, page.Mapping);
            Assert.True(page.IsUptodate);
            Assert.False(page.IsLocked);
            Assert.True(page.Bytes.IndexOfAnyExcept((byte)page.Index) < 0);
            Assert.Equal(3, page.Count); // the caller's, the page cache's and FindGetPage's
        }
    }

    [Fact]
    public void Pages_are_read_in_the_order_given()
    {
        Page[] pages = [NewPage(7), NewPage(3), NewPage(5)];
        AopsCalls.ReadPages(_aops, _file, _mapping, pages);
        Assert.Equal([7UL, 3, 5], _read);
    }

    [Fact]
    public void A_page_whose_index_is_already_cached_is_skipped()
    {
        Page cached = NewPage(1);
        Assert.Equal(0, _mapping.AddPage(cached, 1));
        Page[] pages = [NewPage(0), NewPage(1), NewPage(2)];

        Assert.Equal(0, AopsCalls.ReadPages(_aops, _file, _mapping, pages));

        Assert.Equal([0UL, 2], _read);
        Assert.Same(cached, _mapping.FindGetPage(1));
        Assert.Null(pages[1].Mapping);
        Assert.False(pages[1].IsLocked);
        Assert.Equal(1, pages[1].Count);
        Assert.False(pages[1].IsUptodate);
    }

    [Fact]
    public void A_readpage_error_is_ignored_and_the_other_pages_are_still_read()
    {
        Page[] pages = [NewPage(12), NewPage(13), NewPage(14)];
        Assert.Equal(0, AopsCalls.ReadPages(_aops, _file, _mapping, pages));
        Assert.Equal([12UL, 13, 14], _read);
        Assert.False(pages[1].IsUptodate);
        Assert.True(pages[2].IsUptodate);
    }

    [Fact]
    public void Without_readpage_either_pages_are_cached_unlocked_and_not_uptodate()
    {
        AddressSpaceOperations empty = TestFs.NewTable("no_read_aops");
        var mapping = new AddressSpace(null, empty);
        Page[] pages = [NewPage(0), NewPage(1)];

        Assert.Equal(0, AopsCalls.ReadPages(empty, _file, mapping, pages));

        Assert.Equal(2, mapping.NrPages);
        Assert.All(pages, p => Assert.False(p.IsLocked));
        Assert.All(pages, p => Assert.False(p.IsUptodate));
        Assert.Empty(_read);
    }

    [Fact]
    public void An_empty_list_reads_nothing()
    {
        Assert.Equal(0, AopsCalls.ReadPages(_aops, _file, _mapping, ReadOnlySpan<Page>.Empty));
        Assert.Empty(_read);
        Assert.Equal(0, _mapping.NrPages);
    }
}

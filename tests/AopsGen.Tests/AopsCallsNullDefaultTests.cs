using Xunit;
using AopsGen.Mm;

namespace AopsGen.Tests;

/// <summary>With a NULL op, <see cref="AopsCalls"/> applies the kernel's default as AopsCalls.cs documents it.
/// (writepages, readpages and migratepage have their own test classes.)</summary>
public sealed class AopsCallsNullDefaultTests : IDisposable
{
    private readonly PageFrames _frames = new(8);
    private readonly AddressSpaceOperations _aops = TestFs.NewTable("null_aops");
    private readonly OpenFile _file;
    private readonly AddressSpace _mapping;

    public AopsCallsNullDefaultTests()
    {
        _file = TestFs.NewFile(_aops);
        _mapping = _file.Mapping;
    }

    public void Dispose() => _frames.Dispose();

    private Page NewPage() => _frames.Alloc()!;

    [Fact]
    public void WritePage_default_redirties_the_page_keeps_it_locked_and_returns_WritePageActivate()
    {
        Page page = NewPage();
        page.Lock();
        Assert.Equal(AopReturn.WritePageActivate, AopsCalls.WritePage(_aops, page, WritebackControl.ForPageout()));
        Assert.True(page.IsDirty);
        Assert.True(page.IsLocked);
    }

    [Fact]
    public void AopReturn_values_are_the_kernels()
    {
        Assert.Equal(0x80000, AopReturn.WritePageActivate);
        Assert.Equal(0x80001, AopReturn.TruncatedPage);
    }

    [Fact]
    public void ReadPage_default_unlocks_the_page_and_returns_EINVAL()
    {
        Page page = NewPage();
        page.Lock();
        Assert.Equal(-(int)Errno.EINVAL, AopsCalls.ReadPage(_aops, _file, page));
        Assert.False(page.IsLocked);
        Assert.False(page.IsUptodate);
    }

    [Fact]
    public void WritePages_default_without_writepage_returns_0_and_leaves_dirty_pages_dirty()
    {
        Page page = NewPage();
        page.Set(PageFlags.Dirty);
        _mapping.AddPage(page, 0);
        Assert.Equal(0, AopsCalls.WritePages(_aops, _mapping, new WritebackControl()));
        Assert.True(page.IsDirty);
        Assert.False(page.IsLocked);
        Assert.Equal(2, page.Count);
    }

    [Fact]
    public void SetPageDirty_default_dirties_the_page_and_returns_true_only_the_first_time()
    {
        Page page = NewPage();
        Assert.True(AopsCalls.SetPageDirty(_aops, page));
        Assert.True(page.IsDirty);
        Assert.False(AopsCalls.SetPageDirty(_aops, page));
        Assert.True(page.IsDirty);
        page.Clear(PageFlags.Dirty);
        Assert.True(AopsCalls.SetPageDirty(_aops, page));
    }

    [Fact]
    public void Bmap_default_returns_block_0()
    {
        Assert.Equal(0UL, AopsCalls.Bmap(_aops, _mapping, 0));
        Assert.Equal(0UL, AopsCalls.Bmap(_aops, _mapping, 12345));
    }

    [Fact]
    public void ReleasePage_default_clears_private_data_and_returns_true()
    {
        Page page = NewPage();
        page.Set(PageFlags.Private | PageFlags.Uptodate);
        page.Private = 0xDEAD;
        Assert.True(AopsCalls.ReleasePage(_aops, page, GfpFlags.Kernel));
        Assert.False(page.Test(PageFlags.Private));
        Assert.Equal(0UL, page.Private);
        Assert.True(page.IsUptodate);
    }

    [Fact]
    public void ReleasePage_default_of_a_page_without_PG_private_returns_true_and_keeps_its_private_value()
    {
        // A swap cache page keeps its swap entry in Private without PG_private.
        Page page = NewPage();
        page.Set(PageFlags.SwapCache);
        page.Private = 0x1234;
        Assert.True(AopsCalls.ReleasePage(_aops, page, GfpFlags.NoIo));
        Assert.Equal(0x1234UL, page.Private);
    }

    [Fact]
    public void InvalidatePage_default_drops_private_data_when_the_whole_page_goes()
    {
        Page page = NewPage();
        page.Set(PageFlags.Private);
        page.Private = 77;
        AopsCalls.InvalidatePage(_aops, page, 0);
        Assert.False(page.Test(PageFlags.Private));
        Assert.Equal(0UL, page.Private);
    }

    [Fact]
    public void InvalidatePage_default_keeps_private_data_when_only_part_of_the_page_goes()
    {
        Page page = NewPage();
        page.Set(PageFlags.Private);
        page.Private = 77;
        AopsCalls.InvalidatePage(_aops, page, 512);
        Assert.True(page.Test(PageFlags.Private));
        Assert.Equal(77UL, page.Private);
    }

    [Fact]
    public void FreePage_SwapDeactivate_and_SyncPage_defaults_do_nothing()
    {
        Page page = NewPage();
        page.Set(PageFlags.Dirty | PageFlags.Private);
        page.Private = 3;
        _mapping.AddPage(page, 1);
        AopsCalls.FreePage(_aops, page);
        AopsCalls.SyncPage(_aops, page);
        AopsCalls.SwapDeactivate(_aops, _file);
        Assert.Equal(PageFlags.Dirty | PageFlags.Private, page.Flags);
        Assert.Equal(3UL, page.Private);
        Assert.Equal(2, page.Count);
        Assert.Same(_mapping, page.Mapping);
    }

    [Fact]
    public void DirectIO_default_returns_EINVAL()
    {
        Page page = NewPage();
        var iocb = new Kiocb().Init(_file, 0, Page.Size);
        IoVec[] iov = [IoVec.ForPage(page)];
        Assert.Equal(-22L, AopsCalls.DirectIO(_aops, Rw.KernelWrite, iocb, iov, 0));
        Assert.Equal(Page.Size, iocb.Left);
    }

    [Fact]
    public void WriteBegin_default_returns_EINVAL_with_no_page_and_no_fs_data()
    {
        int ret = AopsCalls.WriteBegin(_aops, _file, _mapping, 0, 100, 0, out Page? page, out object? fsData);
        Assert.Equal(-22, ret);
        Assert.Null(page);
        Assert.Null(fsData);
        Assert.Equal(0, _mapping.NrPages);
    }

    [Fact]
    public void WriteEnd_default_returns_EINVAL()
    {
        Page page = NewPage();
        Assert.Equal(-22, AopsCalls.WriteEnd(_aops, _file, _mapping, 0, 100, 100, page, null));
    }

    [Fact]
    public void SwapRw_default_returns_EINVAL()
    {
        Page page = NewPage();
        IoVec[] iov = [IoVec.ForPage(page)];
        Assert.Equal(-22, AopsCalls.SwapRw(_aops, new Kiocb(), new IovIter(Rw.Read, iov)));
    }

    [Fact]
    public void SwapActivate_default_returns_EINVAL_and_a_span_of_0()
    {
        var sis = new SwapInfo(1) { Pages = 100, Max = 101 };
        Assert.Equal(-22, AopsCalls.SwapActivate(_aops, sis, _file, out ulong span));
        Assert.Equal(0UL, span);
        Assert.Equal(SwapFlags.None, sis.Flags);
    }

    [Fact]
    public void LaunderPage_default_returns_0()
    {
        Page page = NewPage();
        page.Set(PageFlags.Dirty);
        Assert.Equal(0, AopsCalls.LaunderPage(_aops, page));
        Assert.True(page.IsDirty);
    }

    [Fact]
    public void IsPartiallyUptodate_default_returns_false()
    {
        Page page = NewPage();
        page.Set(PageFlags.Uptodate);
        Assert.False(AopsCalls.IsPartiallyUptodate(_aops, page, 0, 512));
    }

    [Fact]
    public void ErrorRemovePage_default_removes_a_clean_page_from_the_mapping()
    {
        Page page = NewPage();
        page.Set(PageFlags.Uptodate);
        _mapping.AddPage(page, 4);
        Assert.Equal(0, AopsCalls.ErrorRemovePage(_aops, _mapping, page));
        Assert.Null(_mapping.FindGetPage(4));
        Assert.Null(page.Mapping);
        Assert.Equal(1, page.Count);
    }

    [Fact]
    public void ErrorRemovePage_default_gives_EBUSY_for_a_dirty_page_and_keeps_it_cached()
    {
        Page page = NewPage();
        page.Set(PageFlags.Dirty);
        _mapping.AddPage(page, 4);
        Assert.Equal(-(int)Errno.EBUSY, AopsCalls.ErrorRemovePage(_aops, _mapping, page));
        Assert.Same(_mapping, page.Mapping);
        Assert.Equal(1, _mapping.NrPages);
        Assert.Equal(2, page.Count);
    }

    [Fact]
    public void ErrorRemovePage_default_gives_EBUSY_for_a_page_under_writeback()
    {
        Page page = NewPage();
        page.SetWriteback();
        _mapping.AddPage(page, 4);
        Assert.Equal(-16, AopsCalls.ErrorRemovePage(_aops, _mapping, page));
        Assert.Equal(1, _mapping.NrPages);
    }

    [Fact]
    public void ErrorRemovePage_default_gives_EBUSY_for_a_page_not_in_the_mapping()
    {
        Page page = NewPage();
        Assert.Equal(-16, AopsCalls.ErrorRemovePage(_aops, _mapping, page));
        Assert.Equal(1, page.Count);
    }

    [Fact]
    public void The_Null_methods_are_what_AopsCalls_applies()
    {
        // The generated StaticOps fall back to these methods directly: they must behave like AopsCalls.
        Page page = NewPage();
        Assert.True(AopsCalls.NullSetPageDirty(_aops, page));
        Assert.False(AopsCalls.NullSetPageDirty(_aops, page));
        page.Lock();
        Assert.Equal(-22, AopsCalls.NullReadPage(_aops, _file, page));
        Assert.False(page.IsLocked);
        Assert.Equal(AopReturn.WritePageActivate, AopsCalls.NullWritePage(_aops, page, new WritebackControl()));
        Assert.Equal(0UL, AopsCalls.NullBmap(_aops, _mapping, 9));
        Assert.Equal(0, AopsCalls.NullLaunderPage(_aops, page));
        Assert.False(AopsCalls.NullIsPartiallyUptodate(_aops, page, 0, 1));
        Assert.Equal(-22L, AopsCalls.NullDirectIO(_aops, Rw.Read, new Kiocb(), ReadOnlySpan<IoVec>.Empty, 0));
        Assert.Equal(-22, AopsCalls.NullSwapActivate(_aops, new SwapInfo(0), _file, out ulong span));
        Assert.Equal(0UL, span);
    }
}

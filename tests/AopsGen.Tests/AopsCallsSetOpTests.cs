using Xunit;
using AopsGen.Mm;

namespace AopsGen.Tests;

/// <summary>When a table has an op, <see cref="AopsCalls"/> calls it with the caller's arguments and returns
/// its result, and applies no NULL default.</summary>
[Collection(TestOps.Collection)]
public sealed unsafe class AopsCallsSetOpTests : IDisposable
{
    private readonly PageFrames _frames = new(4);
    private readonly AddressSpaceOperations _aops = TestOps.Full();
    private readonly OpenFile _file;
    private readonly AddressSpace _mapping;
    private readonly Page _page;
    private readonly Page _newPage;

    public AopsCallsSetOpTests()
    {
        _file = TestFs.NewFile(_aops);
        _mapping = _file.Mapping;
        _page = _frames.Alloc()!;
        _newPage = _frames.Alloc()!;
        TestOps.Reset();
    }

    public void Dispose() => _frames.Dispose();

    private static void AssertCalled(AddressSpaceOp op, params object?[] args)
    {
        Assert.Equal(op, TestOps.LastOp);
        Assert.NotNull(TestOps.LastArgs);
        Assert.Equal(args.Length, TestOps.LastArgs.Length);
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] is null || args[i]!.GetType().IsValueType)
            {
                Assert.Equal(args[i], TestOps.LastArgs[i]);
            }
            else
            {
                Assert.Same(args[i], TestOps.LastArgs[i]);
            }
        }
    }

    [Fact]
    public void WritePage_calls_the_op_and_returns_its_result()
    {
        var wbc = new WritebackControl();
        Assert.Equal(TestOps.WritePageResult, AopsCalls.WritePage(_aops, _page, wbc));
        AssertCalled(AddressSpaceOp.WritePage, _page, wbc);
        Assert.False(_page.IsDirty); // the NULL default would have redirtied it
    }

    [Fact]
    public void ReadPage_calls_the_op_and_returns_its_result()
    {
        _page.Lock();
        Assert.Equal(TestOps.ReadPageResult, AopsCalls.ReadPage(_aops, _file, _page));
        AssertCalled(AddressSpaceOp.ReadPage, _file, _page);
        Assert.True(_page.IsLocked); // the NULL default would have unlocked it
    }

    [Fact]
    public void WritePages_calls_the_op_and_returns_its_result()
    {
        var wbc = new WritebackControl();
        Assert.Equal(TestOps.WritePagesResult, AopsCalls.WritePages(_aops, _mapping, wbc));
        AssertCalled(AddressSpaceOp.WritePages, _mapping, wbc);
    }

    [Fact]
    public void SetPageDirty_calls_the_op_and_returns_its_result()
    {
        Assert.False(AopsCalls.SetPageDirty(_aops, _page));
        AssertCalled(AddressSpaceOp.SetPageDirty, _page);
        Assert.False(_page.IsDirty);
    }

    [Fact]
    public void ReadPages_calls_the_op_and_returns_its_result()
    {
        Page[] pages = [_page, _newPage];
        Assert.Equal(TestOps.ReadPagesResult, AopsCalls.ReadPages(_aops, _file, _mapping, pages));
        AssertCalled(AddressSpaceOp.ReadPages, _file, _mapping, 2);
        Assert.Equal(0, _mapping.NrPages);
    }

    [Fact]
    public void WriteBegin_calls_the_op_and_returns_its_result_and_out_values()
    {
        int ret = AopsCalls.WriteBegin(_aops, _file, _mapping, 8192, 100, 3, out Page? page, out object? fsData);
        Assert.Equal(TestOps.WriteBeginResult, ret);
        AssertCalled(AddressSpaceOp.WriteBegin, _file, _mapping, 8192L, 100u, 3u);
        Assert.Null(page);
        Assert.Same(TestOps.FsData, fsData);
    }

    [Fact]
    public void WriteEnd_calls_the_op_and_returns_its_result()
    {
        object fsData = new();
        Assert.Equal(TestOps.WriteEndResult, AopsCalls.WriteEnd(_aops, _file, _mapping, 4096, 10, 9, _page, fsData));
        AssertCalled(AddressSpaceOp.WriteEnd, _file, _mapping, 4096L, 10u, 9u, _page, fsData);
    }

    [Fact]
    public void Bmap_calls_the_op_and_returns_its_result()
    {
        Assert.Equal(TestOps.BmapResult, AopsCalls.Bmap(_aops, _mapping, 77));
        AssertCalled(AddressSpaceOp.Bmap, _mapping, 77UL);
    }

    [Fact]
    public void InvalidatePage_calls_the_op()
    {
        _page.Set(PageFlags.Private);
        _page.Private = 5;
        AopsCalls.InvalidatePage(_aops, _page, 0);
        AssertCalled(AddressSpaceOp.InvalidatePage, _page, 0UL);
        Assert.Equal(5UL, _page.Private);
    }

    [Fact]
    public void ReleasePage_calls_the_op_and_returns_its_result()
    {
        _page.Set(PageFlags.Private);
        Assert.False(AopsCalls.ReleasePage(_aops, _page, GfpFlags.NoFs));
        AssertCalled(AddressSpaceOp.ReleasePage, _page, GfpFlags.NoFs);
        Assert.True(_page.Test(PageFlags.Private));
    }

    [Fact]
    public void FreePage_calls_the_op()
    {
        AopsCalls.FreePage(_aops, _page);
        AssertCalled(AddressSpaceOp.FreePage, _page);
    }

    [Fact]
    public void DirectIO_calls_the_op_and_returns_its_result()
    {
        var iocb = new Kiocb().Init(_file, 4096, 4096);
        IoVec[] iov = [IoVec.ForPage(_page)];
        Assert.Equal(TestOps.DirectIOResult, AopsCalls.DirectIO(_aops, Rw.KernelWrite, iocb, iov, 4096));
        AssertCalled(AddressSpaceOp.DirectIO, Rw.KernelWrite, iocb, 1, 4096L);
    }

    [Fact]
    public void MigratePage_calls_the_op_and_returns_its_result()
    {
        Assert.Equal(TestOps.MigratePageResult, AopsCalls.MigratePage(_aops, _mapping, _newPage, _page, MigrateMode.SyncLight));
        AssertCalled(AddressSpaceOp.MigratePage, _mapping, _newPage, _page, MigrateMode.SyncLight);
    }

    [Fact]
    public void LaunderPage_calls_the_op_and_returns_its_result()
    {
        Assert.Equal(TestOps.LaunderPageResult, AopsCalls.LaunderPage(_aops, _page));
        AssertCalled(AddressSpaceOp.LaunderPage, _page);
    }

    [Fact]
    public void IsPartiallyUptodate_calls_the_op_and_returns_its_result()
    {
        Assert.True(AopsCalls.IsPartiallyUptodate(_aops, _page, 512, 1024));
        AssertCalled(AddressSpaceOp.IsPartiallyUptodate, _page, 512UL, 1024UL);
    }

    [Fact]
    public void ErrorRemovePage_calls_the_op_and_returns_its_result()
    {
        Assert.Equal(TestOps.ErrorRemovePageResult, AopsCalls.ErrorRemovePage(_aops, _mapping, _page));
        AssertCalled(AddressSpaceOp.ErrorRemovePage, _mapping, _page);
    }

    [Fact]
    public void SwapActivate_calls_the_op_and_returns_its_result_and_span()
    {
        var sis = new SwapInfo(0) { Pages = 10, Max = 11 };
        Assert.Equal(TestOps.SwapActivateResult, AopsCalls.SwapActivate(_aops, sis, _file, out ulong span));
        AssertCalled(AddressSpaceOp.SwapActivate, sis, _file);
        Assert.Equal(TestOps.SwapActivateSpan, span);
    }

    [Fact]
    public void SwapDeactivate_calls_the_op()
    {
        AopsCalls.SwapDeactivate(_aops, _file);
        AssertCalled(AddressSpaceOp.SwapDeactivate, _file);
    }

    [Fact]
    public void SyncPage_calls_the_op()
    {
        AopsCalls.SyncPage(_aops, _page);
        AssertCalled(AddressSpaceOp.SyncPage, _page);
    }

    [Fact]
    public void SwapRw_calls_the_op_and_returns_its_result()
    {
        var iocb = new Kiocb().Init(_file, 0, 2 * 4096);
        IoVec[] iov = [IoVec.ForPage(_page), IoVec.ForPage(_newPage)];
        Assert.Equal(TestOps.SwapRwResult, AopsCalls.SwapRw(_aops, iocb, new IovIter(Rw.Read, iov)));
        AssertCalled(AddressSpaceOp.SwapRw, iocb, Rw.Read, 8192L);
    }

    [Fact]
    public void Every_call_refuses_a_null_table()
    {
        var wbc = new WritebackControl();
        var iocb = new Kiocb();
        Assert.Throws<ArgumentNullException>(() => AopsCalls.WritePage(null!, _page, wbc));
        Assert.Throws<ArgumentNullException>(() => AopsCalls.ReadPage(null!, _file, _page));
        Assert.Throws<ArgumentNullException>(() => AopsCalls.WritePages(null!, _mapping, wbc));
        Assert.Throws<ArgumentNullException>(() => AopsCalls.SetPageDirty(null!, _page));
        Assert.Throws<ArgumentNullException>(() => AopsCalls.ReadPages(null!, _file, _mapping, ReadOnlySpan<Page>.Empty));
        Assert.Throws<ArgumentNullException>(() => AopsCalls.WriteBegin(null!, _file, _mapping, 0, 0, 0, out _, out _));
        Assert.Throws<ArgumentNullException>(() => AopsCalls.WriteEnd(null!, _file, _mapping, 0, 0, 0, _page, null));
        Assert.Throws<ArgumentNullException>(() => AopsCalls.Bmap(null!, _mapping, 0));
        Assert.Throws<ArgumentNullException>(() => AopsCalls.InvalidatePage(null!, _page, 0));
        Assert.Throws<ArgumentNullException>(() => AopsCalls.ReleasePage(null!, _page, GfpFlags.Kernel));
        Assert.Throws<ArgumentNullException>(() => AopsCalls.FreePage(null!, _page));
        Assert.Throws<ArgumentNullException>(() => AopsCalls.DirectIO(null!, Rw.Read, iocb, ReadOnlySpan<IoVec>.Empty, 0));
        Assert.Throws<ArgumentNullException>(() => AopsCalls.MigratePage(null!, _mapping, _newPage, _page, MigrateMode.Async));
        Assert.Throws<ArgumentNullException>(() => AopsCalls.LaunderPage(null!, _page));
        Assert.Throws<ArgumentNullException>(() => AopsCalls.IsPartiallyUptodate(null!, _page, 0, 1));
        Assert.Throws<ArgumentNullException>(() => AopsCalls.ErrorRemovePage(null!, _mapping, _page));
        Assert.Throws<ArgumentNullException>(() => AopsCalls.SwapActivate(null!, new SwapInfo(0), _file, out _));
        Assert.Throws<ArgumentNullException>(() => AopsCalls.SwapDeactivate(null!, _file));
        Assert.Throws<ArgumentNullException>(() => AopsCalls.SyncPage(null!, _page));
        Assert.Throws<ArgumentNullException>(() => AopsCalls.SwapRw(null!, iocb, default));
        Assert.Null(TestOps.LastOp);
    }
}

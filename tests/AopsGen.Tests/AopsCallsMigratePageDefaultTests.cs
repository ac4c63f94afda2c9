using Xunit;
using AopsGen.Mm;

namespace AopsGen.Tests;

/// <summary>migratepage NULL default (mm/migrate.c fallback_migrate_page): a clean page is copied to the
/// new page, which takes its place in the mapping; a dirty page is written out first (or refused).</summary>
public sealed unsafe class AopsCallsMigratePageDefaultTests : IDisposable
{
    private static int _writePageCalls;
    private static int _writePageResult;
    private static bool _releaseResult;
    private static WritebackControl? _lastWbc;

    private readonly PageFrames _frames = new(8);
    private readonly AddressSpaceOperations _empty = TestFs.NewTable("empty_aops");
    private readonly AddressSpace _mapping;

    public AopsCallsMigratePageDefaultTests()
    {
        _writePageCalls = 0;
        _writePageResult = 0;
        _releaseResult = true;
        _lastWbc = null;
        _mapping = new AddressSpace(null, _empty);
    }

    public void Dispose() => _frames.Dispose();

    private static int UnlockingWritePage(Page page, WritebackControl wbc)
    {
        _writePageCalls++;
        _lastWbc = wbc;
        page.Unlock();
        return _writePageResult;
    }

    private static bool ConfigurableReleasePage(Page page, GfpFlags gfp) => _releaseResult;

    /// <summary>A cached, locked page at index 6 with data and state, and a locked fresh new page.</summary>
    private (Page Page, Page NewPage) Prepare(PageFlags flags, AddressSpace? mapping = null)
    {
        mapping ??= _mapping;
        Page page = _frames.Alloc()!;
        Page newPage = _frames.AllocZeroed()!;
        for (int i = 0; i < Page.Size; i++)
        {
            page.Bytes[i] = (byte)(i * 7 + 1);
        }
        Assert.Equal(0, mapping.AddPage(page, 6));
        page.Set(flags);
        page.Lock();
        newPage.Lock();
        return (page, newPage);
    }

    [Fact]
    public void A_clean_page_is_copied_with_its_flags_and_private_data_and_replaced_in_the_mapping()
    {
        const PageFlags state = PageFlags.Uptodate | PageFlags.Referenced | PageFlags.Active | PageFlags.Checked
            | PageFlags.MappedToDisk | PageFlags.SwapBacked | PageFlags.SwapCache | PageFlags.Error;
        (Page page, Page newPage) = Prepare(state);
        page.Private = 0x1234; // a swap entry (PG_swapcache, no PG_private)

        Assert.Equal(0, AopsCalls.MigratePage(_empty, _mapping, newPage, page, MigrateMode.Async));

        Assert.True(page.Bytes.SequenceEqual(newPage.Bytes));
        Assert.Equal(1, newPage.Bytes[0]);
        Assert.Equal(8, newPage.Bytes[1]);
        Assert.Equal(state | PageFlags.Locked, newPage.Flags);
        Assert.Equal(0x1234UL, newPage.Private);
        Assert.Equal(0UL, page.Private);
        Assert.False(page.IsSwapCache);
        Assert.Same(newPage, _mapping.FindGetPage(6));
        Assert.Same(_mapping, newPage.Mapping);
        Assert.Equal(6UL, newPage.Index);
        Assert.Null(page.Mapping);
        Assert.Equal(1, page.Count);      // the page cache's reference moved away
        Assert.Equal(3, newPage.Count);   // own, page cache's, FindGetPage's
        Assert.True(page.IsLocked);
        Assert.True(newPage.IsLocked);
        Assert.Equal(1, _mapping.NrPages);
    }

    [Fact]
    public void A_clean_page_with_PG_private_has_its_private_data_released_before_the_copy()
    {
        (Page page, Page newPage) = Prepare(PageFlags.Uptodate | PageFlags.Private);
        page.Private = 99;

        Assert.Equal(0, AopsCalls.MigratePage(_empty, _mapping, newPage, page, MigrateMode.Sync));

        Assert.False(newPage.Test(PageFlags.Private));
        Assert.Equal(0UL, newPage.Private);
        Assert.Same(newPage, _mapping.FindGetPage(6));
    }

    [Fact]
    public void A_clean_page_whose_private_data_cannot_be_released_gives_EAGAIN()
    {
        var aops = new AddressSpaceOperations(name: "pinned_aops", releasePage: &ConfigurableReleasePage);
        var mapping = new AddressSpace(null, aops);
        (Page page, Page newPage) = Prepare(PageFlags.Uptodate | PageFlags.Private, mapping);
        _releaseResult = false;

        Assert.Equal(-(int)Errno.EAGAIN, AopsCalls.MigratePage(aops, mapping, newPage, page, MigrateMode.Sync));

        Assert.Same(page, mapping.FindGetPage(6));
        Assert.Null(newPage.Mapping);
    }

    [Theory]
    [InlineData(MigrateMode.Async)]
    [InlineData(MigrateMode.SyncLight)]
    public void A_dirty_page_without_MIGRATE_SYNC_gives_EBUSY_and_stays_in_place(MigrateMode mode)
    {
        (Page page, Page newPage) = Prepare(PageFlags.Dirty | PageFlags.Uptodate);

        Assert.Equal(-(int)Errno.EBUSY, AopsCalls.MigratePage(_empty, _mapping, newPage, page, mode));

        Assert.Same(page, _mapping.FindGetPage(6));
        Assert.True(page.IsDirty);
        Assert.True(page.IsLocked);
        Assert.Null(newPage.Mapping);
        Assert.Equal(1, newPage.Count);
        Assert.True(newPage.Bytes.IndexOfAnyExcept((byte)0) < 0);
    }

    [Fact]
    public void A_dirty_page_with_MIGRATE_SYNC_and_no_writepage_gives_EINVAL()
    {
        (Page page, Page newPage) = Prepare(PageFlags.Dirty);
        Assert.Equal(-(int)Errno.EINVAL, AopsCalls.MigratePage(_empty, _mapping, newPage, page, MigrateMode.Sync));
        Assert.True(page.IsDirty);
        Assert.Same(page, _mapping.FindGetPage(6));
    }

    [Fact]
    public void A_dirty_page_with_MIGRATE_SYNC_is_written_out_relocked_and_gives_EAGAIN()
    {
        var aops = new AddressSpaceOperations(name: "wp_aops", writePage: &UnlockingWritePage);
        var mapping = new AddressSpace(null, aops);
        (Page page, Page newPage) = Prepare(PageFlags.Dirty, mapping);

        Assert.Equal(-(int)Errno.EAGAIN, AopsCalls.MigratePage(aops, mapping, newPage, page, MigrateMode.Sync));

        Assert.Equal(1, _writePageCalls);
        Assert.NotNull(_lastWbc);
        Assert.Equal(WritebackSyncMode.None, _lastWbc.SyncMode);
        Assert.True(_lastWbc.ForReclaim);
        Assert.False(page.IsDirty);
        Assert.True(page.IsLocked); // relocked after writepage unlocked it
        Assert.Same(page, mapping.FindGetPage(6));
        Assert.Null(newPage.Mapping);
    }

    [Fact]
    public void A_dirty_page_whose_writeout_fails_gives_EIO()
    {
        var aops = new AddressSpaceOperations(name: "wp_aops", writePage: &UnlockingWritePage);
        var mapping = new AddressSpace(null, aops);
        (Page page, Page newPage) = Prepare(PageFlags.Dirty, mapping);
        _writePageResult = -(int)Errno.ENOSPC;

        Assert.Equal(-(int)Errno.EIO, AopsCalls.MigratePage(aops, mapping, newPage, page, MigrateMode.Sync));

        Assert.Equal(1, _writePageCalls);
        Assert.True(page.IsLocked);
    }

    [Fact]
    public void A_page_not_in_the_mapping_gives_EAGAIN()
    {
        Page page = _frames.Alloc()!;
        Page newPage = _frames.Alloc()!;
        page.Lock();
        Assert.Equal(-(int)Errno.EAGAIN, AopsCalls.MigratePage(_empty, _mapping, newPage, page, MigrateMode.Async));
        Assert.Null(newPage.Mapping);
        Assert.Equal(0, _mapping.NrPages);
    }

    [Fact]
    public void MigratePageContents_moves_a_dirty_page_with_its_dirty_bit()
    {
        (Page page, Page newPage) = Prepare(PageFlags.Dirty | PageFlags.Uptodate);

        Assert.Equal(0, AopsCalls.MigratePageContents(_mapping, newPage, page));

        Assert.True(newPage.IsDirty);
        Assert.False(page.IsDirty);
        Assert.True(newPage.IsUptodate);
        Assert.True(page.IsUptodate); // the old copy is still a valid copy
        Assert.Same(newPage, _mapping.FindGetPage(6));
    }
}

using System.Collections.Generic;
using System.Text;

namespace AopsGen;

/// <summary>
/// include/linux/fs.h: <c>struct address_space_operations</c>, one filesystem's table of ops as C# function
/// pointers. The generator builds one per <see cref="AddressSpaceOperationsAttribute"/> class
/// (<c>Type.Operations</c>); the runtime calls a filesystem only through it:
/// <c>mapping.Aops.ReadPage(file, page)</c> is a field load and an indirect call, like
/// <c>mapping-&gt;a_ops-&gt;readpage(file, page)</c>. A slot is null where the filesystem left the op out;
/// <see cref="AopsCalls"/> applies the kernel's NULL default there. Immutable.
/// </summary>
public sealed unsafe class AddressSpaceOperations
{
    /// <summary><c>writepage</c>: <c>int WritePage(Page page, WritebackControl wbc)</c>, or null.</summary>
    public readonly delegate*<Page, WritebackControl, int> WritePage;

    /// <summary><c>readpage</c>: <c>int ReadPage(OpenFile file, Page page)</c>, or null.</summary>
    public readonly delegate*<OpenFile, Page, int> ReadPage;

    /// <summary><c>writepages</c>: <c>int WritePages(AddressSpace mapping, WritebackControl wbc)</c>, or null.</summary>
    public readonly delegate*<AddressSpace, WritebackControl, int> WritePages;

    /// <summary><c>set_page_dirty</c>: <c>bool SetPageDirty(Page page)</c>, or null.</summary>
    public readonly delegate*<Page, bool> SetPageDirty;

    /// <summary><c>readpages</c>: <c>int ReadPages(OpenFile file, AddressSpace mapping, ReadOnlySpan&lt;Page&gt; pages)</c>, or null.</summary>
    public readonly delegate*<OpenFile, AddressSpace, ReadOnlySpan<Page>, int> ReadPages;

    /// <summary><c>write_begin</c>: <c>int WriteBegin(OpenFile file, AddressSpace mapping, long pos, uint len, uint flags, out Page? page, out object? fsData)</c>, or null.</summary>
    public readonly delegate*<OpenFile, AddressSpace, long, uint, uint, out Page?, out object?, int> WriteBegin;

    /// <summary><c>write_end</c>: <c>int WriteEnd(OpenFile file, AddressSpace mapping, long pos, uint len, uint copied, Page page, object? fsData)</c>, or null.</summary>
    public readonly delegate*<OpenFile, AddressSpace, long, uint, uint, Page, object?, int> WriteEnd;

    /// <summary><c>bmap</c>: <c>ulong Bmap(AddressSpace mapping, ulong block)</c>, or null.</summary>
    public readonly delegate*<AddressSpace, ulong, ulong> Bmap;

    /// <summary><c>invalidatepage</c>: <c>void InvalidatePage(Page page, ulong offset)</c>, or null.</summary>
    public readonly delegate*<Page, ulong, void> InvalidatePage;

    /// <summary><c>releasepage</c>: <c>bool ReleasePage(Page page, GfpFlags gfp)</c>, or null.</summary>
    public readonly delegate*<Page, GfpFlags, bool> ReleasePage;

    /// <summary><c>freepage</c>: <c>void FreePage(Page page)</c>, or null.</summary>
    public readonly delegate*<Page, void> FreePage;

    /// <summary><c>direct_IO</c>: <c>long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan&lt;IoVec&gt; iov, long offset)</c>, or null.</summary>
    public readonly delegate*<Rw, Kiocb, ReadOnlySpan<IoVec>, long, long> DirectIO;

    /// <summary><c>migratepage</c>: <c>int MigratePage(AddressSpace mapping, Page newPage, Page page, MigrateMode mode)</c>, or null.</summary>
    public readonly delegate*<AddressSpace, Page, Page, MigrateMode, int> MigratePage;

    /// <summary><c>launder_page</c>: <c>int LaunderPage(Page page)</c>, or null.</summary>
    public readonly delegate*<Page, int> LaunderPage;

    /// <summary><c>is_partially_uptodate</c>: <c>bool IsPartiallyUptodate(Page page, ulong from, ulong count)</c>, or null.</summary>
    public readonly delegate*<Page, ulong, ulong, bool> IsPartiallyUptodate;

    /// <summary><c>error_remove_page</c>: <c>int ErrorRemovePage(AddressSpace mapping, Page page)</c>, or null.</summary>
    public readonly delegate*<AddressSpace, Page, int> ErrorRemovePage;

    /// <summary><c>swap_activate</c>: <c>int SwapActivate(SwapInfo sis, OpenFile file, out ulong span)</c>, or null.</summary>
    public readonly delegate*<SwapInfo, OpenFile, out ulong, int> SwapActivate;

    /// <summary><c>swap_deactivate</c>: <c>void SwapDeactivate(OpenFile file)</c>, or null.</summary>
    public readonly delegate*<OpenFile, void> SwapDeactivate;

    /// <summary><c>sync_page</c>: <c>void SyncPage(Page page)</c>, or null.</summary>
    public readonly delegate*<Page, void> SyncPage;

    /// <summary><c>swap_rw</c>: <c>int SwapRw(Kiocb iocb, IovIter iter)</c>, or null.</summary>
    public readonly delegate*<Kiocb, IovIter, int> SwapRw;

    /// <summary>Builds a table. Pass the ops the filesystem has by name; the others stay null.</summary>
    /// <param name="name">How the table is shown (<c>nfs_file_aops</c>); defaults to "aops".</param>
    /// <param name="writePage">The <c>writepage</c> op, or null.</param>
    /// <param name="readPage">The <c>readpage</c> op, or null.</param>
    /// <param name="writePages">The <c>writepages</c> op, or null.</param>
    /// <param name="setPageDirty">The <c>set_page_dirty</c> op, or null.</param>
    /// <param name="readPages">The <c>readpages</c> op, or null.</param>
    /// <param name="writeBegin">The <c>write_begin</c> op, or null.</param>
    /// <param name="writeEnd">The <c>write_end</c> op, or null.</param>
    /// <param name="bmap">The <c>bmap</c> op, or null.</param>
    /// <param name="invalidatePage">The <c>invalidatepage</c> op, or null.</param>
    /// <param name="releasePage">The <c>releasepage</c> op, or null.</param>
    /// <param name="freePage">The <c>freepage</c> op, or null.</param>
    /// <param name="directIO">The <c>direct_IO</c> op, or null.</param>
    /// <param name="migratePage">The <c>migratepage</c> op, or null.</param>
    /// <param name="launderPage">The <c>launder_page</c> op, or null.</param>
    /// <param name="isPartiallyUptodate">The <c>is_partially_uptodate</c> op, or null.</param>
    /// <param name="errorRemovePage">The <c>error_remove_page</c> op, or null.</param>
    /// <param name="swapActivate">The <c>swap_activate</c> op, or null.</param>
    /// <param name="swapDeactivate">The <c>swap_deactivate</c> op, or null.</param>
    /// <param name="syncPage">The <c>sync_page</c> op, or null.</param>
    /// <param name="swapRw">The <c>swap_rw</c> op, or null.</param>
    public AddressSpaceOperations(
        string? name = null,
        delegate*<Page, WritebackControl, int> writePage = null,
        delegate*<OpenFile, Page, int> readPage = null,
        delegate*<AddressSpace, WritebackControl, int> writePages = null,
        delegate*<Page, bool> setPageDirty = null,
        delegate*<OpenFile, AddressSpace, ReadOnlySpan<Page>, int> readPages = null,
        delegate*<OpenFile, AddressSpace, long, uint, uint, out Page?, out object?, int> writeBegin = null,
        delegate*<OpenFile, AddressSpace, long, uint, uint, Page, object?, int> writeEnd = null,
        delegate*<AddressSpace, ulong, ulong> bmap = null,
        delegate*<Page, ulong, void> invalidatePage = null,
        delegate*<Page, GfpFlags, bool> releasePage = null,
        delegate*<Page, void> freePage = null,
        delegate*<Rw, Kiocb, ReadOnlySpan<IoVec>, long, long> directIO = null,
        delegate*<AddressSpace, Page, Page, MigrateMode, int> migratePage = null,
        delegate*<Page, int> launderPage = null,
        delegate*<Page, ulong, ulong, bool> isPartiallyUptodate = null,
        delegate*<AddressSpace, Page, int> errorRemovePage = null,
        delegate*<SwapInfo, OpenFile, out ulong, int> swapActivate = null,
        delegate*<OpenFile, void> swapDeactivate = null,
        delegate*<Page, void> syncPage = null,
        delegate*<Kiocb, IovIter, int> swapRw = null)
    {
        Name = string.IsNullOrEmpty(name) ? "aops" : name;
        WritePage = writePage;
        ReadPage = readPage;
        WritePages = writePages;
        SetPageDirty = setPageDirty;
        ReadPages = readPages;
        WriteBegin = writeBegin;
        WriteEnd = writeEnd;
        Bmap = bmap;
        InvalidatePage = invalidatePage;
        ReleasePage = releasePage;
        FreePage = freePage;
        DirectIO = directIO;
        MigratePage = migratePage;
        LaunderPage = launderPage;
        IsPartiallyUptodate = isPartiallyUptodate;
        ErrorRemovePage = errorRemovePage;
        SwapActivate = swapActivate;
        SwapDeactivate = swapDeactivate;
        SyncPage = syncPage;
        SwapRw = swapRw;
    }

    /// <summary>The table's name, as the filesystem declared it (<c>[AddressSpaceOperations("nfs_file_aops")]</c>).</summary>
    public string Name { get; }

    /// <summary>Whether the table has <paramref name="op"/> (its slot is not null).</summary>
    public bool Has(AddressSpaceOp op) => op switch
    {
        AddressSpaceOp.WritePage => WritePage != null,
        AddressSpaceOp.ReadPage => ReadPage != null,
        AddressSpaceOp.WritePages => WritePages != null,
        AddressSpaceOp.SetPageDirty => SetPageDirty != null,
        AddressSpaceOp.ReadPages => ReadPages != null,
        AddressSpaceOp.WriteBegin => WriteBegin != null,
        AddressSpaceOp.WriteEnd => WriteEnd != null,
        AddressSpaceOp.Bmap => Bmap != null,
        AddressSpaceOp.InvalidatePage => InvalidatePage != null,
        AddressSpaceOp.ReleasePage => ReleasePage != null,
        AddressSpaceOp.FreePage => FreePage != null,
        AddressSpaceOp.DirectIO => DirectIO != null,
        AddressSpaceOp.MigratePage => MigratePage != null,
        AddressSpaceOp.LaunderPage => LaunderPage != null,
        AddressSpaceOp.IsPartiallyUptodate => IsPartiallyUptodate != null,
        AddressSpaceOp.ErrorRemovePage => ErrorRemovePage != null,
        AddressSpaceOp.SwapActivate => SwapActivate != null,
        AddressSpaceOp.SwapDeactivate => SwapDeactivate != null,
        AddressSpaceOp.SyncPage => SyncPage != null,
        AddressSpaceOp.SwapRw => SwapRw != null,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    /// <summary>The ops the table has, in table order.</summary>
    public IReadOnlyList<AddressSpaceOp> SetOps
    {
        get
        {
            var set = new List<AddressSpaceOp>(AddressSpaceOpInfo.Count);
            for (var op = (AddressSpaceOp)0; (int)op < AddressSpaceOpInfo.Count; op++)
            {
                if (Has(op))
                {
                    set.Add(op);
                }
            }
            return set;
        }
    }

    /// <summary>The table as the kernel would initialize it: <c>nfs_file_aops { .readpage, .direct_IO, ... }</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Name).Append(" {");
        string separator = " ";
        foreach (AddressSpaceOp op in SetOps)
        {
            text.Append(separator).Append('.').Append(op.KernelName());
            separator = ", ";
        }
        return text.Append(" }").ToString();
    }

    /// <summary>One line per op: set, or the NULL default that applies, as <c>aops ops</c> prints it.</summary>
    public string Describe()
    {
        var text = new StringBuilder(Name).Append('\n');
        for (var op = (AddressSpaceOp)0; (int)op < AddressSpaceOpInfo.Count; op++)
        {
            text.Append("  ").Append(op.KernelName().PadRight(22))
                .Append(Has(op) ? "set" : "default: " + op.NullDefault()).Append('\n');
        }
        return text.ToString();
    }
}

using System.Collections.Generic;

namespace AopsGen.Tests;

/// <summary>
/// One static method per op with the table's signature, and a builder for a table that has exactly a chosen
/// set of them. The methods record the last call in static fields and return a value unique to the op;
/// test classes that call them join the <see cref="Collection"/> collection, so they never run in parallel.
/// </summary>
internal static unsafe class TestOps
{
    public const string Collection = "TestOps recorder";

    public static AddressSpaceOp? LastOp;
    public static object?[]? LastArgs;

    public const int WritePageResult = 1001;
    public const int ReadPageResult = 1002;
    public const int WritePagesResult = 1003;
    public const int ReadPagesResult = 1005;
    public const int WriteBeginResult = 1006;
    public const int WriteEndResult = 1007;
    public const ulong BmapResult = 1008;
    public const long DirectIOResult = 1012;
    public const int MigratePageResult = 1013;
    public const int LaunderPageResult = 1014;
    public const int ErrorRemovePageResult = 1016;
    public const int SwapActivateResult = 1017;
    public const ulong SwapActivateSpan = 4242;
    public const int SwapRwResult = 1020;
    public static readonly object FsData = new();

    public static void Reset()
    {
        LastOp = null;
        LastArgs = null;
    }

    private static void Record(AddressSpaceOp op, params object?[] args)
    {
        LastOp = op;
        LastArgs = args;
    }

    public static int WritePage(Page page, WritebackControl wbc) { Record(AddressSpaceOp.WritePage, page, wbc); return WritePageResult; }
    public static int ReadPage(OpenFile file, Page page) { Record(AddressSpaceOp.ReadPage, file, page); return ReadPageResult; }
    public static int WritePages(AddressSpace mapping, WritebackControl wbc) { Record(AddressSpaceOp.WritePages, mapping, wbc); return WritePagesResult; }
    public static bool SetPageDirty(Page page) { Record(AddressSpaceOp.SetPageDirty, page); return false; }
    public static int ReadPages(OpenFile file, AddressSpace mapping, ReadOnlySpan<Page> pages) { Record(AddressSpaceOp.ReadPages, file, mapping, pages.Length); return ReadPagesResult; }
    public static int WriteBegin(OpenFile file, AddressSpace mapping, long pos, uint len, uint flags, out Page? page, out object? fsData)
    {
        Record(AddressSpaceOp.WriteBegin, file, mapping, pos, len, flags);
        page = null;
        fsData = FsData;
        return WriteBeginResult;
    }
    public static int WriteEnd(OpenFile file, AddressSpace mapping, long pos, uint len, uint copied, Page page, object? fsData) { Record(AddressSpaceOp.WriteEnd, file, mapping, pos, len, copied, page, fsData); return WriteEndResult; }
    public static ulong Bmap(AddressSpace mapping, ulong block) { Record(AddressSpaceOp.Bmap, mapping, block); return BmapResult; }
    public static void InvalidatePage(Page page, ulong offset) => Record(AddressSpaceOp.InvalidatePage, page, offset);
    public static bool ReleasePage(Page page, GfpFlags gfp) { Record(AddressSpaceOp.ReleasePage, page, gfp); return false; }
    public static void FreePage(Page page) => Record(AddressSpaceOp.FreePage, page);
    public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) { Record(AddressSpaceOp.DirectIO, rw, iocb, iov.Length, offset); return DirectIOResult; }
    public static int MigratePage(AddressSpace mapping, Page newPage, Page page, MigrateMode mode) { Record(AddressSpaceOp.MigratePage, mapping, newPage, page, mode); return MigratePageResult; }
    public static int LaunderPage(Page page) { Record(AddressSpaceOp.LaunderPage, page); return LaunderPageResult; }
    public static bool IsPartiallyUptodate(Page page, ulong from, ulong count) { Record(AddressSpaceOp.IsPartiallyUptodate, page, from, count); return true; }
    public static int ErrorRemovePage(AddressSpace mapping, Page page) { Record(AddressSpaceOp.ErrorRemovePage, mapping, page); return ErrorRemovePageResult; }
    public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span)
    {
        Record(AddressSpaceOp.SwapActivate, sis, file);
        span = SwapActivateSpan;
        return SwapActivateResult;
    }
    public static void SwapDeactivate(OpenFile file) => Record(AddressSpaceOp.SwapDeactivate, file);
    public static void SyncPage(Page page) => Record(AddressSpaceOp.SyncPage, page);
    public static int SwapRw(Kiocb iocb, IovIter iter) { Record(AddressSpaceOp.SwapRw, iocb, iter.Direction, iter.Count); return SwapRwResult; }

    /// <summary>A table named <paramref name="name"/> that has exactly the ops in <paramref name="ops"/>.</summary>
    public static AddressSpaceOperations Table(string? name, IReadOnlyCollection<AddressSpaceOp> ops)
    {
        var set = new HashSet<AddressSpaceOp>(ops);
        return new AddressSpaceOperations(
            name: name,
            writePage: set.Contains(AddressSpaceOp.WritePage) ? &WritePage : null,
            readPage: set.Contains(AddressSpaceOp.ReadPage) ? &ReadPage : null,
            writePages: set.Contains(AddressSpaceOp.WritePages) ? &WritePages : null,
            setPageDirty: set.Contains(AddressSpaceOp.SetPageDirty) ? &SetPageDirty : null,
            readPages: set.Contains(AddressSpaceOp.ReadPages) ? &ReadPages : null,
            writeBegin: set.Contains(AddressSpaceOp.WriteBegin) ? &WriteBegin : null,
            writeEnd: set.Contains(AddressSpaceOp.WriteEnd) ? &WriteEnd : null,
            bmap: set.Contains(AddressSpaceOp.Bmap) ? &Bmap : null,
            invalidatePage: set.Contains(AddressSpaceOp.InvalidatePage) ? &InvalidatePage : null,
            releasePage: set.Contains(AddressSpaceOp.ReleasePage) ? &ReleasePage : null,
            freePage: set.Contains(AddressSpaceOp.FreePage) ? &FreePage : null,
            directIO: set.Contains(AddressSpaceOp.DirectIO) ? &DirectIO : null,
            migratePage: set.Contains(AddressSpaceOp.MigratePage) ? &MigratePage : null,
            launderPage: set.Contains(AddressSpaceOp.LaunderPage) ? &LaunderPage : null,
            isPartiallyUptodate: set.Contains(AddressSpaceOp.IsPartiallyUptodate) ? &IsPartiallyUptodate : null,
            errorRemovePage: set.Contains(AddressSpaceOp.ErrorRemovePage) ? &ErrorRemovePage : null,
            swapActivate: set.Contains(AddressSpaceOp.SwapActivate) ? &SwapActivate : null,
            swapDeactivate: set.Contains(AddressSpaceOp.SwapDeactivate) ? &SwapDeactivate : null,
            syncPage: set.Contains(AddressSpaceOp.SyncPage) ? &SyncPage : null,
            swapRw: set.Contains(AddressSpaceOp.SwapRw) ? &SwapRw : null);
    }

    /// <summary>The address of this class's method for <paramref name="op"/>.</summary>
    public static nint Address(AddressSpaceOp op) => op switch
    {
        AddressSpaceOp.WritePage => (nint)(delegate*<Page, WritebackControl, int>)&WritePage,
        AddressSpaceOp.ReadPage => (nint)(delegate*<OpenFile, Page, int>)&ReadPage,
        AddressSpaceOp.WritePages => (nint)(delegate*<AddressSpace, WritebackControl, int>)&WritePages,
        AddressSpaceOp.SetPageDirty => (nint)(delegate*<Page, bool>)&SetPageDirty,
        AddressSpaceOp.ReadPages => (nint)(delegate*<OpenFile, AddressSpace, ReadOnlySpan<Page>, int>)&ReadPages,
        AddressSpaceOp.WriteBegin => (nint)(delegate*<OpenFile, AddressSpace, long, uint, uint, out Page?, out object?, int>)&WriteBegin,
        AddressSpaceOp.WriteEnd => (nint)(delegate*<OpenFile, AddressSpace, long, uint, uint, Page, object?, int>)&WriteEnd,
        AddressSpaceOp.Bmap => (nint)(delegate*<AddressSpace, ulong, ulong>)&Bmap,
        AddressSpaceOp.InvalidatePage => (nint)(delegate*<Page, ulong, void>)&InvalidatePage,
        AddressSpaceOp.ReleasePage => (nint)(delegate*<Page, GfpFlags, bool>)&ReleasePage,
        AddressSpaceOp.FreePage => (nint)(delegate*<Page, void>)&FreePage,
        AddressSpaceOp.DirectIO => (nint)(delegate*<Rw, Kiocb, ReadOnlySpan<IoVec>, long, long>)&DirectIO,
        AddressSpaceOp.MigratePage => (nint)(delegate*<AddressSpace, Page, Page, MigrateMode, int>)&MigratePage,
        AddressSpaceOp.LaunderPage => (nint)(delegate*<Page, int>)&LaunderPage,
        AddressSpaceOp.IsPartiallyUptodate => (nint)(delegate*<Page, ulong, ulong, bool>)&IsPartiallyUptodate,
        AddressSpaceOp.ErrorRemovePage => (nint)(delegate*<AddressSpace, Page, int>)&ErrorRemovePage,
        AddressSpaceOp.SwapActivate => (nint)(delegate*<SwapInfo, OpenFile, out ulong, int>)&SwapActivate,
        AddressSpaceOp.SwapDeactivate => (nint)(delegate*<OpenFile, void>)&SwapDeactivate,
        AddressSpaceOp.SyncPage => (nint)(delegate*<Page, void>)&SyncPage,
        AddressSpaceOp.SwapRw => (nint)(delegate*<Kiocb, IovIter, int>)&SwapRw,
        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),
    };

    /// <summary>A table with all 20 ops.</summary>
    public static AddressSpaceOperations Full(string? name = "full_aops") => Table(name, Enum.GetValues<AddressSpaceOp>());
}

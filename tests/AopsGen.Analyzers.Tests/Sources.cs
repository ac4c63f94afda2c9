namespace AopsGen.Analyzers.Tests;

/// <summary>Building blocks of test sources: op methods with their exact signatures.</summary>
internal static class Sources
{
    public const string ReadPage = "[ReadPage] public static int ReadPage(OpenFile file, Page page) => 0;";

    public const string DirectIO = "[DirectIO] public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) => 0;";

    public const string SwapActivate = "[SwapActivate] public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span) { span = 0; return 0; }";

    public const string SwapDeactivate = "[SwapDeactivate] public static void SwapDeactivate(OpenFile file) { }";

    public const string SwapRw = "[SwapRw] public static int SwapRw(Kiocb iocb, IovIter iter) => 0;";

    /// <summary>Every op of the table, each with the right signature: a table that gives no diagnostic at all.</summary>
    public const string AllOps = """
        [WritePage] public static int WritePage(Page page, WritebackControl wbc) => 0;
        [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0;
        [WritePages] public static int WritePages(AddressSpace mapping, WritebackControl wbc) => 0;
        [SetPageDirty] public static bool SetPageDirty(Page page) => true;
        [ReadPages] public static int ReadPages(OpenFile file, AddressSpace mapping, ReadOnlySpan<Page> pages) => 0;
        [WriteBegin] public static int WriteBegin(OpenFile file, AddressSpace mapping, long pos, uint len, uint flags, out Page? page, out object? fsData) { page = null; fsData = null; return 0; }
        [WriteEnd] public static int WriteEnd(OpenFile file, AddressSpace mapping, long pos, uint len, uint copied, Page page, object? fsData) => (int)copied;
        [Bmap] public static ulong Bmap(AddressSpace mapping, ulong block) => block;
        [InvalidatePage] public static void InvalidatePage(Page page, ulong offset) { }
        [ReleasePage] public static bool ReleasePage(Page page, GfpFlags gfp) => true;
        [FreePage] public static void FreePage(Page page) { }
        [DirectIO] public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) => 0;
        [MigratePage] public static int MigratePage(AddressSpace mapping, Page newPage, Page page, MigrateMode mode) => 0;
        [LaunderPage] public static int LaunderPage(Page page) => 0;
        [IsPartiallyUptodate] public static bool IsPartiallyUptodate(Page page, ulong from, ulong count) => false;
        [ErrorRemovePage] public static int ErrorRemovePage(AddressSpace mapping, Page page) => 0;
        [SwapActivate] public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span) { span = 0; return 0; }
        [SwapDeactivate] public static void SwapDeactivate(OpenFile file) { }
        [SyncPage] public static void SyncPage(Page page) { }
        [SwapRw] public static int SwapRw(Kiocb iocb, IovIter iter) => 0;
        """;

    /// <summary>A valid swap-capable table body: readpage, direct_IO, swap_activate, swap_deactivate.</summary>
    public const string SwapOps = ReadPage + "\n" + DirectIO + "\n" + SwapActivate + "\n" + SwapDeactivate;
}

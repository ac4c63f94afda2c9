namespace AopsGen.Generators.Tests;

/// <summary>Valid filesystem classes shared by the snapshot, compile-and-run and incremental tests.</summary>
internal static class TestSources
{
    /// <summary>
    /// Every one of the 20 ops, each method written with the op's signature as OpCatalog's DisplaySignature
    /// gives it, named differently from the op so the binding shows, and recording its call in <c>Last</c>.
    /// </summary>
    public const string AllOps = """
        using System;
        using AopsGen;

        namespace Fs.AllOps;

        [AddressSpaceOperations]
        public static partial class AllOpsFs
        {
            public static string Last = "";

            [WritePage]
            public static int MyWritePage(Page page, WritebackControl wbc) { Last = "writepage"; return 0; }

            [ReadPage]
            public static int MyReadPage(OpenFile file, Page page) { Last = "readpage"; return 1; }

            [WritePages]
            public static int MyWritePages(AddressSpace mapping, WritebackControl wbc) { Last = "writepages"; return 2; }

            [SetPageDirty]
            public static bool MySetPageDirty(Page page) { Last = "set_page_dirty"; return true; }

            [ReadPages]
            public static int MyReadPages(OpenFile file, AddressSpace mapping, ReadOnlySpan<Page> pages) { Last = "readpages"; return 4; }

            [WriteBegin]
            public static int MyWriteBegin(OpenFile file, AddressSpace mapping, long pos, uint len, uint flags, out Page? page, out object? fsData)
            {
                Last = "write_begin";
                page = null;
                fsData = "fs-data";
                return 5;
            }

            [WriteEnd]
            public static int MyWriteEnd(OpenFile file, AddressSpace mapping, long pos, uint len, uint copied, Page page, object? fsData) { Last = "write_end"; return 6; }

            [Bmap]
            public static ulong MyBmap(AddressSpace mapping, ulong block) { Last = "bmap"; return 7; }

            [InvalidatePage]
            public static void MyInvalidatePage(Page page, ulong offset) { Last = "invalidatepage"; }

            [ReleasePage]
            public static bool MyReleasePage(Page page, GfpFlags gfp) { Last = "releasepage"; return true; }

            [FreePage]
            public static void MyFreePage(Page page) { Last = "freepage"; }

            [DirectIO]
            public static long MyDirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) { Last = "direct_IO"; return 11; }

            [MigratePage]
            public static int MyMigratePage(AddressSpace mapping, Page newPage, Page page, MigrateMode mode) { Last = "migratepage"; return 12; }

            [LaunderPage]
            public static int MyLaunderPage(Page page) { Last = "launder_page"; return 13; }

            [IsPartiallyUptodate]
            public static bool MyIsPartiallyUptodate(Page page, ulong from, ulong count) { Last = "is_partially_uptodate"; return true; }

            [ErrorRemovePage]
            public static int MyErrorRemovePage(AddressSpace mapping, Page page) { Last = "error_remove_page"; return 15; }

            [SwapActivate]
            public static int MySwapActivate(SwapInfo sis, OpenFile file, out ulong span) { Last = "swap_activate"; span = 16; return 16; }

            [SwapDeactivate]
            public static void MySwapDeactivate(OpenFile file) { Last = "swap_deactivate"; }

            [SyncPage]
            public static void MySyncPage(Page page) { Last = "sync_page"; }

            [SwapRw]
            public static int MySwapRw(Kiocb iocb, IovIter iter) { Last = "swap_rw"; return 19; }
        }
        """;

    /// <summary>
    /// Three ops in a non-static internal class in a block namespace, and a <c>Probe()</c> that calls through
    /// <c>Operations</c> (table and NULL defaults) and through <c>StaticOps</c> (compile-time dispatch).
    /// </summary>
    public const string FewOps = """
        using System;
        using AopsGen;

        namespace Fs.Few
        {
            [AddressSpaceOperations("few_aops")]
            internal partial class FewOpsFs
            {
                public static string Last = "";

                [ReadPage]
                internal static int ReadPage(OpenFile file, Page page) { Last += "ReadPage;"; return 42; }

                [DirectIO]
                private static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) { Last += "DirectIO@" + offset + ";"; return offset + 1; }

                [SwapActivate]
                public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span) { Last += "SwapActivate;"; span = 1234; return 0; }
            }

            public static class Probe
            {
                public static string Run()
                {
                    AddressSpaceOperations table = FewOpsFs.Operations;
                    int read = AopsCalls.ReadPage(table, null!, null!);
                    long direct = AopsCalls.DirectIO(table, Rw.Write, null!, default, 7);
                    int activate = AopsCalls.SwapActivate(table, null!, null!, out ulong span);
                    ulong bmap = AopsCalls.Bmap(table, null!, 9);
                    string viaTable = $"{table}|{read}|{direct}|{activate}/{span}|{bmap}|{FewOpsFs.Last}";
                    FewOpsFs.Last = "";
                    return viaTable + "||" + ViaStaticOps<FewOpsFs.StaticOps>() + "|" + FewOpsFs.Last
                        + "|" + ReferenceEquals(FewOpsFs.Operations, table) + "|" + ReferenceEquals(FewOpsFs.StaticOps.Operations, table);
                }

                private static string ViaStaticOps<TOps>()
                    where TOps : struct, IAddressSpaceOperations<TOps>
                {
                    int read = TOps.ReadPage(null!, null!);
                    long direct = TOps.DirectIO(Rw.Read, null!, default, 2);
                    int activate = TOps.SwapActivate(null!, null!, out ulong span);
                    ulong bmap = TOps.Bmap(null!, 9);
                    int writeBegin = TOps.WriteBegin(null!, null!, 0, 0, 0, out Page? page, out object? fsData);
                    return $"{read}|{direct}|{activate}/{span}|{bmap}|{writeBegin}/{page is null}/{fsData is null}";
                }
            }
        }
        """;
}

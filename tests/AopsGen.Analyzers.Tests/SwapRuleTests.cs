using System.Collections.Immutable;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;
using static AopsGen.Analyzers.Tests.AnalyzerHarness;

namespace AopsGen.Analyzers.Tests;

/// <summary>AOPS005 and AOPS006 — exactly the swap-capable tables swapon refuses — and AOPS011.</summary>
public sealed class SwapRuleTests
{
    // The three activations swapon tells apart (src/AopsGen/Swap/SwapOn.cs, SetUpSwapExtents).
    private const string FsOpsActivate = "[SwapActivate] public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span) { span = 0; sis.Flags |= SwapFlags.FsOps; return sis.AddSwapExtent(0, sis.Max, 0); }";
    private const string ExtentsActivate = "[SwapActivate] public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span) { span = 0; return sis.AddSwapExtent(0, 1, 100); }";
    private const string FileActivate = "[SwapActivate] public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span) { span = 0; return 0; }";

    private static string Table(params string[] ops) => "[AddressSpaceOperations] public static partial class Fs\n{\n" + string.Join("\n", ops) + "\n}";

    [Fact]
    public async Task AOPS005_swap_activate_sets_SWP_FS_OPS_in_a_table_without_swap_rw()
    {
        ImmutableArray<Diagnostic> diagnostics = await VerifyAsync(Table(Sources.ReadPage, Sources.DirectIO, FsOpsActivate.Replace("int SwapActivate(", "int {|AOPS005:SwapActivate|}(")));
        Assert.Equal(
            "'Fs' sets SwapFlags.FsOps in 'SwapActivate' but has no [SwapRw]: swapon refuses the file (EINVAL), an SWP_FS_OPS area reads and writes only through swap_rw",
            diagnostics[0].GetMessage());
    }

    [Fact]
    public async Task AOPS006_an_SWP_FILE_activation_without_direct_IO()
    {
        ImmutableArray<Diagnostic> diagnostics = await VerifyAsync(Table(Sources.ReadPage, Sources.SwapRw, Sources.SwapDeactivate, FileActivate.Replace("int SwapActivate(", "int {|AOPS006:SwapActivate|}(")));
        Assert.Equal(
            "'Fs' has [SwapActivate] but no [DirectIO]: an activation that neither sets SwapFlags.FsOps nor adds extents makes an SWP_FILE area, written with direct_IO, and swapon refuses it without (EINVAL)",
            diagnostics[0].GetMessage());
    }

    [Fact]
    public async Task AOPS006_no_readpage_whatever_the_activation()
    {
        ImmutableArray<Diagnostic> diagnostics = await VerifyAsync(Table(Sources.DirectIO, FileActivate.Replace("int SwapActivate(", "int {|AOPS006:SwapActivate|}(")));
        Assert.Equal("'Fs' has [SwapActivate] but no [ReadPage]: swapon reads the swap header with readpage and refuses a file without it (EINVAL)", diagnostics[0].GetMessage());
        await VerifyAsync(Table(ExtentsActivate.Replace("int SwapActivate(", "int {|AOPS006:SwapActivate|}(")));
        await VerifyAsync(Table(FsOpsActivate.Replace("int SwapActivate(", "int {|AOPS005,AOPS006:SwapActivate|}(")));
        await VerifyAsync(Table(FileActivate.Replace("int SwapActivate(", "int {|AOPS006,AOPS006:SwapActivate|}(")));
    }

    [Fact]
    public async Task Tables_swapon_accepts_draw_neither_AOPS005_nor_AOPS006()
    {
        // SWP_FILE (3.6): readpage and direct_IO; swap_deactivate is optional.
        await VerifyAsync(Table(Sources.ReadPage, Sources.DirectIO, FileActivate));
        await VerifyAsync("[AddressSpaceOperations] public static partial class Fs {\n" + Sources.SwapOps + "\n}");
        // SWP_FS_OPS (5.19+): readpage and swap_rw.
        await VerifyAsync(Table(Sources.ReadPage, Sources.SwapRw, FsOpsActivate, Sources.SwapDeactivate));
        await VerifyAsync(Table(Sources.ReadPage, Sources.SwapRw, FsOpsActivate.Replace("SwapFlags.FsOps", "AopsGen.SwapFlags.FsOps")));
        // Extents (6.x, as ext4 and xfs: no swap_deactivate): readpage only, the core writes the block device.
        await VerifyAsync(Table(Sources.ReadPage, ExtentsActivate));
        // No swap_activate: the bmap walk, or no swap at all.
        await VerifyAsync(Table(Sources.ReadPage));
    }

    [Fact]
    public async Task AOPS011_throw_statement_expression_and_rethrow_in_op_methods()
    {
        ImmutableArray<Diagnostic> diagnostics = await VerifyAsync("""
            [AddressSpaceOperations] public static partial class Fs
            {
                [ReadPage] public static int ReadPage(OpenFile file, Page page)
                {
                    if (page is null) {|AOPS011:throw|} new ArgumentNullException(nameof(page));
                    try { return 0; }
                    catch (InvalidOperationException) { {|AOPS011:throw|}; }
                }
                [WritePage] public static int WritePage(Page page, WritebackControl wbc) => page is null ? {|AOPS011:throw|} new InvalidOperationException() : 0;
            }
            """);
        Assert.Equal("Op method 'ReadPage' throws; an op reports failure by returning a negative errno (Errnos.Neg(Errno.EIO)), as in the kernel", diagnostics[0].GetMessage());
    }

    [Fact]
    public async Task AOPS011_not_reported_for_errno_returns_or_helpers_that_throw()
    {
        await VerifyAsync("""
            [AddressSpaceOperations] public static partial class Fs
            {
                [ReadPage] public static int ReadPage(OpenFile file, Page page) => page is null ? Errnos.Neg(Errno.EIO) : 0;
                public static void Check(Page page) { if (page is null) throw new ArgumentNullException(nameof(page)); }
            }
            """);
    }
}

using System.Threading.Tasks;
using Xunit;
using static AopsGen.Analyzers.Tests.AopsAnalyzerTest;

namespace AopsGen.Analyzers.Tests;

/// <summary>AOPS005 and AOPS006 — exactly the swap-capable tables swapon refuses — and AOPS011.</summary>
public sealed class SwapRuleTests
{
    // The three activations swapon tells apart (src/AopsGen/Swap/SwapOn.cs, SetUpSwapExtents).
    private const string FsOpsActivate = "[SwapActivate] public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span) { span = 0; sis.Flags |= SwapFlags.FsOps; return sis.AddSwapExtent(0, sis.Max, 0); }";
    private const string ExtentsActivate = "[SwapActivate] public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span) { span = 0; return sis.AddSwapExtent(0, 1, 100); }";
    private const string FileActivate = "[SwapActivate] public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span) { span = 0; return 0; }";

    private static string Table(params string[] ops) => "[AddressSpaceOperations] public static partial class Fs\n{\n" + string.Join("\n", ops) + "\n}";

    private static string Marked(string activate, string markup) => activate.Replace("int SwapActivate(", "int " + markup + "(", System.StringComparison.Ordinal);

    [Fact]
    public async Task AOPS005_swap_activate_sets_SWP_FS_OPS_in_a_table_without_swap_rw()
    {
        await VerifyAsync(
            Table(Sources.ReadPage, Sources.DirectIO, Marked(FsOpsActivate, "{|#0:SwapActivate|}")),
            Diagnostic(AopsDiagnostics.SwapFsOpsWithoutSwapRw, 0).WithMessage(
                "'Fs' sets SwapFlags.FsOps in 'SwapActivate' but has no [SwapRw]: swapon refuses the file (EINVAL), an SWP_FS_OPS area reads and writes only through swap_rw"));
    }

    [Fact]
    public async Task AOPS006_an_SWP_FILE_activation_without_direct_IO()
    {
        await VerifyAsync(
            Table(Sources.ReadPage, Sources.SwapRw, Sources.SwapDeactivate, Marked(FileActivate, "{|#0:SwapActivate|}")),
            Diagnostic(AopsDiagnostics.SwapFileWithoutIo, 0).WithMessage(
                "'Fs' has [SwapActivate] but no [DirectIO]: an activation that neither sets SwapFlags.FsOps nor adds extents makes an SWP_FILE area, written with direct_IO, and swapon refuses it without (EINVAL)"));
    }

    [Fact]
    public async Task AOPS006_no_readpage_whatever_the_activation()
    {
        const string NoReadPage = "swapon reads the swap header with readpage and refuses a file without it (EINVAL)";
        await VerifyAsync(
            Table(Sources.DirectIO, Marked(FileActivate, "{|#0:SwapActivate|}")),
            Diagnostic(AopsDiagnostics.SwapFileWithoutIo, 0).WithMessage("'Fs' has [SwapActivate] but no [ReadPage]: " + NoReadPage));
        await VerifyAsync(
            Table(Marked(ExtentsActivate, "{|#0:SwapActivate|}")),
            Diagnostic(AopsDiagnostics.SwapFileWithoutIo, 0).WithArguments("Fs", "[ReadPage]", NoReadPage));
        await VerifyAsync(
            Table(Marked(FsOpsActivate, "{|#0:SwapActivate|}")),
            Diagnostic(AopsDiagnostics.SwapFsOpsWithoutSwapRw, 0).WithArguments("Fs", "SwapActivate"),
            Diagnostic(AopsDiagnostics.SwapFileWithoutIo, 0).WithArguments("Fs", "[ReadPage]", NoReadPage));
        await VerifyAsync(
            Table(Marked(FileActivate, "{|#0:SwapActivate|}")),
            Diagnostic(AopsDiagnostics.SwapFileWithoutIo, 0).WithArguments("Fs", "[DirectIO]", "an activation that neither sets SwapFlags.FsOps nor adds extents makes an SWP_FILE area, written with direct_IO, and swapon refuses it without (EINVAL)"),
            Diagnostic(AopsDiagnostics.SwapFileWithoutIo, 0).WithArguments("Fs", "[ReadPage]", NoReadPage));
    }

    [Fact]
    public async Task Tables_swapon_accepts_draw_neither_AOPS005_nor_AOPS006()
    {
        // SWP_FILE (3.6): readpage and direct_IO; swap_deactivate is optional.
        await VerifyAsync(Table(Sources.ReadPage, Sources.DirectIO, FileActivate));
        await VerifyAsync(Table(Sources.SwapOps));
        // SWP_FS_OPS (5.19+): readpage and swap_rw.
        await VerifyAsync(Table(Sources.ReadPage, Sources.SwapRw, FsOpsActivate, Sources.SwapDeactivate));
        await VerifyAsync(Table(Sources.ReadPage, Sources.SwapRw, FsOpsActivate.Replace("SwapFlags.FsOps", "AopsGen.SwapFlags.FsOps", System.StringComparison.Ordinal)));
        // Extents (6.x, as ext4 and xfs: no swap_deactivate): readpage only, the core writes the block device.
        await VerifyAsync(Table(Sources.ReadPage, ExtentsActivate));
        // No swap_activate: the bmap walk, or no swap at all.
        await VerifyAsync(Table(Sources.ReadPage));
    }

    [Fact]
    public async Task AOPS005_and_AOPS006_not_reported_for_a_swap_activate_the_generator_skips()
    {
        // Not static (AOPS002) or not the signature (AOPS003): the table gets no swap_activate, so swapon refuses the
        // file before it could need swap_rw, direct_IO or readpage.
        await VerifyAsync("[AddressSpaceOperations] public static partial class Fs\n{\n"
            + "[SwapActivate] public static long {|AOPS003:SwapActivate|}(SwapInfo sis, OpenFile file, out ulong span) { span = 0; return 0; }\n}");
        await VerifyAsync("[AddressSpaceOperations] public partial class Fs\n{\n"
            + "[SwapActivate] public int {|AOPS002:SwapActivate|}(SwapInfo sis, OpenFile file, out ulong span) { span = 0; return 0; }\n}");
    }

    [Fact]
    public async Task AOPS006_counts_only_the_ops_the_table_gets()
    {
        // The [ReadPage] here gets no slot (AOPS003): swapon cannot read the header through it. The invalid
        // [SwapDeactivate] (AOPS002) draws nothing more: swap_deactivate is optional.
        await VerifyAsync("[AddressSpaceOperations] public partial class Fs\n{\n"
            + Sources.DirectIO + "\n"
            + "[ReadPage] public static long {|AOPS003:ReadPage|}(OpenFile file, Page page) => 0;\n"
            + "[SwapDeactivate] public void {|AOPS002:SwapDeactivate|}(OpenFile file) { }\n"
            + "[SwapActivate] public static int {|AOPS006:SwapActivate|}(SwapInfo sis, OpenFile file, out ulong span) { span = 0; return 0; }\n}");
    }

    [Fact]
    public async Task AOPS011_throw_statement_expression_and_rethrow_in_op_methods()
    {
        await VerifyAsync(
            """
            [AddressSpaceOperations] public static partial class Fs
            {
                [ReadPage] public static int ReadPage(OpenFile file, Page page)
                {
                    if (page is null) {|#0:throw|} new ArgumentNullException(nameof(page));
                    try { return 0; }
                    catch (InvalidOperationException) { {|AOPS011:throw|}; }
                }
                [WritePage] public static int WritePage(Page page, WritebackControl wbc) => page is null ? {|AOPS011:throw|} new InvalidOperationException() : 0;
            }
            """,
            Diagnostic(AopsDiagnostics.OpThrows, 0).WithMessage(
                "Op method 'ReadPage' throws; an op reports failure by returning a negative errno (Errnos.Neg(Errno.EIO)), as in the kernel"));
    }

    [Fact]
    public async Task AOPS011_throw_in_a_lambda_a_local_function_or_the_body_of_a_partial_op_method()
    {
        await VerifyAsync("""
            [AddressSpaceOperations] public static partial class Fs
            {
                [ReadPage] public static int ReadPage(OpenFile file, Page page)
                {
                    Func<int> check = () => page is null ? {|AOPS011:throw|} new ArgumentNullException(nameof(page)) : 0;
                    return Local() + check();
                    static int Local() => {|AOPS011:throw|} new InvalidOperationException();
                }
                [WritePage] public static partial int WritePage(Page page, WritebackControl wbc);
                public static partial int WritePage(Page page, WritebackControl wbc) { {|AOPS011:throw|} new InvalidOperationException(); }
            }
            """);
    }

    [Fact]
    public async Task AOPS011_not_reported_for_throw_in_a_comment_a_string_or_an_identifier()
    {
        await VerifyAsync("""
            [AddressSpaceOperations] public static partial class Fs
            {
                [ReadPage] public static int ReadPage(OpenFile file, Page page)
                {
                    // throw new InvalidOperationException(); is what this op must never do
                    string text = "throw";
                    int @throw = text.Length; /* throw */
                    return @throw - 5;
                }
            }
            """);
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

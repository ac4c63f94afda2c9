using System.Threading.Tasks;
using Xunit;
using static AopsGen.Analyzers.Tests.AopsAnalyzerTest;

namespace AopsGen.Analyzers.Tests;

/// <summary>AOPS005, AOPS006, AOPS011.</summary>
public sealed class SwapRuleTests
{
    [Fact]
    public async Task AOPS005_swap_activate_without_swap_deactivate()
    {
        await VerifyAsync(
            "[AddressSpaceOperations] public static partial class Fs\n{\n"
            + Sources.ReadPage + "\n" + Sources.DirectIO + "\n"
            + "[SwapActivate] public static int {|#0:Activate|}(SwapInfo sis, OpenFile file, out ulong span) { span = 0; return 0; }\n}",
            Diagnostic(AopsDiagnostics.SwapActivateWithoutDeactivate, 0).WithMessage(
                "'Fs' has [SwapActivate] but no [SwapDeactivate]: swapoff cannot release what 'Activate' pinned"));
    }

    [Fact]
    public async Task AOPS005_and_AOPS006_not_reported_for_complete_swap_tables_or_tables_without_swap_activate()
    {
        await VerifyAsync("[AddressSpaceOperations] public static partial class Fs {\n" + Sources.SwapOps + "\n}");
        await VerifyAsync("[AddressSpaceOperations] public static partial class Fs {\n" + Sources.ReadPage + "\n" + Sources.SwapRw + "\n" + Sources.SwapActivate + "\n" + Sources.SwapDeactivate + "\n}");
        await VerifyAsync("[AddressSpaceOperations] public static partial class Fs {\n" + Sources.ReadPage + "\n}");
    }

    [Fact]
    public async Task AOPS005_and_AOPS006_not_reported_for_a_swap_activate_the_generator_skips()
    {
        // Not static (AOPS002) or not the signature (AOPS003): the table gets no swap_activate, so swapon refuses the
        // file before it could need swap_deactivate, direct_IO or readpage.
        await VerifyAsync("[AddressSpaceOperations] public static partial class Fs\n{\n"
            + "[SwapActivate] public static long {|AOPS003:SwapActivate|}(SwapInfo sis, OpenFile file, out ulong span) { span = 0; return 0; }\n}");
        await VerifyAsync("[AddressSpaceOperations] public partial class Fs\n{\n"
            + "[SwapActivate] public int {|AOPS002:SwapActivate|}(SwapInfo sis, OpenFile file, out ulong span) { span = 0; return 0; }\n}");
    }

    [Fact]
    public async Task AOPS005_and_AOPS006_count_only_the_ops_the_table_gets()
    {
        // The [SwapDeactivate] and [ReadPage] here get no slot (AOPS002, AOPS003): swapoff and swap-in cannot call them.
        await VerifyAsync("[AddressSpaceOperations] public partial class Fs\n{\n"
            + Sources.DirectIO + "\n"
            + "[ReadPage] public static long {|AOPS003:ReadPage|}(OpenFile file, Page page) => 0;\n"
            + "[SwapDeactivate] public void {|AOPS002:SwapDeactivate|}(OpenFile file) { }\n"
            + "[SwapActivate] public static int {|AOPS005:{|AOPS006:SwapActivate|}|}(SwapInfo sis, OpenFile file, out ulong span) { span = 0; return 0; }\n}");
    }

    [Fact]
    public async Task AOPS006_no_write_path()
    {
        await VerifyAsync(
            "[AddressSpaceOperations] public static partial class Fs\n{\n"
            + Sources.ReadPage + "\n" + Sources.SwapDeactivate + "\n"
            + "[SwapActivate] public static int {|#0:SwapActivate|}(SwapInfo sis, OpenFile file, out ulong span) { span = 0; return 0; }\n}",
            Diagnostic(AopsDiagnostics.SwapFileWithoutIo, 0).WithMessage(
                "'Fs' has [SwapActivate] but no [DirectIO] or [SwapRw]: the swap core writes pages out to a swap file through direct_IO (swap_rw since 5.19), so swap-out to this file fails"));
    }

    [Fact]
    public async Task AOPS006_no_read_path_and_both_missing()
    {
        await VerifyAsync(
            "[AddressSpaceOperations] public static partial class Fs\n{\n"
            + Sources.DirectIO + "\n" + Sources.SwapDeactivate + "\n"
            + "[SwapActivate] public static int {|#0:SwapActivate|}(SwapInfo sis, OpenFile file, out ulong span) { span = 0; return 0; }\n}",
            Diagnostic(AopsDiagnostics.SwapFileWithoutIo, 0).WithMessage(
                "'Fs' has [SwapActivate] but no [ReadPage]: swapon refuses a file without readpage (EINVAL), and swapped-out pages are read back through it"));

        await VerifyAsync(
            "[AddressSpaceOperations] public static partial class Fs\n{\n"
            + "[SwapActivate] public static int {|#0:SwapActivate|}(SwapInfo sis, OpenFile file, out ulong span) { span = 0; return 0; }\n}",
            Diagnostic(AopsDiagnostics.SwapActivateWithoutDeactivate, 0).WithArguments("Fs", "SwapActivate"),
            Diagnostic(AopsDiagnostics.SwapFileWithoutIo, 0).WithArguments("Fs", "[DirectIO] or [SwapRw]", "the swap core writes pages out to a swap file through direct_IO (swap_rw since 5.19), so swap-out to this file fails"),
            Diagnostic(AopsDiagnostics.SwapFileWithoutIo, 0).WithArguments("Fs", "[ReadPage]", "swapon refuses a file without readpage (EINVAL), and swapped-out pages are read back through it"));
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

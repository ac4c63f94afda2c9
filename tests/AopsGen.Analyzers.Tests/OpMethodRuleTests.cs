using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static AopsGen.Analyzers.Tests.AopsAnalyzerTest;

namespace AopsGen.Analyzers.Tests;

/// <summary>AOPS002, AOPS003, AOPS009, AOPS013.</summary>
public sealed class OpMethodRuleTests
{
    [Fact]
    public async Task AOPS002_instance_op_method()
    {
        await VerifyAsync(
            """
            [AddressSpaceOperations] public partial class Fs
            {
                [ReadPage] public int {|#0:ReadPage|}(OpenFile file, Page page) => 0;
            }
            """,
            Diagnostic(AopsDiagnostics.NotStatic, 0)
                .WithMessage("Op method 'ReadPage' must be static: the table holds its address, as a kernel table holds a function pointer"));
    }

    [Fact]
    public async Task AOPS002_and_AOPS003_name_their_op_for_the_code_fixes()
    {
        // The framework does not compare Diagnostic.Properties; the fixes find their op there.
        AnalysisRun run = await AnalyzerHarness.AnalyzeAsync(new[] { AopsTestSetup.Usings + """
            [AddressSpaceOperations] public partial class Fs
            {
                [ReadPage] public int ReadPage(OpenFile file, Page page) => 0;
                [DirectIO] public static int Direct(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) => 0;
            }
            """ });
        AnalyzerHarness.AssertNoAnalyzerFailure(run);
        Assert.Equal(new[] { "AOPS002:ReadPage", "AOPS003:DirectIO" }, run.Aops.Select(d => d.Id + ":" + d.Properties[AopsDiagnostics.OpProperty]));
    }

    [Fact]
    public async Task AOPS002_and_AOPS003_together_when_both_are_wrong()
    {
        await VerifyAsync("""
            [AddressSpaceOperations] public partial class Fs
            {
                [ReadPage] public long {|AOPS002:{|AOPS003:ReadPage|}|}(OpenFile file, Page page) => 0;
            }
            """);
    }

    [Fact]
    public async Task AOPS002_not_reported_for_static_ops_or_instance_methods_without_op_attributes()
    {
        await VerifyAsync("""
            [AddressSpaceOperations] public partial class Fs
            {
                [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0;
                public int Helper(OpenFile file, Page page) => 0;
            }
            """);
    }

    [Theory]
    [InlineData("long {|AOPS003:ReadPage|}(OpenFile file, Page page)")] // return type
    [InlineData("int {|AOPS003:ReadPage|}(Page page, OpenFile file)")] // parameter order
    [InlineData("int {|AOPS003:ReadPage|}(OpenFile file)")] // too few
    [InlineData("int {|AOPS003:ReadPage|}(OpenFile file, Page page, int extra)")] // too many
    [InlineData("int {|AOPS003:ReadPage|}(OpenFile file, ref Page page)")] // ref kind
    [InlineData("int {|AOPS003:ReadPage|}<T>(OpenFile file, Page page)")] // generic
    [InlineData("ref int {|AOPS003:ReadPage|}(OpenFile file, Page page) => ref Box")] // returns by ref
    public async Task AOPS003_signature_differs(string signature)
    {
        string body = signature.Contains("=>", StringComparison.Ordinal) ? ";" : " => 0;";
        await VerifyAsync("[AddressSpaceOperations] public static partial class Fs { private static int Box; [ReadPage] public static " + signature + body + " }");
    }

    [Fact]
    public async Task AOPS003_op_attribute_on_a_local_function_says_it_is_a_local_function_and_offers_no_fix()
    {
        const string Source = """
            [AddressSpaceOperations] public partial class Fs
            {
                public static int Outer() { [ReadPage] static int {|#0:Local|}(OpenFile file, Page page) => 0; return Local(null!, null!); }
            }
            """;
        DiagnosticResult expected = Diagnostic(AopsDiagnostics.WrongSignature, 0).WithMessage(
            "'Local' is a local function; the generator binds only methods declared in the table class, so it cannot fill the slot of [ReadPage] (readpage); expected: static int ReadPage(OpenFile file, Page page)");
        await VerifyAsync(Source, expected);

        // No fix: rewriting would change the outer method, which is no op.
        var fix = new AopsCodeFixTest<AopsGen.CodeFixes.FixSignatureCodeFix> { TestCode = AopsTestSetup.Usings + Source, FixedCode = AopsTestSetup.Usings + Source };
        fix.ExpectedDiagnostics.Add(expected);
        await fix.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AOPS003_op_attribute_on_a_local_function_in_a_lambda_of_a_field_initializer_says_it_is_a_local_function()
    {
        // No method declares it: the field's initializer does, through a lambda.
        await VerifyAsync(
            """
            [AddressSpaceOperations] public partial class Fs
            {
                private static readonly Func<int> Probe = () => { [WritePage] static int {|#0:Local|}(Page page, WritebackControl wbc) => 0; return Local(null!, null!); };
                private int[] _counts = new int[2];
                public int First => _counts[0];
            }
            """,
            Diagnostic(AopsDiagnostics.WrongSignature, 0).WithMessage(
                "'Local' is a local function; the generator binds only methods declared in the table class, so it cannot fill the slot of [WritePage] (writepage); expected: static int WritePage(Page page, WritebackControl wbc)"));
    }

    [Fact]
    public async Task AOPS003_reported_once_for_a_local_function_with_two_attribute_lists()
    {
        await VerifyAsync(
            """
            [AddressSpaceOperations] public partial class Fs
            {
                public static int Outer() { [System.Obsolete] [ReadPage] static int {|#0:Local|}(OpenFile file, Page page) => 0; return 0; }
            }
            """,
            Diagnostic(AopsDiagnostics.WrongSignature, 0).WithMessage(
                "'Local' is a local function; the generator binds only methods declared in the table class, so it cannot fill the slot of [ReadPage] (readpage); expected: static int ReadPage(OpenFile file, Page page)"));
    }

    [Fact]
    public async Task AOPS003_op_attribute_on_a_property_accessor_says_it_is_an_accessor()
    {
        await VerifyAsync(
            """
            [AddressSpaceOperations] public static partial class Fs
            {
                public static int Size { [LaunderPage] {|#0:get|} => 0; }
            }
            """,
            Diagnostic(AopsDiagnostics.WrongSignature, 0).WithMessage(
                "'get_Size' is a property accessor; C# cannot take an accessor's address, so it cannot fill the slot of [LaunderPage] (launder_page); expected: static int LaunderPage(Page page)"));
    }

    [Fact]
    public async Task AOPS003_message_shows_the_expected_csharp_signature()
    {
        await VerifyAsync(
            """
            [AddressSpaceOperations] public static partial class Fs
            {
                [WriteBegin] public static int {|#0:Begin|}(OpenFile file, AddressSpace mapping, long pos, uint len, uint flags, out Page? page) { page = null; return 0; }
                [DirectIO] public static int {|#1:Direct|}(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) => 0;
            }
            """,
            Diagnostic(AopsDiagnostics.WrongSignature, 0).WithMessage(
                "'Begin' does not have the signature of [WriteBegin] (write_begin); expected: static int WriteBegin(OpenFile file, AddressSpace mapping, long pos, uint len, uint flags, out Page? page, out object? fsData)"),
            Diagnostic(AopsDiagnostics.WrongSignature, 1).WithMessage(
                "'Direct' does not have the signature of [DirectIO] (direct_IO); expected: static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset)"));
    }

    [Fact]
    public async Task AOPS003_not_reported_for_other_parameter_names_or_nullability()
    {
        await VerifyAsync("""
            #nullable disable
            [AddressSpaceOperations] public static partial class Fs
            {
                [ReadPage] public static int Read(OpenFile f, Page p) => 0;
                [WriteBegin] public static int Begin(OpenFile a, AddressSpace b, long c, uint d, uint e, out Page g, out object h) { g = null; h = null; return 0; }
            }
            #nullable enable
            [AddressSpaceOperations] public static partial class Gs
            {
                [WriteEnd] public static int End(OpenFile? file, AddressSpace mapping, long pos, uint len, uint copied, Page page, object fsData) => 0;
            }
            """);
    }

    [Fact]
    public async Task AOPS013_partial_op_method_without_implementation()
    {
        await VerifyAsync(
            """
            [AddressSpaceOperations] public static partial class Fs
            {
                [FreePage] static partial void {|#0:FreePage|}(Page page);
                [SyncPage] static partial void SyncPage(Page page);
                static partial void SyncPage(Page page) { }
            }
            """,
            Diagnostic(AopsDiagnostics.PartialWithoutImplementation, 0).WithMessage(
                "Op method 'FreePage' is a partial method with no implementing declaration; the compiler removes it, so it gets no slot in the table"));

        AnalysisRun run = await AnalyzerHarness.AnalyzeAsync(new[] { AopsTestSetup.Usings + "[AddressSpaceOperations] public static partial class Fs { [FreePage] static partial void FreePage(Page page); }" });
        Assert.DoesNotContain("freePage:", run.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AOPS009_op_attribute_in_a_class_without_the_table_attribute()
    {
        await VerifyAsync(
            """
            public static partial class Forgotten
            {
                [{|#0:ReadPage|}] public static int ReadPage(OpenFile file, Page page) => 0;
                [{|AOPS009:DirectIO|}] public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) => 0;
            }
            """,
            Diagnostic(AopsDiagnostics.OpOutsideTable, 0).WithMessage(
                "[ReadPage] on 'ReadPage' has no effect: 'Forgotten' has no [AddressSpaceOperations], so no table is generated for it"));
    }

    [Fact]
    public async Task AOPS009_for_a_type_nested_in_a_table_whose_own_methods_are_not_the_table()
    {
        await VerifyAsync("""
            [AddressSpaceOperations] public static partial class Fs
            {
                [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0;
                public static class Nested { [{|AOPS009:WritePage|}] public static int WritePage(Page page, WritebackControl wbc) => 0; }
            }
            """);
    }

    [Fact]
    public async Task AOPS009_not_reported_in_tables_or_for_other_attributes()
    {
        await VerifyAsync("""
            [AddressSpaceOperations] public static partial class Fs { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }
            public static class Plain { [Obsolete] public static int ReadPage(OpenFile file, Page page) => 0; [NoAlloc] public static int Zero() => 0; }
            """);
    }
}

using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static AopsGen.Analyzers.Tests.AopsAnalyzerTest;

namespace AopsGen.Analyzers.Tests;

/// <summary>AOPS001, AOPS004, AOPS007, AOPS010, AOPS012, and the clean table that reports nothing.</summary>
public sealed class TableRuleTests
{
    [Fact]
    public async Task A_table_with_every_op_reports_nothing_even_beside_its_generated_members()
    {
        // Tables() reads the generated Operations: without the generator's output the test code would not compile.
        await VerifyAsync("[AddressSpaceOperations(\"all_aops\")] public static partial class AllFs {\n" + Sources.AllOps + "\n}\n"
            + "public static class Tables { public static AddressSpaceOperations All => AllFs.Operations; }");
    }

    [Fact]
    public async Task AOPS001_table_class_not_partial()
    {
        await VerifyAsync(
            "[AddressSpaceOperations] public static class {|#0:Fs|} { " + Sources.ReadPage + " }",
            Diagnostic(AopsDiagnostics.NotPartial, 0).WithMessage("'Fs' must be partial: the generator adds the Operations table of 'Fs' by reopening it"));
    }

    [Fact]
    public async Task AOPS001_every_containing_type_not_partial_is_reported_with_the_table_it_holds()
    {
        await VerifyAsync(
            """
            public class {|#0:Outer|}
            {
                public partial class Middle
                {
                    public class {|#1:Inner|}
                    {
                        [AddressSpaceOperations] public static partial class Fs { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }
                    }
                }
            }
            """,
            Diagnostic(AopsDiagnostics.NotPartial, 0).WithArguments("Outer", "Fs"),
            Diagnostic(AopsDiagnostics.NotPartial, 1).WithArguments("Inner", "Fs"));
    }

    [Fact]
    public async Task AOPS001_not_reported_for_partial_tables_or_for_types_without_tables()
    {
        await VerifyAsync("""
            public partial class Outer { [AddressSpaceOperations] internal sealed partial class Fs { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; } }
            public class Plain { public class Nested { } }
            public static class Helpers { public static int Twice(int x) => 2 * x; }
            """);
    }

    [Fact]
    public async Task AOPS004_second_of_two_methods_for_one_op()
    {
        await VerifyAsync(
            """
            [AddressSpaceOperations] public static partial class Fs
            {
                [ReadPage] public static int ReadPageA(OpenFile file, Page page) => 0;
                [ReadPage] public static int {|#0:ReadPageB|}(OpenFile file, Page page) => 0;
                [ReadPage] public static int {|#1:ReadPageC|}(OpenFile file, Page page) => 0;
            }
            """,
            Diagnostic(AopsDiagnostics.DuplicateOp, 0).WithMessage(
                "'ReadPageB' declares [ReadPage] again; the table of 'Fs' uses 'ReadPageA', which comes first by file path, then position"),
            Diagnostic(AopsDiagnostics.DuplicateOp, 1).WithArguments("ReadPageC", "ReadPage", "Fs", "ReadPageA"));
    }

    [Fact]
    public async Task AOPS004_first_is_chosen_by_file_path_then_position_as_the_generator_does()
    {
        // Test1.cs's method comes first by position, but Test0.cs comes first by path: Test1's is the duplicate.
        string first = AopsTestSetup.Usings + "public static partial class Fs\n{\n\n\n\n\n\n\n\n\n    [ReadPage] public static int FromSource0(OpenFile file, Page page) => 0;\n}";
        string second = AopsTestSetup.Usings + "[AddressSpaceOperations] public static partial class Fs { [ReadPage] public static int {|#0:FromSource1|}(OpenFile file, Page page) => 0; }";
        var test = new AopsAnalyzerTest { TestState = { Sources = { first, second } } };
        test.ExpectedDiagnostics.Add(Diagnostic(AopsDiagnostics.DuplicateOp, 0).WithMessage(
            "'FromSource1' declares [ReadPage] again; the table of 'Fs' uses 'FromSource0', which comes first by file path, then position"));
        await test.RunAsync(TestContext.Current.CancellationToken);

        AnalysisRun run = await AnalyzerHarness.AnalyzeAsync(new[] { first, second.Replace("{|#0:", string.Empty, StringComparison.Ordinal).Replace("|}", string.Empty, StringComparison.Ordinal) });
        Assert.Contains("readPage: &FromSource0", run.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AOPS004_counts_only_methods_the_generator_binds()
    {
        // The first has the wrong signature (AOPS003), so the table uses the second, which is no duplicate.
        await VerifyAsync("""
            [AddressSpaceOperations] public static partial class Fs
            {
                [ReadPage] public static long {|AOPS003:Broken|}(OpenFile file, Page page) => 0;
                [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0;
                [WritePage] public static int WritePage(Page page, WritebackControl wbc) => 0;
            }
            """);
    }

    [Fact]
    public async Task AOPS007_allow_unsafe_blocks_off_is_reported_at_each_table_attribute()
    {
        var test = new AopsAnalyzerTest
        {
            AllowUnsafe = false,
            TestCode = AopsTestSetup.Usings + """
                [{|#0:AddressSpaceOperations("one")|}] public static partial class One { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }
                [{|#1:AddressSpaceOperations|}] public static partial class Two { }
                public static class NotATable { }
                """,
        };
        test.ExpectedDiagnostics.Add(Diagnostic(AopsDiagnostics.UnsafeBlocksOff, 0).WithMessage(
            "The table of 'One' takes the address of its op methods, which needs unsafe code, but this project sets AllowUnsafeBlocks to false; set <AllowUnsafeBlocks>true</AllowUnsafeBlocks> in the project file"));
        test.ExpectedDiagnostics.Add(Diagnostic(AopsDiagnostics.UnsafeBlocksOff, 1).WithArguments("Two"));
        // The generated code of each table does not compile without unsafe code (its 'unsafe' block): the error AOPS007 explains.
        test.ExpectedDiagnostics.Add(DiagnosticResult.CompilerError("CS0227").WithSpan(AopsTestSetup.GeneratedPath("One.Aops.g.cs"), 18, 9, 18, 15));
        test.ExpectedDiagnostics.Add(DiagnosticResult.CompilerError("CS0227").WithSpan(AopsTestSetup.GeneratedPath("Two.Aops.g.cs"), 18, 9, 18, 15));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AOPS007_not_reported_when_unsafe_is_allowed_or_there_is_no_table()
    {
        await VerifyAsync("[AddressSpaceOperations] public static partial class Fs { " + Sources.ReadPage + " }");
        var test = new AopsAnalyzerTest { AllowUnsafe = false, TestCode = AopsTestSetup.Usings + "public static class Plain { [NoAlloc] public static int Zero() => 0; }" };
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AOPS010_generic_nested_in_generic_and_record()
    {
        await VerifyAsync(
            """
            [AddressSpaceOperations] public partial class {|#0:Generic|}<T> { }
            public partial class Outer<T> { [AddressSpaceOperations] public partial class {|#1:Inner|} { } }
            [AddressSpaceOperations] public partial record {|#2:Rec|} { }
            """,
            Diagnostic(AopsDiagnostics.UnsupportedType, 0).WithMessage("'Generic' cannot hold an operations table: it is generic, and a table is one object per class"),
            Diagnostic(AopsDiagnostics.UnsupportedType, 1).WithMessage("'Inner' cannot hold an operations table: it is nested in generic type 'Outer<T>', and a table is one object per class"),
            Diagnostic(AopsDiagnostics.UnsupportedType, 2).WithMessage("'Rec' cannot hold an operations table: it is a record; declare it as a class"));
    }

    [Fact]
    public async Task AOPS010_file_local_class_which_the_generator_skips_instead_of_failing()
    {
        await VerifyAsync(
            """
            [AddressSpaceOperations] file static partial class {|#0:Local|} { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }
            file static partial class Around { [AddressSpaceOperations] public static partial class {|AOPS010:Inner|} { } }
            """,
            Diagnostic(AopsDiagnostics.UnsupportedType, 0).WithMessage(
                "'Local' cannot hold an operations table: 'Local' is a file-local type, and the generator adds the table in a file of its own"));
        AnalysisRun run = await AnalyzerHarness.AnalyzeAsync(new[] { AopsTestSetup.Usings + "[AddressSpaceOperations] file static partial class Local { }" });
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public async Task AOPS010_on_a_struct_beside_the_compiler_error()
    {
        await VerifyAsync("[{|CS0592:AddressSpaceOperations|}] public partial struct {|AOPS010:Fs|} { }");
    }

    [Fact]
    public async Task AOPS010_not_reported_for_plain_static_sealed_or_nested_classes()
    {
        await VerifyAsync("""
            [AddressSpaceOperations] public static partial class A { }
            [AddressSpaceOperations] public sealed partial class B { }
            public partial class Outer { [AddressSpaceOperations] private partial class C { } }
            """);
    }

    [Fact]
    public async Task AOPS012_member_named_as_a_generated_member()
    {
        await VerifyAsync(
            """
            [AddressSpaceOperations] public static partial class Fs
            {
                public static int {|#0:Operations|} => 0;
                [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0;
            }
            [AddressSpaceOperations] public partial class Gs { public struct {|AOPS012:StaticOps|} { } }
            """,
            Diagnostic(AopsDiagnostics.GeneratedMemberClash, 0).WithMessage(
                "'Fs' declares 'Operations', a name the generator adds to every table class; no table is generated for 'Fs'"));
    }

    [Fact]
    public async Task AOPS012_not_reported_for_other_names_or_outside_tables()
    {
        await VerifyAsync("""
            [AddressSpaceOperations] public static partial class Fs { public static int Ops => 0; }
            public static class Plain { public static int Operations => 0; }
            """);
    }
}

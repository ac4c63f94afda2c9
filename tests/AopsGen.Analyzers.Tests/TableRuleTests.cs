using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;
using static AopsGen.Analyzers.Tests.AnalyzerHarness;

namespace AopsGen.Analyzers.Tests;

/// <summary>AOPS001, AOPS004, AOPS007, AOPS010, AOPS012, and the clean table that reports nothing.</summary>
public sealed class TableRuleTests
{
    [Fact]
    public async Task A_table_with_every_op_reports_nothing_even_beside_its_generated_members()
    {
        AnalysisRun run = await AnalyzeAsync(new[] { Usings + "[AddressSpaceOperations(\"all_aops\")] public static partial class AllFs {\n" + Sources.AllOps + "\n}" });
        AssertNoAnalyzerFailure(run);
        Assert.Empty(run.CompilerErrors);
        Assert.Single(run.GeneratedSources);
        Assert.Empty(run.Aops);
    }

    [Fact]
    public async Task AOPS001_table_class_not_partial()
    {
        ImmutableArray<Diagnostic> diagnostics = await VerifyAsync("[AddressSpaceOperations] public static class {|AOPS001:Fs|} { " + Sources.ReadPage + " }");
        Assert.Equal("'Fs' must be partial: the generator adds the Operations table of 'Fs' by reopening it", diagnostics.Single().GetMessage());
    }

    [Fact]
    public async Task AOPS001_every_containing_type_not_partial_is_reported_with_the_table_it_holds()
    {
        ImmutableArray<Diagnostic> diagnostics = await VerifyAsync("""
            public class {|AOPS001:Outer|}
            {
                public partial class Middle
                {
                    public class {|AOPS001:Inner|}
                    {
                        [AddressSpaceOperations] public static partial class Fs { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }
                    }
                }
            }
            """);
        Assert.Equal(new[] { "Outer", "Inner" }, diagnostics.Select(d => d.GetMessage().Split('\'')[1]));
        Assert.All(diagnostics, d => Assert.Contains("Operations table of 'Fs'", d.GetMessage(), StringComparison.Ordinal));
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
        ImmutableArray<Diagnostic> diagnostics = await VerifyAsync("""
            [AddressSpaceOperations] public static partial class Fs
            {
                [ReadPage] public static int ReadPageA(OpenFile file, Page page) => 0;
                [ReadPage] public static int {|AOPS004:ReadPageB|}(OpenFile file, Page page) => 0;
                [ReadPage] public static int {|AOPS004:ReadPageC|}(OpenFile file, Page page) => 0;
            }
            """);
        Assert.Equal("'ReadPageB' declares [ReadPage] again; the table of 'Fs' uses 'ReadPageA', the first in source order", diagnostics[0].GetMessage());
    }

    [Fact]
    public async Task AOPS004_first_is_chosen_by_file_path_then_position_as_the_generator_does()
    {
        // Source1.cs's method comes first by position, but Source0.cs comes first by path: Source1's is the duplicate.
        string first = Usings + "public static partial class Fs\n{\n\n\n\n\n\n\n\n\n    [ReadPage] public static int FromSource0(OpenFile file, Page page) => 0;\n}";
        string second = Usings + "[AddressSpaceOperations] public static partial class Fs { [ReadPage] public static int {|AOPS004:FromSource1|}(OpenFile file, Page page) => 0; }";
        ImmutableArray<Diagnostic> diagnostics = await VerifyAsync(new[] { first, second });
        Assert.Contains("uses 'FromSource0'", diagnostics.Single().GetMessage(), StringComparison.Ordinal);

        AnalysisRun run = await AnalyzeAsync(new[] { Markup.Strip(first), Markup.Strip(second) });
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
        ImmutableArray<Diagnostic> diagnostics = await VerifyAsync(
            new[] { Usings + """
                [{|AOPS007:AddressSpaceOperations("one")|}] public static partial class One { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }
                [{|AOPS007:AddressSpaceOperations|}] public static partial class Two { }
                public static class NotATable { }
                """ },
            allowUnsafe: false,
            compilerErrors: new[] { "CS0227" });
        Assert.StartsWith("The table of 'One' takes the address of its op methods, which needs unsafe code", diagnostics[0].GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AOPS007_not_reported_when_unsafe_is_allowed_or_there_is_no_table()
    {
        await VerifyAsync("[AddressSpaceOperations] public static partial class Fs { " + Sources.ReadPage + " }");
        await VerifyAsync(new[] { Usings + "public static class Plain { [NoAlloc] public static int Zero() => 0; }" }, allowUnsafe: false);
    }

    [Fact]
    public async Task AOPS010_generic_nested_in_generic_and_record()
    {
        ImmutableArray<Diagnostic> diagnostics = await VerifyAsync("""
            [AddressSpaceOperations] public partial class {|AOPS010:Generic|}<T> { }
            public partial class Outer<T> { [AddressSpaceOperations] public partial class {|AOPS010:Inner|} { } }
            [AddressSpaceOperations] public partial record {|AOPS010:Rec|} { }
            """);
        Assert.Equal("'Generic' cannot hold an operations table: it is generic, and a table is one object per class", diagnostics[0].GetMessage());
        Assert.Equal("'Inner' cannot hold an operations table: it is nested in generic type 'Outer<T>', and a table is one object per class", diagnostics[1].GetMessage());
        Assert.Equal("'Rec' cannot hold an operations table: it is a record; declare it as a class", diagnostics[2].GetMessage());
    }

    [Fact]
    public async Task AOPS010_file_local_class_which_the_generator_skips_instead_of_failing()
    {
        ImmutableArray<Diagnostic> diagnostics = await VerifyAsync("""
            [AddressSpaceOperations] file static partial class {|AOPS010:Local|} { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }
            file static partial class Around { [AddressSpaceOperations] public static partial class {|AOPS010:Inner|} { } }
            """);
        Assert.Equal("'Local' cannot hold an operations table: 'Local' is a file-local type, and the generator adds the table in a file of its own", diagnostics[0].GetMessage());
        AnalysisRun run = await AnalyzeAsync(new[] { Usings + "[AddressSpaceOperations] file static partial class Local { }" });
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public async Task AOPS010_on_a_struct_beside_the_compiler_error()
    {
        await VerifyAsync("[AddressSpaceOperations] public partial struct {|AOPS010:Fs|} { }", compilerErrors: new[] { "CS0592" });
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
        ImmutableArray<Diagnostic> diagnostics = await VerifyAsync("""
            [AddressSpaceOperations] public static partial class Fs
            {
                public static int {|AOPS012:Operations|} => 0;
                [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0;
            }
            [AddressSpaceOperations] public partial class Gs { public struct {|AOPS012:StaticOps|} { } }
            """);
        Assert.Equal("'Fs' declares 'Operations', a name the generator adds to every table class; no table is generated for 'Fs'", diagnostics[0].GetMessage());
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

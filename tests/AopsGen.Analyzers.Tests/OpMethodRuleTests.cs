using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;
using static AopsGen.Analyzers.Tests.AnalyzerHarness;

namespace AopsGen.Analyzers.Tests;

/// <summary>AOPS002, AOPS003, AOPS009.</summary>
public sealed class OpMethodRuleTests
{
    [Fact]
    public async Task AOPS002_instance_op_method()
    {
        ImmutableArray<Diagnostic> diagnostics = await VerifyAsync("""
            [AddressSpaceOperations] public partial class Fs
            {
                [ReadPage] public int {|AOPS002:ReadPage|}(OpenFile file, Page page) => 0;
            }
            """);
        Assert.Equal("Op method 'ReadPage' must be static: the table holds its address, as a kernel table holds a function pointer", diagnostics.Single().GetMessage());
        Assert.Equal("ReadPage", diagnostics.Single().Properties[AopsDiagnostics.OpProperty]);
    }

    [Fact]
    public async Task AOPS002_and_AOPS003_together_when_both_are_wrong()
    {
        await VerifyAsync("""
            [AddressSpaceOperations] public partial class Fs
            {
                [ReadPage] public long {|AOPS002,AOPS003:ReadPage|}(OpenFile file, Page page) => 0;
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
    public async Task AOPS003_op_attribute_on_a_local_function_with_no_fix_that_would_rewrite_the_outer_method()
    {
        await VerifyAsync("""
            [AddressSpaceOperations] public partial class Fs
            {
                public static int Outer() { [ReadPage] static int {|AOPS003:Local|}(OpenFile file, Page page) => 0; return Local(null!, null!); }
            }
            """);
        Document document = CodeFixHarness.CreateDocument(Usings + "[AddressSpaceOperations] public partial class Fs { public static int Outer() { [ReadPage] static int Local(OpenFile file, Page page) => 0; return 0; } }");
        Diagnostic local = (await CodeFixHarness.DiagnosticsAsync(document.Project)).Single();
        var actions = new System.Collections.Generic.List<Microsoft.CodeAnalysis.CodeActions.CodeAction>();
        await CodeFixHarness.ProviderFor("AOPS003").RegisterCodeFixesAsync(new Microsoft.CodeAnalysis.CodeFixes.CodeFixContext(document, local, (a, _) => actions.Add(a), System.Threading.CancellationToken.None));
        Assert.Empty(actions);
    }

    [Fact]
    public async Task AOPS003_message_shows_the_expected_csharp_signature()
    {
        ImmutableArray<Diagnostic> diagnostics = await VerifyAsync("""
            [AddressSpaceOperations] public static partial class Fs
            {
                [WriteBegin] public static int {|AOPS003:Begin|}(OpenFile file, AddressSpace mapping, long pos, uint len, uint flags, out Page? page) { page = null; return 0; }
                [DirectIO] public static int {|AOPS003:Direct|}(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) => 0;
            }
            """);
        Assert.Equal(
            "'Begin' does not have the signature of [WriteBegin] (write_begin); expected: static int WriteBegin(OpenFile file, AddressSpace mapping, long pos, uint len, uint flags, out Page? page, out object? fsData)",
            diagnostics[0].GetMessage());
        Assert.Equal(
            "'Direct' does not have the signature of [DirectIO] (direct_IO); expected: static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset)",
            diagnostics[1].GetMessage());
        Assert.Equal("DirectIO", diagnostics[1].Properties[AopsDiagnostics.OpProperty]);
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
        ImmutableArray<Diagnostic> diagnostics = await VerifyAsync("""
            [AddressSpaceOperations] public static partial class Fs
            {
                [FreePage] static partial void {|AOPS013:FreePage|}(Page page);
                [SyncPage] static partial void SyncPage(Page page);
                static partial void SyncPage(Page page) { }
            }
            """);
        Assert.Equal("Op method 'FreePage' is a partial method with no implementing declaration; the compiler removes it, so it gets no slot in the table", diagnostics.Single().GetMessage());

        AnalysisRun run = await AnalyzeAsync(new[] { Usings + "[AddressSpaceOperations] public static partial class Fs { [FreePage] static partial void FreePage(Page page); }" });
        Assert.DoesNotContain("freePage:", run.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AOPS009_op_attribute_in_a_class_without_the_table_attribute()
    {
        ImmutableArray<Diagnostic> diagnostics = await VerifyAsync("""
            public static partial class Forgotten
            {
                [{|AOPS009:ReadPage|}] public static int ReadPage(OpenFile file, Page page) => 0;
                [{|AOPS009:DirectIO|}] public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) => 0;
            }
            """);
        Assert.Equal("[ReadPage] on 'ReadPage' has no effect: 'Forgotten' has no [AddressSpaceOperations], so no table is generated for it", diagnostics[0].GetMessage());
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

using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using static AopsGen.Analyzers.Tests.AnalyzerHarness;

namespace AopsGen.Analyzers.Tests;

/// <summary>Each code fix: the text before and after, and that the diagnostic is gone after it.</summary>
public sealed class CodeFixTests
{
    private static async Task<FixResult> CheckAsync(string before, string id, string after, int occurrence = 0)
    {
        FixResult result = await CodeFixHarness.FixAsync(Usings + before, id, occurrence: occurrence);
        Assert.Equal(Usings + after, result.Text);
        ImmutableArray<Diagnostic> remaining = await CodeFixHarness.DiagnosticsAsync(result.Project);
        Assert.True(remaining.Count(d => d.Id == id) < (await CodeFixHarness.DiagnosticsAsync(CodeFixHarness.CreateDocument(Usings + before).Project)).Count(d => d.Id == id),
            "the fix did not remove a " + id + ":\n" + string.Join("\n", remaining));
        return result;
    }

    [Fact]
    public async Task AOPS001_adds_partial_after_the_other_modifiers()
    {
        await CheckAsync(
            """
            [AddressSpaceOperations]
            public static class Fs
            {
                [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0;
            }
            """,
            "AOPS001",
            """
            [AddressSpaceOperations]
            public static partial class Fs
            {
                [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0;
            }
            """);
    }

    [Fact]
    public async Task AOPS001_adds_partial_to_a_containing_type_without_modifiers()
    {
        FixResult result = await CheckAsync(
            """
            // The outer type.
            class Outer
            {
                [AddressSpaceOperations]
                internal static partial class Fs { }
            }
            """,
            "AOPS001",
            """
            // The outer type.
            partial class Outer
            {
                [AddressSpaceOperations]
                internal static partial class Fs { }
            }
            """);
        Assert.Equal("Make 'Outer' partial", result.Title);
        Assert.Empty(await CodeFixHarness.DiagnosticsAsync(result.Project));
    }

    [Fact]
    public async Task AOPS002_makes_the_method_static()
    {
        await CheckAsync(
            """
            [AddressSpaceOperations]
            public partial class Fs
            {
                [ReadPage] public int ReadPage(OpenFile file, Page page) => 0;

                [WritePage]
                public virtual int WritePage(Page page, WritebackControl wbc) => 0;
            }
            """,
            "AOPS002",
            """
            [AddressSpaceOperations]
            public partial class Fs
            {
                [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0;

                [WritePage]
                public virtual int WritePage(Page page, WritebackControl wbc) => 0;
            }
            """);
        await CheckAsync(
            """
            [AddressSpaceOperations]
            public partial class Fs
            {
                [WritePage]
                public virtual int WritePage(Page page, WritebackControl wbc) => 0;
            }
            """,
            "AOPS002",
            """
            [AddressSpaceOperations]
            public partial class Fs
            {
                [WritePage]
                public static int WritePage(Page page, WritebackControl wbc) => 0;
            }
            """);
    }

    [Fact]
    public async Task AOPS003_rewrites_return_type_and_parameters_keeping_names_where_types_fit()
    {
        FixResult result = await CheckAsync(
            """
            [AddressSpaceOperations]
            public static partial class Fs
            {
                [ReadPage] public static long Read(Page p, OpenFile f) => 0;
                [WritePage] public static int Write(Page p, WritebackControl control, int extra) { return 0; }
            }
            """,
            "AOPS003",
            """
            [AddressSpaceOperations]
            public static partial class Fs
            {
                [ReadPage] public static int Read(OpenFile file, Page page) => 0;
                [WritePage] public static int Write(Page p, WritebackControl control, int extra) { return 0; }
            }
            """);
        Assert.Equal("Change the signature to static int Read(OpenFile file, Page page)", result.Title);

        await CheckAsync(
            """
            [AddressSpaceOperations]
            public static partial class Fs
            {
                [WritePage] public static int Write(Page p, WritebackControl control, int extra) { return 0; }
            }
            """,
            "AOPS003",
            """
            [AddressSpaceOperations]
            public static partial class Fs
            {
                [WritePage] public static int Write(Page p, WritebackControl control) { return 0; }
            }
            """);
    }

    [Fact]
    public async Task AOPS003_writes_out_parameters_nullable_annotations_static_and_drops_type_parameters()
    {
        await CheckAsync(
            """
            [AddressSpaceOperations]
            public partial class Fs
            {
                [WriteBegin]
                public int Begin<T>(OpenFile file, AddressSpace mapping, long pos, uint len, uint flags) where T : class
                {
                    return 0;
                }
            }
            """,
            "AOPS003",
            """
            [AddressSpaceOperations]
            public partial class Fs
            {
                [WriteBegin]
                public static int Begin(OpenFile file, AddressSpace mapping, long pos, uint len, uint flags, out Page? page, out object? fsData)
                {
                    return 0;
                }
            }
            """);
    }

    [Fact]
    public async Task AOPS003_without_nullable_annotations_and_without_using_aopsgen()
    {
        FixResult result = await CodeFixHarness.FixAsync(
            """
            #nullable disable
            namespace Fs
            {
                [AopsGen.AddressSpaceOperations]
                public static partial class Table
                {
                    [AopsGen.DirectIO] public static int Direct(int rw) => 0;
                    [AopsGen.WriteBegin] public static int Begin() => 0;
                }
            }
            """,
            "AOPS003",
            occurrence: 1);
        Assert.True(
            result.Text.Contains("[AopsGen.WriteBegin] public static int Begin(AopsGen.OpenFile file, AopsGen.AddressSpace mapping, long pos, uint len, uint flags, out AopsGen.Page page, out object fsData) => 0;", StringComparison.Ordinal),
            result.Text);
    }

    [Fact]
    public async Task AOPS007_turns_unsafe_code_on_for_the_project()
    {
        string source = Usings + "[AddressSpaceOperations] public static partial class Fs { " + Sources.ReadPage + " }";
        FixResult result = await CodeFixHarness.FixAsync(source, "AOPS007", allowUnsafe: false);
        Assert.Equal(source, result.Text);
        Assert.True(((CSharpCompilationOptions)result.Project.CompilationOptions!).AllowUnsafe);
        Assert.Equal("Allow unsafe code in this project (<AllowUnsafeBlocks>true</AllowUnsafeBlocks>)", result.Title);
        Assert.Empty(await CodeFixHarness.DiagnosticsAsync(result.Project));
        Compilation compilation = (await result.Project.GetCompilationAsync())!;
        AnalysisRun run = await AnalyzeAsync(compilation);
        Assert.Empty(run.CompilerErrors);
        Assert.Single(run.GeneratedSources);
    }

    [Fact]
    public async Task AOPS007_fix_all_in_solution_turns_unsafe_code_on_in_each_project()
    {
        Document document = CodeFixHarness.CreateDocument(Usings + "[AddressSpaceOperations] public static partial class Fs { }", allowUnsafe: false);
        Diagnostic diagnostic = (await CodeFixHarness.DiagnosticsAsync(document.Project)).Single(d => d.Id == "AOPS007");
        CodeFixProvider provider = CodeFixHarness.ProviderFor("AOPS007");
        var fixAllContext = new FixAllContext(
            document,
            provider,
            FixAllScope.Solution,
            "AllowUnsafeBlocksCodeFix",
            new[] { "AOPS007" },
            new FixedDiagnostics(diagnostic),
            CancellationToken.None);
        CodeAction? action = await provider.GetFixAllProvider()!.GetFixAsync(fixAllContext);
        Assert.NotNull(action);
        ApplyChangesOperation apply = Assert.Single((await action.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>());
        Assert.All(apply.ChangedSolution.Projects, p => Assert.True(((CSharpCompilationOptions)p.CompilationOptions!).AllowUnsafe));
    }

    [Fact]
    public async Task AOPS009_marks_the_class_and_makes_it_partial()
    {
        FixResult result = await CheckAsync(
            """
            /// <summary>A filesystem.</summary>
            public static class Forgotten
            {
                [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0;
            }
            """,
            "AOPS009",
            """
            /// <summary>A filesystem.</summary>
            [AddressSpaceOperations]
            public static partial class Forgotten
            {
                [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0;
            }
            """);
        Assert.Empty(await CodeFixHarness.DiagnosticsAsync(result.Project));
        AnalysisRun run = await AnalyzeAsync((await result.Project.GetCompilationAsync())!);
        Assert.Contains("readPage: &ReadPage", run.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_fixable_rule_has_exactly_one_provider_and_each_provider_supports_fix_all()
    {
        Assert.Equal(
            new[] { "AOPS001", "AOPS002", "AOPS003", "AOPS007", "AOPS009" },
            CodeFixHarness.Providers.SelectMany(p => p.FixableDiagnosticIds).OrderBy(id => id, StringComparer.Ordinal));
        Assert.All(CodeFixHarness.Providers, p => Assert.NotNull(p.GetFixAllProvider()));
    }

    /// <summary>A diagnostic provider for fix-all that returns the diagnostics it was given.</summary>
    private sealed class FixedDiagnostics(params Diagnostic[] diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<System.Collections.Generic.IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Task.FromResult<System.Collections.Generic.IEnumerable<Diagnostic>>(diagnostics);

        public override Task<System.Collections.Generic.IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
            => Task.FromResult<System.Collections.Generic.IEnumerable<Diagnostic>>(diagnostics);

        public override Task<System.Collections.Generic.IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Task.FromResult<System.Collections.Generic.IEnumerable<Diagnostic>>(Array.Empty<Diagnostic>());
    }
}

using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AopsGen.CodeFixes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using static AopsGen.Analyzers.Tests.AopsTestSetup;

namespace AopsGen.Analyzers.Tests;

/// <summary>
/// Each code fix on the Roslyn code-fix testing framework: the text before and after, the diagnostics left after it
/// (compiler errors included, so the fixed code must compile), the fix-all result at document, project and solution
/// scope, and the action's title.
/// </summary>
public sealed class CodeFixTests
{
    private static AopsCodeFixTest<TFix> Test<TFix>(string before, string after, string? title = null)
        where TFix : CodeFixProvider, new()
        => new() { TestCode = Usings + before, FixedCode = Usings + after, ExpectedTitle = title };

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AOPS001_adds_partial_after_the_other_modifiers()
    {
        await AopsCodeFixTest<AddPartialCodeFix>.VerifyAsync(
            """
            [AddressSpaceOperations]
            public static class {|AOPS001:Fs|}
            {
                [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0;
            }
            """,
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
        await Test<AddPartialCodeFix>(
            """
            // The outer type.
            class {|AOPS001:Outer|}
            {
                [AddressSpaceOperations]
                internal static partial class Fs { }
            }
            """,
            """
            // The outer type.
            partial class Outer
            {
                [AddressSpaceOperations]
                internal static partial class Fs { }
            }
            """,
            title: "Make 'Outer' partial").RunAsync(Cancellation);
    }

    [Fact]
    public async Task AOPS002_makes_the_method_static()
    {
        await AopsCodeFixTest<MakeStaticCodeFix>.VerifyAsync(
            """
            [AddressSpaceOperations]
            public partial class Fs
            {
                [ReadPage] public int {|AOPS002:ReadPage|}(OpenFile file, Page page) => 0;

                [WritePage]
                public virtual int {|AOPS002:WritePage|}(Page page, WritebackControl wbc) => 0;
            }
            """,
            """
            [AddressSpaceOperations]
            public partial class Fs
            {
                [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0;

                [WritePage]
                public static int WritePage(Page page, WritebackControl wbc) => 0;
            }
            """);
    }

    [Fact]
    public async Task AOPS002_fix_one_leaves_the_other_and_fix_all_makes_both_static()
    {
        AopsCodeFixTest<MakeStaticCodeFix> test = Test<MakeStaticCodeFix>(
            """
            [AddressSpaceOperations]
            public partial class Fs
            {
                [ReadPage] public int {|AOPS002:ReadPage|}(OpenFile file, Page page) => 0;

                [WritePage]
                public virtual int {|AOPS002:WritePage|}(Page page, WritebackControl wbc) => 0;
            }
            """,
            """
            [AddressSpaceOperations]
            public partial class Fs
            {
                [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0;

                [WritePage]
                public virtual int {|AOPS002:WritePage|}(Page page, WritebackControl wbc) => 0;
            }
            """,
            title: "Make 'ReadPage' static");
        // Fix-all of both is AOPS002_makes_the_method_static.
        test.CodeFixTestBehaviors = CodeFixTestBehaviors.FixOne | CodeFixTestBehaviors.SkipFixAllCheck;
        test.FixedState.MarkupHandling = MarkupMode.Allow; // the diagnostic left in the fixed code is expected there
        await test.RunAsync(Cancellation);
    }

    [Fact]
    public async Task AOPS002_fix_all_fixes_each_document_and_project_in_its_scope()
    {
        // Two documents in the test project, one in a second project. Fix-all in document scope takes one pass per
        // document (three), in project scope one per project (two), in solution scope one.
        const string One = "[AddressSpaceOperations] public partial class One { [ReadPage] public int {|AOPS002:ReadPage|}(OpenFile file, Page page) => 0; }";
        const string Two = "[AddressSpaceOperations] public partial class Two { [WritePage] public int {|AOPS002:WritePage|}(Page page, WritebackControl wbc) => 0; }";
        const string Three = "[AddressSpaceOperations] public partial class Three { [FreePage] public void {|AOPS002:FreePage|}(Page page) { } }";
        static string Fixed(string source) => source.Replace("public int {|AOPS002:", "public static int ", StringComparison.Ordinal)
            .Replace("public void {|AOPS002:", "public static void ", StringComparison.Ordinal).Replace("|}(", "(", StringComparison.Ordinal);

        var test = new AopsCodeFixTest<MakeStaticCodeFix>
        {
            NumberOfFixAllInDocumentIterations = 3,
            NumberOfFixAllInProjectIterations = 2,
            NumberOfFixAllIterations = 1,
            NumberOfIncrementalIterations = 3,
        };
        test.TestState.Sources.Add(Usings + One);
        test.TestState.Sources.Add(Usings + Two);
        var other = new ProjectState("Other", LanguageNames.CSharp, "/Other/Test", "cs") { Sources = { Usings + Three } };
        other.AdditionalReferences.Add(AopsGenReference);
        test.TestState.AdditionalProjects.Add("Other", other);
        test.FixedState.Sources.Add(Usings + Fixed(One));
        test.FixedState.Sources.Add(Usings + Fixed(Two));
        var otherFixed = new ProjectState("Other", LanguageNames.CSharp, "/Other/Test", "cs") { Sources = { Usings + Fixed(Three) } };
        otherFixed.AdditionalReferences.Add(AopsGenReference);
        test.FixedState.AdditionalProjects.Add("Other", otherFixed);
        await test.RunAsync(Cancellation);
    }

    [Fact]
    public async Task AOPS003_rewrites_return_type_and_parameters_keeping_names_where_types_fit()
    {
        const string Before = """
            [AddressSpaceOperations]
            public static partial class Fs
            {
                [ReadPage] public static long {|AOPS003:Read|}(Page p, OpenFile f) => 0;
                [WritePage] public static int {|AOPS003:Write|}(Page p, WritebackControl control, int extra) { return 0; }
            }
            """;
        AopsCodeFixTest<FixSignatureCodeFix> test = Test<FixSignatureCodeFix>(
            Before,
            """
            [AddressSpaceOperations]
            public static partial class Fs
            {
                [ReadPage] public static int Read(OpenFile file, Page page) => 0;
                [WritePage] public static int {|AOPS003:Write|}(Page p, WritebackControl control, int extra) { return 0; }
            }
            """,
            title: "Change the signature to static int Read(OpenFile file, Page page)");
        test.CodeFixTestBehaviors = CodeFixTestBehaviors.FixOne | CodeFixTestBehaviors.SkipFixAllCheck;
        test.FixedState.MarkupHandling = MarkupMode.Allow; // the diagnostic left in the fixed code is expected there
        await test.RunAsync(Cancellation);

        // All at once, and fix-all: one equivalence key for every op, so fix-all rewrites each AOPS003 to its own op.
        await AopsCodeFixTest<FixSignatureCodeFix>.VerifyAsync(
            Before,
            """
            [AddressSpaceOperations]
            public static partial class Fs
            {
                [ReadPage] public static int Read(OpenFile file, Page page) => 0;
                [WritePage] public static int Write(Page p, WritebackControl control) { return 0; }
            }
            """);

        await AopsCodeFixTest<FixSignatureCodeFix>.VerifyAsync(
            """
            [AddressSpaceOperations]
            public static partial class Fs
            {
                [WritePage] public static int {|AOPS003:Write|}(Page p, WritebackControl control, int extra) { return 0; }
            }
            """,
            """
            [AddressSpaceOperations]
            public static partial class Fs
            {
                [WritePage] public static int Write(Page p, WritebackControl control) { return 0; }
            }
            """);
    }

    [Fact]
    public async Task AOPS003_writes_void_as_the_predefined_type_so_the_fixed_code_compiles()
    {
        // ParseTypeName("void") carries CS1547 ("Keyword 'void' cannot be used in this context") in the fixed tree, though
        // its text is fine; AopsCodeFixTest checks each fixed tree as the fix left it against its reparsed text.
        await AopsCodeFixTest<FixSignatureCodeFix>.VerifyAsync(
            """
            [AddressSpaceOperations]
            public static partial class Fs
            {
                [FreePage] public static int {|AOPS003:{|CS0161:Free|}|}(Page page) { }
                [SwapDeactivate] public static bool {|AOPS003:{|CS0161:Deactivate|}|}(OpenFile file) { }
            }
            """,
            """
            [AddressSpaceOperations]
            public static partial class Fs
            {
                [FreePage] public static void Free(Page page) { }
                [SwapDeactivate] public static void Deactivate(OpenFile file) { }
            }
            """);
    }

    [Fact]
    public async Task AOPS003_writes_out_parameters_nullable_annotations_static_and_drops_type_parameters()
    {
        await AopsCodeFixTest<FixSignatureCodeFix>.VerifyAsync(
            """
            [AddressSpaceOperations]
            public partial class Fs
            {
                [WriteBegin]
                public int {|AOPS002:{|AOPS003:Begin|}|}<T>(OpenFile file, AddressSpace mapping, long pos, uint len, uint flags) where T : class
                {
                    return 0;
                }
            }
            """,
            """
            [AddressSpaceOperations]
            public partial class Fs
            {
                [WriteBegin]
                public static int Begin(OpenFile file, AddressSpace mapping, long pos, uint len, uint flags, out Page? page, out object? fsData)
                {
                    {|CS0177:{|CS0177:return 0;|}|}
                }
            }
            """);
    }

    [Fact]
    public async Task AOPS003_without_nullable_annotations_and_without_using_aopsgen()
    {
        var test = new AopsCodeFixTest<FixSignatureCodeFix>
        {
            TestCode = """
                #nullable disable
                namespace Fs
                {
                    [AopsGen.AddressSpaceOperations]
                    public static partial class Table
                    {
                        [AopsGen.DirectIO] public static int {|AOPS003:Direct|}(int rw) => 0;
                        [AopsGen.WriteBegin] public static int {|AOPS003:Begin|}() => 0;
                    }
                }
                """,
            FixedCode = """
                #nullable disable
                namespace Fs
                {
                    [AopsGen.AddressSpaceOperations]
                    public static partial class Table
                    {
                        [AopsGen.DirectIO] public static long Direct(AopsGen.Rw rw, AopsGen.Kiocb iocb, System.ReadOnlySpan<AopsGen.IoVec> iov, long offset) => 0;
                        [AopsGen.WriteBegin] public static int Begin(AopsGen.OpenFile file, AopsGen.AddressSpace mapping, long pos, uint len, uint flags, out AopsGen.Page page, out object fsData) => {|CS0177:{|CS0177:0|}|};
                    }
                }
                """,
        };
        await test.RunAsync(Cancellation);
    }

    /// <summary>The fix changes the project's options, not its text, which the framework cannot compare: checked on the solution.</summary>
    [Fact]
    public async Task AOPS007_turns_unsafe_code_on_for_the_project()
    {
        string source = Usings + "[AddressSpaceOperations] public static partial class Fs { " + Sources.ReadPage + " }";
        FixResult result = await CodeFixHarness.FixAsync(source, "AOPS007", allowUnsafe: false);
        Assert.Equal(source, result.Text);
        Assert.True(((CSharpCompilationOptions)result.Project.CompilationOptions!).AllowUnsafe);
        Assert.Equal("Allow unsafe code in this project (<AllowUnsafeBlocks>true</AllowUnsafeBlocks>)", result.Title);
        Assert.Empty(await CodeFixHarness.DiagnosticsAsync(result.Project));
        Compilation compilation = (await result.Project.GetCompilationAsync(Cancellation))!;
        AnalysisRun run = await AnalyzerHarness.AnalyzeAsync(compilation);
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
            Cancellation);
        CodeAction? action = await provider.GetFixAllProvider()!.GetFixAsync(fixAllContext);
        Assert.NotNull(action);
        ApplyChangesOperation apply = Assert.Single((await action.GetOperationsAsync(Cancellation)).OfType<ApplyChangesOperation>());
        Assert.All(apply.ChangedSolution.Projects, p => Assert.True(((CSharpCompilationOptions)p.CompilationOptions!).AllowUnsafe));
    }

    [Fact]
    public async Task AOPS009_marks_the_class_and_makes_it_partial()
    {
        const string After = """
            /// <summary>A filesystem.</summary>
            [AddressSpaceOperations]
            public static partial class Forgotten
            {
                [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0;
            }
            """;
        await AopsCodeFixTest<AddClassAttributeCodeFix>.VerifyAsync(
            """
            /// <summary>A filesystem.</summary>
            public static class Forgotten
            {
                [{|AOPS009:ReadPage|}] public static int ReadPage(OpenFile file, Page page) => 0;
            }
            """,
            After);
        AnalysisRun run = await AnalyzerHarness.AnalyzeAsync(new[] { Usings + After });
        Assert.Contains("readPage: &ReadPage", run.GeneratedSources.Single().SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_fixable_rule_has_exactly_one_provider_and_each_provider_supports_fix_all()
    {
        Assert.Equal(
            new[] { "AOPS001", "AOPS002", "AOPS003", "AOPS007", "AOPS009" },
            AopsTestSetup.CodeFixes.SelectMany(p => p.FixableDiagnosticIds).OrderBy(id => id, StringComparer.Ordinal));
        Assert.All(AopsTestSetup.CodeFixes, p => Assert.NotNull(p.GetFixAllProvider()));
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

using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace AopsGen.Analyzers.Tests;

/// <summary>The result of one code fix: the solution after it, and the fixed document's text.</summary>
internal sealed record FixResult(Solution Solution, DocumentId DocumentId, string Text, string Title)
{
    public Project Project => Solution.GetDocument(DocumentId)!.Project;
}

/// <summary>
/// Applies the AOPS code fixes as an IDE does: a one-document project in an <see cref="AdhocWorkspace"/>, the analyzer
/// diagnostics (computed with the generator's output, as in a build), the provider for the ID, its first action's
/// <see cref="ApplyChangesOperation"/>. Kept for the one fix the Roslyn testing framework cannot check, AOPS007's, which
/// changes the project's compilation options and not its text; the other fixes are tested with <see cref="AopsCodeFixTest{TCodeFix}"/>.
/// </summary>
internal static class CodeFixHarness
{
    public static ImmutableArray<CodeFixProvider> Providers => AopsTestSetup.CodeFixes;

    public static CodeFixProvider ProviderFor(string id) => Providers.Single(p => p.FixableDiagnosticIds.Contains(id));

    public static Document CreateDocument(string source, bool allowUnsafe = true)
    {
        var workspace = new AdhocWorkspace();
        ProjectId projectId = ProjectId.CreateNewId();
        Solution solution = workspace.CurrentSolution.AddProject(ProjectInfo.Create(
            projectId,
            VersionStamp.Default,
            "FixTest",
            "FixTest",
            LanguageNames.CSharp,
            compilationOptions: AnalyzerHarness.CompilationOptions(allowUnsafe),
            parseOptions: AnalyzerHarness.ParseOptions,
            metadataReferences: AnalyzerHarness.References));
        DocumentId documentId = DocumentId.CreateNewId(projectId);
        solution = solution.AddDocument(documentId, "Source0.cs", SourceText.From(source), filePath: "Source0.cs");
        Assert.True(workspace.TryApplyChanges(solution));
        return workspace.CurrentSolution.GetDocument(documentId)!;
    }

    /// <summary>The AOPS diagnostics of the document's project, analyzed with the generator's output.</summary>
    public static async Task<ImmutableArray<Diagnostic>> DiagnosticsAsync(Project project)
    {
        Compilation compilation = (await project.GetCompilationAsync())!;
        AnalysisRun run = await AnalyzerHarness.AnalyzeAsync(compilation);
        AnalyzerHarness.AssertNoAnalyzerFailure(run);
        return run.Aops;
    }

    /// <summary>Applies the fix for the <paramref name="occurrence"/>-th <paramref name="id"/> diagnostic of <paramref name="source"/>.</summary>
    public static async Task<FixResult> FixAsync(string source, string id, bool allowUnsafe = true, int occurrence = 0)
    {
        Document document = CreateDocument(source, allowUnsafe);
        Diagnostic diagnostic = (await DiagnosticsAsync(document.Project)).Where(d => d.Id == id).ElementAt(occurrence);
        return await FixAsync(document, diagnostic);
    }

    public static async Task<FixResult> FixAsync(Document document, Diagnostic diagnostic)
    {
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await ProviderFor(diagnostic.Id).RegisterCodeFixesAsync(context);
        CodeAction action = Assert.Single(actions);
        ImmutableArray<CodeActionOperation> operations = await action.GetOperationsAsync(CancellationToken.None);
        ApplyChangesOperation apply = Assert.Single(operations.OfType<ApplyChangesOperation>());
        Document fixedDocument = apply.ChangedSolution.GetDocument(document.Id)!;
        string text = (await fixedDocument.GetTextAsync()).ToString();
        return new FixResult(apply.ChangedSolution, document.Id, text, action.Title);
    }
}

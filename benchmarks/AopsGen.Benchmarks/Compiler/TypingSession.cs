using System.Collections.Immutable;
using System.Diagnostics;
using System.Threading;
using AopsGen.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace AopsGen.Benchmarks.Compiler;

/// <summary>
/// What typing costs in an editor with AopsGen: the <see cref="SyntheticInput"/> project opened in an
/// <see cref="AdhocWorkspace"/> (the Roslyn workspace an IDE holds), then <see cref="Keystrokes"/> one-character insertions
/// replayed into <c>ReadPage</c>'s body of the middle class, as an editor applies them: a new solution with the changed text,
/// the project's compilation brought up to date (the workspace re-parses the one document incrementally and runs the source
/// generators with the driver it keeps from the previous edit), and the edited document's diagnostics computed as the editor
/// shows them: the compiler's, then the analyzers' (<see cref="CompilationWithAnalyzers"/> on that document). Without AopsGen
/// the same project has neither generator nor analyzers. Each edit's wall time is kept; the caller reports the median and p95.
/// </summary>
public static class TypingSession
{
    /// <summary>How many keystrokes a session replays.</summary>
    public const int Keystrokes = 100;

    /// <summary>Typed after <see cref="SyntheticInput.EditedLine"/>, one character per edit: statements, as a user writes them.</summary>
    private const string Typed = "\n        s_reads += (long)page.Index;\n        s_reads -= 1;\n        if (s_reads < 0) { s_reads = 0; }\n        s_reads++; s_reads--;\n";

    /// <summary>Replays the session on <paramref name="input"/>; returns each edit's milliseconds, in order.</summary>
    public static double[] Run(SyntheticInput input, bool withAopsGen, int keystrokes = Keystrokes)
    {
        using var workspace = new AdhocWorkspace();
        ProjectId projectId = ProjectId.CreateNewId();
        DocumentId edited = DocumentId.CreateNewId(projectId);
        var documents = ImmutableArray.CreateBuilder<DocumentInfo>(input.ClassCount);
        for (int i = 0; i < input.ClassCount; i++)
        {
            SyntaxTree tree = input.Trees[i];
            documents.Add(DocumentInfo.Create(
                i == input.EditedIndex ? edited : DocumentId.CreateNewId(projectId),
                System.IO.Path.GetFileName(tree.FilePath),
                loader: TextLoader.From(TextAndVersion.Create(tree.GetText(), VersionStamp.Create())),
                filePath: tree.FilePath));
        }
        ProjectInfo project = ProjectInfo.Create(
            projectId,
            VersionStamp.Create(),
            "Synthetic",
            "Synthetic",
            LanguageNames.CSharp,
            compilationOptions: SyntheticInput.CompilationOptions,
            parseOptions: SyntheticInput.ParseOptions,
            documents: documents.MoveToImmutable(),
            metadataReferences: SyntheticInput.References,
            analyzerReferences: withAopsGen ? new AnalyzerReference[] { new AopsGenReference() } : null);
        Solution solution = workspace.CurrentSolution.AddProject(project);

        // Opening the project: the first compilation and the edited document's diagnostics, untimed.
        Diagnose(solution, edited, withAopsGen);

        SourceText text = solution.GetDocument(edited)!.GetTextAsync().GetAwaiter().GetResult();
        int position = text.ToString().IndexOf(SyntheticInput.EditedLine, StringComparison.Ordinal) + SyntheticInput.EditedLine.Length;
        var milliseconds = new double[keystrokes];
        for (int k = 0; k < keystrokes; k++)
        {
            long start = Stopwatch.GetTimestamp();
            text = text.WithChanges(new TextChange(new TextSpan(position, 0), Typed[k % Typed.Length].ToString()));
            position++;
            solution = solution.WithDocumentText(edited, text);
            Diagnose(solution, edited, withAopsGen);
            milliseconds[k] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return milliseconds;
    }

    /// <summary>The edited document's compiler and (with AopsGen) analyzer diagnostics, on the project's up-to-date compilation.</summary>
    private static int Diagnose(Solution solution, DocumentId documentId, bool withAopsGen)
    {
        Document document = solution.GetDocument(documentId)!;
        SemanticModel model = document.GetSemanticModelAsync().GetAwaiter().GetResult()!;
        int count = model.GetDiagnostics().Length;
        if (withAopsGen)
        {
            var withAnalyzers = model.Compilation.WithAnalyzers(
                CompilerRuns.Analyzers,
                new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: false, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false));
            count += withAnalyzers.GetAnalyzerSyntaxDiagnosticsAsync(model.SyntaxTree, CancellationToken.None).GetAwaiter().GetResult().Length;
            count += withAnalyzers.GetAnalyzerSemanticDiagnosticsAsync(model, filterSpan: null, CancellationToken.None).GetAwaiter().GetResult().Length;
        }
        return count;
    }

    /// <summary>The AopsGen package as the project references it: the generator and every analyzer.</summary>
    private sealed class AopsGenReference : AnalyzerReference
    {
        public override string? FullPath => null;

        public override string Display => "AopsGen";

        public override object Id => typeof(AddressSpaceOperationsGenerator).Assembly;

        public override ImmutableArray<DiagnosticAnalyzer> GetAnalyzers(string language) => CompilerRuns.Analyzers;

        public override ImmutableArray<DiagnosticAnalyzer> GetAnalyzersForAllLanguages() => CompilerRuns.Analyzers;

        /// <summary>One wrapper for the reference's life: the workspace maps each generator it gets back to its reference.</summary>
        private readonly ImmutableArray<ISourceGenerator> _generators = ImmutableArray.Create(new AddressSpaceOperationsGenerator().AsSourceGenerator());

        public override ImmutableArray<ISourceGenerator> GetGenerators(string language) => _generators;

        public override ImmutableArray<ISourceGenerator> GetGeneratorsForAllLanguages() => _generators;
    }
}

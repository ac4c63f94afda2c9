using System.Collections.Immutable;
using System.Linq;
using AopsGen.Benchmarks.Compiler;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Diagnostics.Telemetry;
using Xunit;

namespace AopsGen.Benchmarks.Tests;

/// <summary>
/// The compiler group's input and runs do what they claim (no timings): the synthetic classes compile, the generator makes
/// one table per class and reports nothing, the edit touches one class and the incremental run re-emits none, and the
/// analyzers find nothing to report.
/// </summary>
public class CompilerInputTests
{
    private const int Classes = 10;

    [Fact]
    public void The_synthetic_compilation_has_no_errors_with_or_without_the_generated_tables()
    {
        SyntheticInput input = SyntheticInput.Create(Classes);
        Assert.Equal(Classes, input.Trees.Length);
        Assert.Empty(input.CreateCompilation().GetDiagnostics(TestContext.Current.CancellationToken).Where(d => d.Severity == DiagnosticSeverity.Error));

        Compilation withTables = input.CreateCompilation(CompilerRuns.GeneratedTrees(input));
        Assert.Empty(withTables.GetDiagnostics(TestContext.Current.CancellationToken).Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void The_generator_emits_one_table_per_class_and_no_diagnostics()
    {
        SyntheticInput input = SyntheticInput.Create(Classes);
        GeneratorRunResult result = CompilerRuns.CreateDriver().RunGenerators(input.CreateCompilation(), TestContext.Current.CancellationToken).GetRunResult().Results.Single();

        Assert.Null(result.Exception);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(
            Enumerable.Range(0, Classes).Select(SyntheticInput.HintName).OrderBy(h => h, StringComparer.Ordinal),
            result.GeneratedSources.Select(s => s.HintName).OrderBy(h => h, StringComparer.Ordinal));
        foreach (GeneratedSourceResult source in result.GeneratedSources)
        {
            int index = int.Parse(source.HintName["Synthetic.Fs".Length..source.HintName.IndexOf('.', "Synthetic.Fs".Length)]);
            string text = source.SourceText.ToString();
            Assert.Equal(SyntheticInput.IsSwapCapable(index), text.Contains("directIO: &DirectIO", StringComparison.Ordinal));
            Assert.Equal(!SyntheticInput.IsSwapCapable(index), text.Contains("bmap: &Bmap", StringComparison.Ordinal));
            Assert.Contains("readPage: &ReadPage", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_edit_changes_one_line_of_one_class_and_the_incremental_run_re_emits_nothing()
    {
        SyntheticInput input = SyntheticInput.Create(Classes);
        string[] before = input.OriginalTree.ToString().Split('\n');
        string[] after = input.EditedTree().ToString().Split('\n');
        Assert.Equal(before.Length, after.Length);
        Assert.Equal([SyntheticInput.EditedLineReplacement], Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).Select(i => after[i]));

        (GeneratorDriver driver, Compilation edited) = CompilerRuns.PrepareIncremental(input, trackSteps: true);
        Assert.Equal(1, edited.SyntaxTrees.Count(t => !input.Trees.Contains(t)));
        GeneratorRunResult result = driver.RunGenerators(edited, TestContext.Current.CancellationToken).GetRunResult().Results.Single();

        Assert.Null(result.Exception);
        Assert.Equal(Classes, result.GeneratedSources.Length);
        IncrementalStepRunReason[] notRecomputed = [IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged];
        // Only the edited class's model is recomputed (and found equal); the others are not even looked at.
        IncrementalStepRunReason[] models = result.TrackedSteps[Generators.AddressSpaceOperationsGenerator.TrackingNames.Parse].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
        Assert.Equal(Classes, models.Length);
        Assert.Equal(1, models.Count(r => r == IncrementalStepRunReason.Unchanged));
        Assert.Equal(Classes - 1, models.Count(r => r == IncrementalStepRunReason.Cached));
        IncrementalStepRunReason[] tables = result.TrackedSteps[Generators.AddressSpaceOperationsGenerator.TrackingNames.Tables].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
        Assert.Equal(Classes, tables.Length);
        Assert.All(tables, r => Assert.Contains(r, notRecomputed));
        IncrementalStepRunReason[] output = result.TrackedOutputSteps[WellKnownGeneratorOutputs.SourceOutput].SelectMany(s => s.Outputs).Select(o => o.Reason).ToArray();
        Assert.Equal(Classes, output.Length);
        Assert.All(output, r => Assert.Contains(r, notRecomputed));
    }

    [Fact]
    public void The_analyzers_report_nothing_on_the_valid_input()
    {
        Assert.Equal(4, CompilerRuns.Analyzers.Length);
        SyntheticInput input = SyntheticInput.Create(Classes);
        ImmutableArray<Diagnostic> diagnostics = CompilerRuns.RunAnalyzers(CompilerRuns.PrepareAnalyzers(input, CompilerRuns.GeneratedTrees(input)), out _);

        Assert.Empty(diagnostics);
    }

    [Fact]
    public void The_floor_analyzers_register_what_the_AopsGen_analyzers_register_and_report_nothing()
    {
        SyntheticInput input = SyntheticInput.Create(Classes);
        ImmutableArray<SyntaxTree> generated = CompilerRuns.GeneratedTrees(input);
        CompilationWithAnalyzers aopsGen = CompilerRuns.PrepareAnalyzers(input, generated);
        CompilationWithAnalyzers floor = CompilerRuns.PrepareAnalyzers(input, generated, floor: true);

        Assert.Empty(CompilerRuns.RunAnalyzers(floor, out _));
        CompilerRuns.RunAnalyzers(aopsGen, out _);

        Assert.Equal(Registrations(aopsGen), Registrations(floor));
    }

    /// <summary>The action kinds the analyzers registered, summed over them (Roslyn's telemetry).</summary>
    private static (int SymbolActions, int SymbolStartActions, int SyntaxNodeActions, int SyntaxTreeActions, int OperationActions, int CompilationStartActions) Registrations(CompilationWithAnalyzers run)
    {
        var total = (0, 0, 0, 0, 0, 0);
        foreach (DiagnosticAnalyzer analyzer in run.Analyzers)
        {
            AnalyzerTelemetryInfo info = run.GetAnalyzerTelemetryInfoAsync(analyzer, TestContext.Current.CancellationToken).GetAwaiter().GetResult();
            total = (total.Item1 + info.SymbolActionsCount, total.Item2 + info.SymbolStartActionsCount,
                total.Item3 + info.SyntaxNodeActionsCount, total.Item4 + info.SyntaxTreeActionsCount,
                total.Item5 + info.OperationActionsCount, total.Item6 + info.CompilationStartActionsCount);
        }
        return total;
    }
}

using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace AopsGen.Analyzers.Tests;

/// <summary>
/// An analyzer test of the Roslyn testing framework with every AOPS analyzer (<see cref="AopsTestSetup"/>): expected
/// diagnostics are marked <c>{|AOPS003:ReadPage|}</c> or listed as <see cref="DiagnosticResult"/>s at <c>{|#0:...|}</c>
/// locations; compiler errors must be expected too.
/// </summary>
internal sealed class AopsAnalyzerTest : CSharpAnalyzerTest<TableAnalyzer, DefaultVerifier>
{
    public AopsAnalyzerTest()
    {
        ReferenceAssemblies = AopsTestSetup.ReferenceAssemblies;
        TestState.AdditionalReferences.Add(AopsTestSetup.AopsGenReference);
        // The generated tables are not what these tests check (the generator's own tests do); they are compiled, and the
        // analyzers see them, as in a build.
        TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
        // Every project of the test, the additional ones too (the transform is called for the primary one only).
        SolutionTransforms.Add((solution, _) => AopsTestSetup.WithCompilationOptions(solution, AllowUnsafe));
    }

    /// <summary>The project's AllowUnsafeBlocks.</summary>
    public bool AllowUnsafe { get; init; } = true;

    /// <summary>Runs the analyzers over one source (after <see cref="AopsTestSetup.Usings"/>) and checks the diagnostics.</summary>
    public static Task VerifyAsync(string markup, params DiagnosticResult[] expected)
    {
        var test = new AopsAnalyzerTest { TestCode = AopsTestSetup.Usings + markup };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>A diagnostic of <paramref name="descriptor"/> at the <c>{|#n:...|}</c> location <paramref name="markupKey"/>.</summary>
    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor, int markupKey) => new DiagnosticResult(descriptor).WithLocation(markupKey);


    protected override ParseOptions CreateParseOptions() => AopsTestSetup.ParseOptions(base.CreateParseOptions());

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => AopsTestSetup.Analyzers;

    protected override IEnumerable<Type> GetSourceGenerators() => AopsTestSetup.Generators;
}

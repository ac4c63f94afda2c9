using System.Collections.Generic;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Xunit;

namespace AopsGen.Analyzers.Tests;

/// <summary>
/// A code-fix test of the Roslyn testing framework for <typeparamref name="TCodeFix"/>, with every AOPS analyzer
/// (<see cref="AopsTestSetup"/>). The framework applies the fix one diagnostic at a time and then fix-all at document,
/// project and solution scope, compares each result with the fixed code, and checks the fixed code's diagnostics,
/// compiler errors included (so a fix that leaves a broken tree fails).
/// </summary>
internal sealed class AopsCodeFixTest<TCodeFix> : CSharpCodeFixTest<TableAnalyzer, TCodeFix, DefaultVerifier>
    where TCodeFix : CodeFixProvider, new()
{
    public AopsCodeFixTest()
    {
        ReferenceAssemblies = AopsTestSetup.ReferenceAssemblies;
        TestState.AdditionalReferences.Add(AopsTestSetup.AopsGenReference);
        // The generated tables are not what these tests check (the generator's own tests do); they are compiled, and the
        // analyzers see them, as in a build.
        TestBehaviors |= TestBehaviors.SkipGeneratedSourcesCheck;
    }

    /// <summary>The project's AllowUnsafeBlocks before the fix.</summary>
    public bool AllowUnsafe { get; init; } = true;

    /// <summary>Fixes <paramref name="before"/> into <paramref name="after"/> (both after <see cref="AopsTestSetup.Usings"/>).</summary>
    public static Task VerifyAsync(string before, string after, params DiagnosticResult[] expected)
    {
        var test = new AopsCodeFixTest<TCodeFix> { TestCode = AopsTestSetup.Usings + before, FixedCode = AopsTestSetup.Usings + after };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(TestContext.Current.CancellationToken);
    }

    protected override CompilationOptions CreateCompilationOptions() => AopsTestSetup.CompilationOptions(base.CreateCompilationOptions(), AllowUnsafe);

    protected override ParseOptions CreateParseOptions() => AopsTestSetup.ParseOptions(base.CreateParseOptions());

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => AopsTestSetup.Analyzers;

    protected override IEnumerable<Type> GetSourceGenerators() => AopsTestSetup.Generators;
}

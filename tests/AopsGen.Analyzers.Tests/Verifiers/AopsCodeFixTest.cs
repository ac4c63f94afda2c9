using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace AopsGen.Analyzers.Tests;

/// <summary>
/// A code-fix test of the Roslyn testing framework for <typeparamref name="TCodeFix"/>, with every AOPS analyzer
/// (<see cref="AopsTestSetup"/>). The framework applies the fix one diagnostic at a time and then fix-all at document,
/// project and solution scope, compares each result with the fixed code, and checks the fixed code's diagnostics,
/// compiler errors included. The framework compiles the fixed text, reparsed; a fix can also build a tree whose text is
/// fine but whose nodes carry errors (a chained fix, or the compiler given that tree, sees them): that is checked on each
/// fixed document as the fix left it.
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
        // Every project of the test, the additional ones too (the transform is called for the primary one only).
        SolutionTransforms.Add((solution, _) => AopsTestSetup.WithCompilationOptions(solution, AllowUnsafe));
        CodeActionVerifier = (action, verifier) =>
        {
            if (ExpectedTitle is not null)
            {
                verifier.Equal(ExpectedTitle, action.Title);
            }
            // The callback is synchronous; the fix's work is CPU-bound and awaits with ConfigureAwait(false).
            VerifyFixedTreesAsync(action, verifier).GetAwaiter().GetResult();
        };
    }

    /// <summary>The title each applied code action must have, or null for any.</summary>
    public string? ExpectedTitle { get; init; }

    /// <summary>The project's AllowUnsafeBlocks before the fix.</summary>
    public bool AllowUnsafe { get; init; } = true;

    /// <summary>Fixes <paramref name="before"/> into <paramref name="after"/> (both after <see cref="AopsTestSetup.Usings"/>).</summary>
    public static Task VerifyAsync(string before, string after, params DiagnosticResult[] expected)
    {
        var test = new AopsCodeFixTest<TCodeFix> { TestCode = AopsTestSetup.Usings + before, FixedCode = AopsTestSetup.Usings + after };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync(TestContext.Current.CancellationToken);
    }


    /// <summary>Fails when a document the action changes has syntax diagnostics that its text, parsed again, does not have.</summary>
    private static async Task VerifyFixedTreesAsync(CodeAction action, IVerifier verifier)
    {
        foreach (ApplyChangesOperation apply in (await action.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false)).OfType<ApplyChangesOperation>())
        {
            foreach (Document document in apply.ChangedSolution.Projects.SelectMany(p => p.Documents))
            {
                SyntaxTree tree = (await document.GetSyntaxTreeAsync().ConfigureAwait(false))!;
                SyntaxTree parsed = CSharpSyntaxTree.ParseText(await document.GetTextAsync().ConfigureAwait(false), (CSharpParseOptions)tree.Options, tree.FilePath);
                string[] built = tree.GetDiagnostics().Select(d => d.ToString()).ToArray();
                verifier.SequenceEqual(
                    parsed.GetDiagnostics().Select(d => d.ToString()),
                    built,
                    message: document.Name + ": the tree the fix built has syntax errors its text does not have: " + string.Join("; ", built));
            }
        }
    }

    protected override ParseOptions CreateParseOptions() => AopsTestSetup.ParseOptions(base.CreateParseOptions());

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => AopsTestSetup.Analyzers;

    protected override IEnumerable<Type> GetSourceGenerators() => AopsTestSetup.Generators;
}

using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace AopsGen.Generators.Tests;

/// <summary>
/// The generator over <see cref="MalformedSources"/>: it never fails (no exception, no CS8785) and never emits
/// code that does not compile; it emits nothing for an unusable type, leaves an unusable method's slot empty,
/// and handles valid corner cases. Cases that once crashed the generator (a keyword namespace in the hint name,
/// the class attribute on two partial declarations, U+2028 in a table name, an unimplemented partial op method,
/// a user member named like the generated helper) stay in the corpus as regressions.
/// </summary>
public sealed class MalformedSourceTests
{
    public static TheoryData<string> NoCrashCases() => Data(MalformedExpectation.NoCrash);

    public static TheoryData<string> NoSourceCases() => Data(MalformedExpectation.NoSource);

    public static TheoryData<string> TableWithoutOpCases() => Data(MalformedExpectation.TableWithoutOp);

    public static TheoryData<string> ValidCases() => Data(MalformedExpectation.Valid);

    [Theory]
    [MemberData(nameof(NoCrashCases))]
    public void Broken_code_does_not_make_the_generator_fail(string name) => Check(MalformedSources.Get(name));

    [Theory]
    [MemberData(nameof(NoSourceCases))]
    public void Unusable_type_gets_no_source(string name) => Check(MalformedSources.Get(name));

    [Theory]
    [MemberData(nameof(TableWithoutOpCases))]
    public void Unusable_method_gets_no_slot(string name) => Check(MalformedSources.Get(name));

    [Theory]
    [MemberData(nameof(ValidCases))]
    public void Valid_corner_case_generates_and_compiles_cleanly(string name) => Check(MalformedSources.Get(name));

    [Fact]
    public void Corpus_covers_every_expectation_with_unique_names()
    {
        Assert.Equal(MalformedSources.Cases.Length, MalformedSources.Cases.Select(c => c.Name).Distinct().Count());
        Assert.All(Enum.GetValues<MalformedExpectation>(), e => Assert.Contains(MalformedSources.Cases, c => c.Expectation == e));
    }

    [Fact]
    public void Class_attribute_with_null_or_wrong_arguments_names_the_table_after_the_class()
    {
        foreach (string name in new[] { "ClassAttributeIntArgument", "ClassAttributeTwoArguments", "ClassAttributeNullArgument" })
        {
            GeneratorRun run = GeneratorHarness.Run(MalformedSources.Get(name).Sources);
            run.AssertGeneratorDidNotFail();
            Assert.All(run.GeneratedSources, s => Assert.Contains("name: \"Fs\",", s.SourceText.ToString(), StringComparison.Ordinal));
        }
    }

    private static void Check(MalformedCase malformed)
    {
        GeneratorRun run = GeneratorHarness.Run(malformed.Sources);
        string name = malformed.Name;

        Assert.True(run.Result.Exception is null, $"{name}: the generator threw {run.Result.Exception}");
        Assert.DoesNotContain(run.DriverDiagnostics, d => d.Id == "CS8785");
        Assert.DoesNotContain(run.OutputDiagnostics, d => d.Id == "CS8785");
        Assert.Empty(run.DriverDiagnostics);

        // Whatever the input, what the generator adds must not be where an error is.
        var generatedTrees = new HashSet<SyntaxTree>(run.GeneratedSources.Select(s => s.SyntaxTree));
        Diagnostic[] inGenerated = run.OutputDiagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree is { } tree && generatedTrees.Contains(tree)).ToArray();
        Assert.True(inGenerated.Length == 0, $"{name}: errors in the generated code:\n{string.Join("\n", inGenerated)}\n\n{AllSources(run)}");

        switch (malformed.Expectation)
        {
            case MalformedExpectation.NoSource:
                Assert.True(run.GeneratedSources.IsEmpty, $"{name}: expected no source, got:\n{AllSources(run)}");
                break;
            case MalformedExpectation.TableWithoutOp:
                Assert.True(run.GeneratedSources.Length == 1, $"{name}: expected one table, got:\n{AllSources(run)}");
                AssertFragments(malformed, run.Source());
                break;
            case MalformedExpectation.Valid:
                run.AssertOutputCompilesCleanly();
                AssertFragments(malformed, run.Source());
                break;
        }
    }

    private static void AssertFragments(MalformedCase malformed, string source)
    {
        foreach (string fragment in malformed.Bound)
        {
            Assert.True(source.Contains(fragment, StringComparison.Ordinal), $"{malformed.Name}: missing '{fragment}' in\n{source}");
        }
        foreach (string fragment in malformed.NotBound)
        {
            Assert.False(source.Contains(fragment, StringComparison.Ordinal), $"{malformed.Name}: unexpected '{fragment}' in\n{source}");
        }
    }

    private static string AllSources(GeneratorRun run)
        => string.Join("\n\n", run.GeneratedSources.Select(s => "// " + s.HintName + "\n" + s.SourceText));

    private static TheoryData<string> Data(MalformedExpectation expectation) => new(MalformedSources.Names(expectation));
}

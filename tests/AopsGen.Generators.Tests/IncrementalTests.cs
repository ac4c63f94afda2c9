using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Tracking = AopsGen.Generators.AddressSpaceOperationsGenerator.TrackingNames;

namespace AopsGen.Generators.Tests;

/// <summary>
/// Caching across runs of one driver, read from the tracked steps: edits that do not change a table must
/// stop at the equatable model (Cached/Unchanged), and the output must not depend on file order.
/// </summary>
public sealed class IncrementalTests
{
    private static readonly IncrementalStepRunReason[] NotRecomputed = { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged };

    private const string Unrelated = """
        namespace Other;

        public static class Unrelated
        {
            public static int Answer() => 42;
        }
        """;

    [Fact]
    public void Adding_an_unrelated_file_leaves_every_step_cached()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(GeneratorHarness.ParseAll(TestSources.FewOps, TestSources.AllOps));
        GeneratorRun first = GeneratorHarness.Run(compilation);

        GeneratorRun second = GeneratorHarness.Run(compilation.AddSyntaxTrees(GeneratorHarness.Parse(Unrelated, "Unrelated.cs")), first.Driver);

        AssertNotRecomputed(second);
        AssertSameSources(first, second);
    }

    [Fact]
    public void Editing_an_unrelated_file_leaves_every_step_cached()
    {
        SyntaxTree unrelated = GeneratorHarness.Parse(Unrelated, "Unrelated.cs");
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(GeneratorHarness.ParseAll(TestSources.FewOps).Append(unrelated));
        GeneratorRun first = GeneratorHarness.Run(compilation);

        GeneratorRun second = GeneratorHarness.Run(
            compilation.ReplaceSyntaxTree(unrelated, GeneratorHarness.Parse(Unrelated.Replace("42", "43", StringComparison.Ordinal) + "\npublic class More { }\n", "Unrelated.cs")),
            first.Driver);

        AssertNotRecomputed(second);
        AssertSameSources(first, second);
    }

    [Fact]
    public void Editing_the_body_of_an_op_method_stops_at_the_model()
    {
        SyntaxTree tree = GeneratorHarness.Parse(TestSources.FewOps, "FewOps.cs");
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(new[] { tree });
        GeneratorRun first = GeneratorHarness.Run(compilation);

        // A constant of a different length, so that every later position in the file moves too.
        string edited = TestSources.FewOps.Replace("return 42;", "return -123456;", StringComparison.Ordinal);
        Assert.NotEqual(TestSources.FewOps, edited);
        GeneratorRun second = GeneratorHarness.Run(compilation.ReplaceSyntaxTree(tree, GeneratorHarness.Parse(edited, "FewOps.cs")), first.Driver);

        // The attributed class's tree changed, so its transform ran again, and produced an equal model.
        Assert.Contains(IncrementalStepRunReason.Unchanged, Reasons(second, Tracking.Parse));
        AssertNotRecomputed(second);
        AssertSameSources(first, second);
    }

    [Fact]
    public void Adding_an_op_method_regenerates_the_table()
    {
        SyntaxTree tree = GeneratorHarness.Parse(TestSources.FewOps, "FewOps.cs");
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(new[] { tree });
        GeneratorRun first = GeneratorHarness.Run(compilation);

        string edited = TestSources.FewOps.Replace(
            "public static string Last = \"\";",
            "public static string Last = \"\";\n\n        [Bmap]\n        internal static ulong Bmap(AddressSpace mapping, ulong block) => block;",
            StringComparison.Ordinal);
        Assert.NotEqual(TestSources.FewOps, edited);
        GeneratorRun second = GeneratorHarness.Run(compilation.ReplaceSyntaxTree(tree, GeneratorHarness.Parse(edited, "FewOps.cs")), first.Driver);

        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(second, Tracking.Parse));
        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(second, Tracking.Tables));
        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, OutputReasons(second));
        Assert.Contains("bmap: &Bmap,", second.Source(), StringComparison.Ordinal);
        Assert.DoesNotContain("bmap:", first.Source(), StringComparison.Ordinal);
        second.AssertOutputCompilesCleanly();
    }

    [Fact]
    public void Renaming_the_table_regenerates_it()
    {
        SyntaxTree tree = GeneratorHarness.Parse(TestSources.FewOps, "FewOps.cs");
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(new[] { tree });
        GeneratorRun first = GeneratorHarness.Run(compilation);

        string edited = TestSources.FewOps.Replace("\"few_aops\"", "\"renamed_aops\"", StringComparison.Ordinal);
        GeneratorRun second = GeneratorHarness.Run(compilation.ReplaceSyntaxTree(tree, GeneratorHarness.Parse(edited, "FewOps.cs")), first.Driver);

        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, OutputReasons(second));
        Assert.Contains("name: \"renamed_aops\"", second.Source(), StringComparison.Ordinal);
    }

    private const string PartA = """
        using System;
        using AopsGen;

        namespace Fs.Split;

        public static partial class SplitFs
        {
            [ReadPage]
            public static int ReadPageFromA(OpenFile file, Page page) => 1;

            [DirectIO]
            public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) => 0;
        }
        """;

    private const string PartB = """
        using AopsGen;

        namespace Fs.Split;

        [AddressSpaceOperations("split_aops")]
        public static partial class SplitFs
        {
            [WritePage]
            public static int WritePage(Page page, WritebackControl wbc) => 0;

            // A second readpage (AOPS004): the one in the file that sorts first (A) must win, whatever the order.
            [ReadPage]
            public static int ReadPageFromB(OpenFile file, Page page) => 2;

            [SwapActivate]
            public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span) { span = 0; return 0; }
        }
        """;

    [Fact]
    public void Output_does_not_depend_on_the_order_of_the_files_of_a_split_partial_class()
    {
        SyntaxTree a = GeneratorHarness.Parse(PartA, "/src/Fs.A.cs");
        SyntaxTree b = GeneratorHarness.Parse(PartB, "/src/Fs.B.cs");
        SyntaxTree unrelated = GeneratorHarness.Parse(Unrelated, "/src/Unrelated.cs");

        GeneratorRun[] runs =
        {
            GeneratorHarness.Run(GeneratorHarness.CreateCompilation(new[] { a, b, unrelated })),
            GeneratorHarness.Run(GeneratorHarness.CreateCompilation(new[] { b, a, unrelated })),
            GeneratorHarness.Run(GeneratorHarness.CreateCompilation(new[] { unrelated, b, a })),
        };

        string expected = runs[0].Source();
        foreach (GeneratorRun run in runs)
        {
            run.AssertGeneratorDidNotFail();
            GeneratedSourceResult source = Assert.Single(run.GeneratedSources);
            Assert.Equal("Fs.Split.SplitFs.Aops.g.cs", source.HintName);
            Assert.Equal(expected, source.SourceText.ToString());
        }
        Assert.Contains("readPage: &ReadPageFromA,", expected, StringComparison.Ordinal);
        Assert.DoesNotContain("ReadPageFromB", expected, StringComparison.Ordinal);
        Assert.Contains("writePage: &WritePage,", expected, StringComparison.Ordinal);
        Assert.Contains("directIO: &DirectIO,", expected, StringComparison.Ordinal);
        Assert.Contains("swapActivate: &SwapActivate);", expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Running_twice_on_the_same_compilation_gives_identical_text()
    {
        GeneratorRun first = GeneratorHarness.Run(TestSources.AllOps, TestSources.FewOps);
        GeneratorRun second = GeneratorHarness.Run(TestSources.AllOps, TestSources.FewOps);

        AssertSameSources(first, second);
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorRun run, string stepName)
    {
        Assert.True(run.Result.TrackedSteps.TryGetValue(stepName, out var steps), "no tracked step " + stepName);
        return steps.SelectMany(step => step.Outputs).Select(output => output.Reason).ToArray();
    }

    private static IncrementalStepRunReason[] OutputReasons(GeneratorRun run)
        => run.Result.TrackedOutputSteps[WellKnownGeneratorOutputs.SourceOutput].SelectMany(step => step.Outputs).Select(output => output.Reason).ToArray();

    private static void AssertNotRecomputed(GeneratorRun run)
    {
        foreach (string step in new[] { Tracking.Parse, Tracking.Tables })
        {
            IncrementalStepRunReason[] reasons = Reasons(run, step);
            Assert.NotEmpty(reasons);
            Assert.All(reasons, reason => Assert.Contains(reason, NotRecomputed));
        }
        IncrementalStepRunReason[] output = OutputReasons(run);
        Assert.NotEmpty(output);
        Assert.All(output, reason => Assert.Contains(reason, NotRecomputed));
    }

    private static void AssertSameSources(GeneratorRun first, GeneratorRun second)
    {
        static IEnumerable<(string, string)> Texts(GeneratorRun run)
            => run.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())).OrderBy(s => s.HintName, StringComparer.Ordinal);

        Assert.Equal(Texts(first), Texts(second));
    }
}

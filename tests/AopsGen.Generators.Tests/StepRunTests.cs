using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Tracking = AopsGen.Generators.AddressSpaceOperationsGenerator.TrackingNames;

namespace AopsGen.Generators.Tests;

/// <summary>
/// Which steps run after each kind of edit, read from the driver's tracked steps, on a project of two tables (Alpha, Beta)
/// and a file of other code. A table's model (<see cref="Tracking.Parse"/>) is computed again only when one of its own
/// trees changed (<c>Unchanged</c> or <c>Modified</c> for it, <c>Cached</c> for the other) or when the declarations
/// elsewhere changed (every model re-checked). After every edit the output is also compared with a fresh driver's on the
/// same compilation: what is skipped must never be what would have changed.
/// </summary>
public sealed class StepRunTests
{
    private const string Alpha = """
        using AopsGen;

        namespace Steps;

        [AddressSpaceOperations("alpha_aops")]
        public static partial class Alpha
        {
            private static int s_count;

            [ReadPage]
            public static int ReadPage(OpenFile file, Page page) { s_count++; return 0; }

            [WritePage]
            public static int WritePage(Page page, WritebackControl wbc) => 0;
        }
        """;

    private const string Beta = """
        using AopsGen;

        namespace Steps;

        [AddressSpaceOperations("beta_aops")]
        public static partial class Beta
        {
            [ReadPage]
            public static int ReadPage(OpenFile file, Page page) => 1;

            [SetPageDirty]
            public static bool SetPageDirty(Page page) => true;
        }
        """;

    private const string Other = """
        namespace Elsewhere;

        public static class Helpers
        {
            public static int Answer() => 42;
        }
        """;

    private const string AlphaPath = "/p/Alpha.cs";
    private const string BetaPath = "/p/Beta.cs";
    private const string OtherPath = "/p/Other.cs";

    [Fact]
    public void An_edit_in_a_method_body_outside_every_table_recomputes_no_model()
    {
        (GeneratorRun first, CSharpCompilation compilation) = Start();

        GeneratorRun second = Edit(first, compilation, OtherPath, Other.Replace("42", "43", StringComparison.Ordinal));

        // Only the edited file is read again; each file's candidates are found again by look-ups, equal to the last ones.
        Assert.Equal(1, Reasons(second, Tracking.FileTables).Count(reason => reason != IncrementalStepRunReason.Cached));
        Assert.All(Reasons(second, Tracking.Candidates), reason => Assert.Equal(IncrementalStepRunReason.Unchanged, reason));
        Assert.Equal(new[] { IncrementalStepRunReason.Unchanged }, Reasons(second, Tracking.Fingerprint));
        Assert.Equal(new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Cached }, Reasons(second, Tracking.Parse));
        Assert.All(OutputReasons(second), reason => Assert.Equal(IncrementalStepRunReason.Cached, reason));
    }

    [Fact]
    public void An_edit_in_an_op_body_recomputes_that_table_only_and_emits_nothing_new()
    {
        (GeneratorRun first, CSharpCompilation compilation) = Start();

        GeneratorRun second = Edit(first, compilation, AlphaPath, Alpha.Replace("s_count++;", "s_count += 2;", StringComparison.Ordinal));

        Assert.Equal(
            new[] { ("Alpha", IncrementalStepRunReason.Unchanged), ("Beta", IncrementalStepRunReason.Cached) },
            ModelReasons(second));
        Assert.All(OutputReasons(second), reason => Assert.Equal(IncrementalStepRunReason.Cached, reason));
    }

    [Fact]
    public void An_op_signature_edit_recomputes_that_table_only_and_changes_its_output()
    {
        (GeneratorRun first, CSharpCompilation compilation) = Start();

        // WritePage's wbc becomes an int: no longer the op's signature, so the table loses its writepage slot.
        GeneratorRun second = Edit(first, compilation, AlphaPath, Alpha.Replace("WritebackControl wbc", "int wbc", StringComparison.Ordinal));

        Assert.Equal(
            new[] { ("Alpha", IncrementalStepRunReason.Modified), ("Beta", IncrementalStepRunReason.Cached) },
            ModelReasons(second));
        Assert.DoesNotContain("writePage:", second.Source("Steps.Alpha.Aops.g.cs"), StringComparison.Ordinal);
        Assert.Contains("writePage:", first.Source("Steps.Alpha.Aops.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Adding_the_class_attribute_adds_one_model_and_removing_it_removes_one()
    {
        const string Gamma = """
            using AopsGen;

            namespace Steps;

            public static partial class Gamma
            {
                [FreePage]
                public static void FreePage(Page page) { }
            }
            """;
        (GeneratorRun first, CSharpCompilation compilation) = Start(("/p/Gamma.cs", Gamma));

        string attributed = Gamma.Replace("public static partial class Gamma", "[AddressSpaceOperations]\npublic static partial class Gamma", StringComparison.Ordinal);
        GeneratorRun added = Edit(first, compilation, "/p/Gamma.cs", attributed);

        Assert.Equal(
            new[] { ("Alpha", IncrementalStepRunReason.Cached), ("Beta", IncrementalStepRunReason.Cached), ("Gamma", IncrementalStepRunReason.New) },
            ModelReasons(added));
        Assert.Contains("freePage: &FreePage", added.Source("Steps.Gamma.Aops.g.cs"), StringComparison.Ordinal);

        CSharpCompilation withGamma = (CSharpCompilation)added.InputCompilation;
        GeneratorRun removed = Edit(added, withGamma, AlphaPath, Alpha.Replace("[AddressSpaceOperations(\"alpha_aops\")]\n", string.Empty, StringComparison.Ordinal));

        Assert.Contains(IncrementalStepRunReason.Removed, Reasons(removed, Tracking.Parse));
        Assert.Equal(
            new[] { ("Beta", IncrementalStepRunReason.Cached), ("Gamma", IncrementalStepRunReason.Cached) },
            ModelReasons(removed).Where(m => m.Reason != IncrementalStepRunReason.Removed));
        Assert.Equal(new[] { "Steps.Beta.Aops.g.cs", "Steps.Gamma.Aops.g.cs" }, removed.GeneratedSources.Select(s => s.HintName).OrderBy(h => h, StringComparer.Ordinal));
    }

    [Fact]
    public void A_type_declared_in_another_file_that_shadows_a_signature_type_rechecks_every_table()
    {
        (GeneratorRun first, CSharpCompilation compilation) = Start();

        // Steps.Page is found before AopsGen.Page (the namespace before its usings): every 'Page' parameter now names it.
        const string Shadowing = """
            namespace Elsewhere
            {
                public static class Helpers
                {
                    public static int Answer() => 42;
                }
            }

            namespace Steps
            {
                public sealed class Page { }
            }
            """;
        GeneratorRun second = Edit(first, compilation, OtherPath, Shadowing);

        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(second, Tracking.Fingerprint));
        Assert.Equal(
            new[] { ("Alpha", IncrementalStepRunReason.Modified), ("Beta", IncrementalStepRunReason.Modified) },
            ModelReasons(second));
        Assert.DoesNotContain("readPage:", second.Source("Steps.Beta.Aops.g.cs"), StringComparison.Ordinal);

        // And back: the shadowing type removed, the tables are whole again.
        GeneratorRun third = Edit(second, (CSharpCompilation)second.InputCompilation, OtherPath, Other);
        Assert.Contains("readPage: &ReadPage", third.Source("Steps.Beta.Aops.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_global_using_alias_in_another_file_rechecks_every_table()
    {
        (GeneratorRun first, CSharpCompilation compilation) = Start();

        // The alias is found before the types of the imported AopsGen namespace: 'Page' now means object.
        GeneratorRun second = Edit(first, compilation, OtherPath, "global using Page = object;\n" + Other);

        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(second, Tracking.Fingerprint));
        Assert.All(ModelReasons(second), m => Assert.Equal(IncrementalStepRunReason.Modified, m.Reason));
        Assert.DoesNotContain("setPageDirty:", second.Source("Steps.Beta.Aops.g.cs"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("namespace Steps;")]
    [InlineData("namespace @Steps;")] // the same namespace, written with an escape: the parts are still one class
    public void An_edit_in_another_part_of_a_partial_table_recomputes_that_table(string namespaceLine)
    {
        string alphaPart = """
            using AopsGen;

            NAMESPACE

            public static partial class Alpha
            {
                [Bmap]
                public static ulong Bmap(AddressSpace mapping, ulong block) => block;
            }
            """.Replace("NAMESPACE", namespaceLine, StringComparison.Ordinal);
        (GeneratorRun first, CSharpCompilation compilation) = Start(("/p/Alpha.Part.cs", alphaPart));
        Assert.Contains("bmap: &Bmap", first.Source("Steps.Alpha.Aops.g.cs"), StringComparison.Ordinal);

        GeneratorRun second = Edit(first, compilation, "/p/Alpha.Part.cs", alphaPart.Replace("ulong block)", "long block)", StringComparison.Ordinal));

        Assert.Equal(
            new[] { ("Alpha", IncrementalStepRunReason.Modified), ("Beta", IncrementalStepRunReason.Cached) },
            ModelReasons(second));
        Assert.DoesNotContain("bmap:", second.Source("Steps.Alpha.Aops.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_table_name_constant_changed_in_another_file_renames_the_table()
    {
        const string Names = "namespace Steps;\n\npublic static class TableNames\n{\n    public const string Alpha = \"first\";\n}\n";
        string alpha = Alpha.Replace("\"alpha_aops\"", "TableNames.Alpha", StringComparison.Ordinal);
        (GeneratorRun first, CSharpCompilation compilation) = Start(("/p/Names.cs", Names));
        compilation = compilation.ReplaceSyntaxTree(Tree(compilation, AlphaPath), GeneratorHarness.Parse(alpha, AlphaPath));
        first = GeneratorHarness.Run(compilation, first.Driver);
        Assert.Contains("name: \"first\"", first.Source("Steps.Alpha.Aops.g.cs"), StringComparison.Ordinal);

        GeneratorRun second = Edit(first, compilation, "/p/Names.cs", Names.Replace("\"first\"", "\"second\"", StringComparison.Ordinal));

        Assert.Contains("name: \"second\"", second.Source("Steps.Alpha.Aops.g.cs"), StringComparison.Ordinal);
        Assert.Equal(
            new[] { ("Alpha", IncrementalStepRunReason.Modified), ("Beta", IncrementalStepRunReason.Cached) },
            ModelReasons(second));
    }

    [Fact]
    public void A_global_alias_in_another_file_decides_whether_a_class_that_uses_it_is_a_table()
    {
        // Gamma's file never changes: only the alias in another file decides whether [Aops] is [AddressSpaceOperations].
        const string Gamma = """
            using AopsGen;

            namespace Steps;

            [Aops("gamma_aops")]
            public static partial class Gamma
            {
                [FreePage]
                public static void FreePage(Page page) { }
            }
            """;
        const string Alias = "global using Aops = AopsGen.AddressSpaceOperationsAttribute;\n";
        const string AliasPath = "/p/Alias.cs";
        (GeneratorRun first, CSharpCompilation compilation) = Start(("/p/Gamma.cs", Gamma), (AliasPath, Alias));
        Assert.Contains("freePage: &FreePage", first.Source("Steps.Gamma.Aops.g.cs"), StringComparison.Ordinal);

        GeneratorRun unaliased = Edit(first, compilation, AliasPath, "// no alias\n");

        Assert.DoesNotContain(unaliased.GeneratedSources, source => source.HintName == "Steps.Gamma.Aops.g.cs");

        GeneratorRun aliased = Edit(unaliased, (CSharpCompilation)unaliased.InputCompilation, AliasPath, Alias);

        Assert.Contains("freePage: &FreePage", aliased.Source("Steps.Gamma.Aops.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_class_whose_attribute_is_named_like_the_table_attribute_but_is_another_gets_no_table()
    {
        const string Impostor = """
            namespace Other
            {
                [System.AttributeUsage(System.AttributeTargets.Class)]
                public sealed class AddressSpaceOperationsAttribute : System.Attribute { }

                [AddressSpaceOperations]
                public static partial class NotATable
                {
                    [AopsGen.FreePage]
                    public static void FreePage(AopsGen.Page page) { }
                }
            }
            """;
        (GeneratorRun first, _) = Start(("/p/Impostor.cs", Impostor));

        Assert.Equal(new[] { "Steps.Alpha.Aops.g.cs", "Steps.Beta.Aops.g.cs" }, first.GeneratedSources.Select(s => s.HintName).OrderBy(h => h, StringComparer.Ordinal));
    }

    [Fact]
    public void A_new_reference_rechecks_every_table()
    {
        (GeneratorRun first, CSharpCompilation compilation) = Start();
        MetadataReference extra = CSharpCompilation.Create("Extra", new[] { GeneratorHarness.Parse("namespace Extra { public class E { } }") }, GeneratorHarness.References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary)).ToMetadataReference();

        GeneratorRun second = GeneratorHarness.Run(compilation.AddReferences(extra), first.Driver);

        Assert.Equal(new[] { IncrementalStepRunReason.Modified }, Reasons(second, Tracking.Fingerprint));
        Assert.All(ModelReasons(second), m => Assert.Equal(IncrementalStepRunReason.Unchanged, m.Reason));
        AssertSameAsFreshRun(second);
    }

    /// <summary>A driver run once over Alpha, Beta, Other and <paramref name="extra"/> files.</summary>
    private static (GeneratorRun Run, CSharpCompilation Compilation) Start(params (string Path, string Source)[] extra)
    {
        IEnumerable<SyntaxTree> trees = new[] { (AlphaPath, Alpha), (BetaPath, Beta), (OtherPath, Other) }.Concat(extra)
            .Select(file => GeneratorHarness.Parse(file.Item2, file.Item1));
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(trees);
        GeneratorRun run = GeneratorHarness.Run(compilation);
        run.AssertOutputCompilesCleanly();
        return (run, compilation);
    }

    /// <summary>The next run of <paramref name="previous"/>'s driver with the file at <paramref name="path"/> replaced; checked against a fresh driver.</summary>
    private static GeneratorRun Edit(GeneratorRun previous, CSharpCompilation compilation, string path, string source)
    {
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(Tree(compilation, path), GeneratorHarness.Parse(source, path));
        GeneratorRun run = GeneratorHarness.Run(edited, previous.Driver);
        run.AssertGeneratorDidNotFail();
        AssertSameAsFreshRun(run);
        return run;
    }

    private static SyntaxTree Tree(Compilation compilation, string path) => compilation.SyntaxTrees.Single(tree => tree.FilePath == path);

    private static void AssertSameAsFreshRun(GeneratorRun run)
    {
        static IEnumerable<(string, string)> Texts(GeneratorRun r)
            => r.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())).OrderBy(s => s.HintName, StringComparer.Ordinal);

        Assert.Equal(Texts(GeneratorHarness.Run(run.InputCompilation)), Texts(run));
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorRun run, string stepName)
    {
        Assert.True(run.Result.TrackedSteps.TryGetValue(stepName, out ImmutableArray<IncrementalGeneratorRunStep> steps), "no tracked step " + stepName);
        return steps.SelectMany(step => step.Outputs).Select(output => output.Reason).ToArray();
    }

    /// <summary>Each class's model step, by class name (from the candidate it was computed from), in name order.</summary>
    private static (string Class, IncrementalStepRunReason Reason)[] ModelReasons(GeneratorRun run)
        => run.Result.TrackedSteps[Tracking.Parse]
            .SelectMany(step => step.Outputs.Select(output => (Class: ClassOf(step), output.Reason)))
            .OrderBy(m => m.Class, StringComparer.Ordinal)
            .ToArray();

    private static string ClassOf(IncrementalGeneratorRunStep step)
    {
        // The model step's input is (candidate, fingerprint); the candidate's first declaration is the class.
        IncrementalGeneratorRunStep combine = step.Inputs[0].Source;
        object input = combine.Outputs[step.Inputs[0].OutputIndex].Value;
        var candidate = (TableCandidate)((ValueTuple<TableCandidate, DeclarationFingerprint>)input).Item1;
        return ((Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax)candidate.Declarations[0]).Identifier.ValueText;
    }

    private static IncrementalStepRunReason[] OutputReasons(GeneratorRun run)
        => run.Result.TrackedOutputSteps[WellKnownGeneratorOutputs.SourceOutput].SelectMany(step => step.Outputs).Select(output => output.Reason).ToArray();
}

using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace AopsGen.Analyzers.Tests;

/// <summary>Tests that start a `dotnet build` or an MSBuild design-time build; run one at a time (the machine is small).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BuildCollection
{
    public const string Name = "builds";
}

/// <summary>
/// examples/AnalyzerTour as a user sees it: `dotnet build` of each project, and every diagnostic of the log compared with
/// the <c>// AOPSnnn</c> marks in its sources: each marked rule at its file and line, nothing else.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed partial class AnalyzerTourBuildTests
{
    private static string TourDirectory => Path.Combine(DescriptorTests.RepositoryRoot, "examples", "AnalyzerTour");

    [Fact]
    public void Tour_build_reports_each_marked_rule_at_its_line_and_nothing_else()
    {
        string project = Path.Combine(TourDirectory, "Tour", "AnalyzerTour.csproj");
        (int exitCode, IReadOnlyList<BuildDiagnostic> diagnostics, string output) = Build(project);
        string[] expected = Marks(Path.GetDirectoryName(project)!);
        string[] actual = diagnostics.Select(d => Describe(d.Path, d.Line, d.Id)).OrderBy(s => s, StringComparer.Ordinal).ToArray();

        Assert.True(expected.SequenceEqual(actual), "expected:\n  " + string.Join("\n  ", expected) + "\nactual:\n  " + string.Join("\n  ", diagnostics) + "\n\n" + output);
        Assert.Equal(
            new[] { "AOPS001", "AOPS002", "AOPS003", "AOPS004", "AOPS005", "AOPS006", "AOPS008", "AOPS009", "AOPS010", "AOPS011", "AOPS012", "AOPS013" },
            diagnostics.Select(d => d.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal));
        Assert.All(diagnostics, d => Assert.Contains("(https://github.com/aopsgen/aopsgen/blob/main/docs/diagnostics/" + d.Id + ".md)", d.Message, StringComparison.Ordinal));
        Assert.NotEqual(0, exitCode); // the errors fail the build, as they should
    }

    [Fact]
    public void UnsafeOff_build_shows_only_AOPS007_and_the_CS0227_it_explains()
    {
        string project = Path.Combine(TourDirectory, "UnsafeOff", "AnalyzerTour.UnsafeOff.csproj");
        // The generated files are written to disk so that the CS0227 lines can be read.
        (int exitCode, IReadOnlyList<BuildDiagnostic> diagnostics, string output) = Build(project, "-p:EmitCompilerGeneratedFiles=true");
        string[] expected = Marks(Path.GetDirectoryName(project)!);
        Assert.Equal(new[] { "AOPS007" }, expected.Select(e => e.Split(' ')[1]));
        Assert.NotEqual(0, exitCode);

        // Besides the marked AOPS007: only CS0227, and only in the generated table file.
        BuildDiagnostic[] others = diagnostics.Where(d => d.Id != "AOPS007").ToArray();
        Assert.NotEmpty(others);
        Assert.All(others, d =>
        {
            Assert.Equal("CS0227", d.Id);
            Assert.EndsWith(".Aops.g.cs", d.Path, StringComparison.Ordinal);
        });
        // The generated method keeps 'unsafe' in its body, so CS0227 is a body error and the compiler still runs the
        // analyzers: the build shows AOPS007 at the mark, beside the CS0227 it explains.
        string[] aops = diagnostics.Where(d => d.Id == "AOPS007").Select(d => Describe(d.Path, d.Line, d.Id)).ToArray();
        Assert.True(expected.SequenceEqual(aops), "expected:\n  " + string.Join("\n  ", expected) + "\nactual:\n  " + string.Join("\n  ", diagnostics) + "\n\n" + output);
    }

    /// <summary>`dotnet build` of one project, in the tests' configuration, against the already built AopsGen projects.</summary>
    private static (int ExitCode, IReadOnlyList<BuildDiagnostic> Diagnostics, string Output) Build(string project, params string[] extra)
    {
        (int exitCode, string output) = DotNetBuild.Run(
            Path.GetDirectoryName(project)!,
            new[]
            {
                "build", project,
                "-c", DotNetBuild.Configuration,
                "-p:BuildProjectReferences=false",
                "-p:TreatWarningsAsErrors=false",
                "--no-incremental",
                "-nodeReuse:false",
                "-clp:NoSummary",
            }.Concat(extra).ToArray());
        Assert.DoesNotContain("MSB", string.Join("\n", DotNetBuild.Parse(output).Select(d => d.Id)), StringComparison.Ordinal);
        return (exitCode, DotNetBuild.Parse(output), output);
    }

    /// <summary>Every <c>// AOPSnnn</c> comment in the project's sources, as "path:line id".</summary>
    private static string[] Marks(string directory)
    {
        var marks = new List<string>();
        foreach (string file in Directory.GetFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains(Path.DirectorySeparatorChar + "obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                     && !f.Contains(Path.DirectorySeparatorChar + "bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
        {
            string[] lines = System.IO.File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                foreach (Match match in Mark().Matches(lines[i]))
                {
                    marks.Add(Describe(Path.GetFullPath(file), i + 1, match.Groups["id"].Value));
                }
            }
        }
        return marks.OrderBy(s => s, StringComparer.Ordinal).ToArray();
    }

    private static string Describe(string path, int line, string id) => $"{path}:{line} {id}";

    [GeneratedRegex(@"// (?<id>AOPS\d{3})\b")]
    private static partial Regex Mark();
}

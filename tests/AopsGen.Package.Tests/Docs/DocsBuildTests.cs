using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace AopsGen.Package.Tests.Docs;

/// <summary>
/// Docs that compile: every <c>```csharp</c> block of README.md, docs/ and the example and benchmark READMEs is a
/// file of a fresh console project (what <c>dotnet new console</c> makes: implicit usings and nullable on) with
/// the packed AopsGen package from a local feed, built with warnings as errors, and run when it is a program.
/// A block of an example filesystem's README also references that example (and RamFs, the root filesystem the
/// examples mount on), copied and built against the package. A block
/// that is only a piece of a program is marked <c>```csharp fragment</c> and not compiled
/// (<see cref="MarkdownCodeBlock"/> states the rule). All blocks build in one <c>dotnet build</c> of one solution.
/// Where the docs show what a program prints ("It prints:" and a plain block), the output must be exactly that.
/// </summary>
[Trait("Requires", "dotnet-pack")]
[Collection(PackedPackageFixture.Collection)]
public sealed partial class DocsBuildTests
{
    private readonly PackedPackageFixture _package;
    private readonly ITestOutputHelper _output;

    public DocsBuildTests(PackedPackageFixture package, ITestOutputHelper output)
    {
        _package = package;
        _output = output;
        Assert.True(package.PackExitCode == 0, "dotnet pack failed:\n" + package.PackOutput);
    }

    [Fact]
    public void Readme_starts_with_a_complete_program()
    {
        MarkdownCodeBlock first = MarkdownCodeBlock.All(_package.RepositoryRoot).First(b => b.File == "README.md" && b.IsCSharp);

        Assert.False(first.IsFragment, $"{first}: the README's first example must be a complete program, not a fragment");
        Assert.True(first.IsProgram, $"{first}: the README's first example must have top-level statements, so that pasted into Program.cs it runs");
    }

    [Fact]
    public void Every_csharp_block_not_marked_fragment_builds_against_the_package_without_warnings_and_runs()
    {
        var stopwatch = Stopwatch.StartNew();
        List<MarkdownCodeBlock> all = MarkdownCodeBlock.All(_package.RepositoryRoot).ToList();
        List<MarkdownCodeBlock> blocks = all.Where(b => b.IsCSharp && !b.IsFragment).ToList();
        Assert.NotEmpty(blocks);
        string solution = _package.NewFolder("docs");
        var programs = new List<(MarkdownCodeBlock Block, string Dll)>();
        var projects = new List<string>();
        var examples = new Dictionary<string, string>();
        foreach (MarkdownCodeBlock block in blocks)
        {
            string name = ProjectName(block);
            string directory = Path.Combine(solution, name);
            Directory.CreateDirectory(directory);
            // #line makes every diagnostic name the Markdown file and line: README.md(15,9): error CS0103 …
            System.IO.File.WriteAllText(Path.Combine(directory, "Program.cs"), $"#line {block.Line} \"{block.File}\"\n{block.Code}");
            string references = string.Concat(ExamplesOf(block).Select(example =>
            {
                if (!examples.TryGetValue(example, out string? copy))
                {
                    copy = Path.Combine(_package.CopyExample(example), example + ".csproj");
                    examples.Add(example, copy);
                }
                return $"""<ItemGroup><ProjectReference Include="{copy}" /></ItemGroup>""";
            }));
            bool program = block.IsProgram;
            System.IO.File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>{(program ? "Exe" : "Library")}</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup><PackageReference Include="AopsGen" Version="{PackedPackageFixture.Version}" /></ItemGroup>
                  {references}
                </Project>
                """);
            projects.Add(Path.Combine(name, name + ".csproj"));
            if (program)
            {
                programs.Add((block, Path.Combine(directory, "bin", "Release", "net10.0", name + ".dll")));
            }
        }
        System.IO.File.WriteAllText(Path.Combine(solution, "docs.slnx"),
            "<Solution>\n" + string.Concat(projects.Select(p => $"  <Project Path=\"{p}\" />\n")) + "</Solution>\n");

        // Several projects in one build: on a loaded 2-core machine that can take more than the usual 5 minutes.
        (int build, string buildOutput) = DotNetCli.Run(TimeSpan.FromMinutes(20), solution, "build", "docs.slnx", "-c", "Release", "-warnaserror",
            "-p:AopsGenVersion=" + PackedPackageFixture.Version);
        _output.WriteLine($"{blocks.Count} blocks ({programs.Count} programs) built in {stopwatch.Elapsed.TotalSeconds:F1} s");
        Assert.True(build == 0, "A C# block of the docs does not build against the package (mark a piece of a program ```csharp fragment):\n"
            + string.Join('\n', Diagnostics(buildOutput)) + "\n\nThe whole build:\n" + buildOutput);

        foreach ((MarkdownCodeBlock block, string dll) in programs)
        {
            (int exitCode, string output) = DotNetCli.Run(Path.GetDirectoryName(dll)!, dll);
            _output.WriteLine($"{block}: exit {exitCode}\n{output}");
            Assert.True(exitCode == 0, $"{block}: the program exits with {exitCode}:\n{output}");
            int next = all.IndexOf(block) + 1;
            if (next < all.Count && all[next].File == block.File && all[next].IsOutput)
            {
                Assert.True(Lines(all[next].Code).SequenceEqual(Lines(output)),
                    $"{all[next]}: the docs say the program of {block} prints\n{all[next].Code}\nbut it prints\n{output}");
            }
        }
        _output.WriteLine($"built and ran in {stopwatch.Elapsed.TotalSeconds:F1} s");
    }

    private static IEnumerable<string> Lines(string text) => text.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0);

    // The distinct error and warning lines of a build, each naming a Markdown file and line thanks to #line.
    private static IEnumerable<string> Diagnostics(string buildOutput)
        => buildOutput.Split('\n').Select(l => l.Trim()).Where(l => DiagnosticLine().IsMatch(l))
            .Select(l => Regex.Replace(Regex.Replace(l, @"\s*\[[^\]]*\.csproj\]$", string.Empty), @"^\S*/[A-Za-z0-9_]+_L[0-9]+/", string.Empty))
            .Distinct();

    private static string ProjectName(MarkdownCodeBlock block)
        => Regex.Replace(Path.ChangeExtension(block.File, null), "[^A-Za-z0-9]", "_") + "_L" + block.Line;

    // A block of examples/HostFs/README.md uses HostFs and RamFs, the root filesystem every example mounts on.
    private static IEnumerable<string> ExamplesOf(MarkdownCodeBlock block)
    {
        string[] parts = block.File.Split('/');
        if (parts.Length == 3 && parts[0] == "examples" && parts[2] == "README.md" && parts[1] is "RamFs" or "BlockFs" or "HostFs" or "NfsFs")
        {
            return parts[1] == "RamFs" ? ["RamFs"] : [parts[1], "RamFs"];
        }
        return [];
    }

    [GeneratedRegex(@": (error|warning) [A-Z]+[0-9]+")]
    private static partial Regex DiagnosticLine();
}

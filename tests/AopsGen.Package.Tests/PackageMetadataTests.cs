using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace AopsGen.Package.Tests;

/// <summary>What the package says about itself and carries besides the code: licence, README, release notes,
/// symbols with sources, and analyzers taken from the projects' own outputs.</summary>
[Trait("Requires", "dotnet-pack")]
[Collection(PackedPackageFixture.Collection)]
public sealed class PackageMetadataTests
{
    /// <summary>The CustomDebugInformation kind of a source file embedded in a portable PDB.</summary>
    private static readonly Guid EmbeddedSourceKind = new("0E8A571B-6926-466E-B4AD-8AB04611F5FE");

    private readonly PackedPackageFixture _package;

    public PackageMetadataTests(PackedPackageFixture package)
    {
        _package = package;
        Assert.True(package.PackExitCode == 0, "dotnet pack failed:\n" + package.PackOutput);
    }

    [Fact]
    public void Package_carries_the_MIT_licence_file_and_declares_the_MIT_expression()
    {
        string licence = ReadEntry("LICENSE");
        string nuspec = ReadEntry("AopsGen.nuspec");

        Assert.StartsWith("MIT License", licence, StringComparison.Ordinal);
        Assert.Contains("Copyright (c) 2026 AopsGen contributors", licence, StringComparison.Ordinal);
        Assert.Contains("<license type=\"expression\">MIT</license>", nuspec, StringComparison.Ordinal);
    }

    [Fact]
    public void Package_readme_is_PACKAGE_md_for_users_with_no_link_out_of_the_package()
    {
        string nuspec = ReadEntry("AopsGen.nuspec");
        string readme = ReadEntry("PACKAGE.md");

        Assert.Contains("<readme>PACKAGE.md</readme>", nuspec, StringComparison.Ordinal);
        Assert.Contains("dotnet add package AopsGen", readme, StringComparison.Ordinal);
        Assert.DoesNotContain("http", readme, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"\]\(", readme);
    }

    [Fact]
    public void Package_has_release_notes_a_description_and_tags_and_no_project_or_repository_url_it_cannot_honour()
    {
        string nuspec = ReadEntry("AopsGen.nuspec");

        Assert.Matches(@"<releaseNotes>0\.1\.0: the first release\.", nuspec);
        Assert.Matches(@"<description>Linux address_space_operations for \.NET", nuspec);
        Assert.Matches(@"<tags>[^<]*\blinux\b[^<]*\bsource-generator\b", nuspec);
        // The project has no public address yet: a URL here would be a dead link.
        Assert.DoesNotContain("<projectUrl>", nuspec, StringComparison.Ordinal);
        Assert.DoesNotMatch("<repository[^>]*url=", nuspec);
    }

    [Fact]
    public void Package_records_the_git_commit_it_was_packed_from()
    {
        string nuspec = ReadEntry("AopsGen.nuspec");
        (int exitCode, string head) = Git("rev-parse", "HEAD");
        Assert.True(exitCode == 0, head);

        Assert.Contains($"<repository type=\"git\" commit=\"{head.Trim()}\" />", nuspec, StringComparison.Ordinal);
    }

    [Fact]
    public void Runtime_dll_embeds_its_portable_pdb_with_every_source_file_embedded()
    {
        byte[] dll = ReadEntryBytes("lib/net10.0/AopsGen.dll");
        using var pe = new PEReader(new MemoryStream(dll));
        DebugDirectoryEntry embedded = Assert.Single(pe.ReadDebugDirectory(), e => e.Type == DebugDirectoryEntryType.EmbeddedPortablePdb);
        using MetadataReaderProvider pdbProvider = pe.ReadEmbeddedPortablePdbDebugDirectoryData(embedded);
        MetadataReader pdb = pdbProvider.GetMetadataReader();

        var sources = new Dictionary<string, string>();
        foreach (DocumentHandle handle in pdb.Documents)
        {
            string name = pdb.GetString(pdb.GetDocument(handle).Name);
            BlobHandle blob = pdb.GetCustomDebugInformation(handle)
                .Select(pdb.GetCustomDebugInformation)
                .Where(info => pdb.GetGuid(info.Kind) == EmbeddedSourceKind)
                .Select(info => info.Value)
                .FirstOrDefault();
            Assert.False(blob.IsNil, name + " has no embedded source");
            sources[name.Replace('\\', '/')] = EmbeddedSourceText(pdb.GetBlobBytes(blob));
        }

        // The generator's output is compiled in too, so a debugger can step into the swap table as well.
        Assert.Contains(sources.Keys, name => name.EndsWith("/src/AopsGen/Block/BlockDevice.cs", StringComparison.Ordinal));
        Assert.Contains(sources.Keys, name => name.EndsWith(".Aops.g.cs", StringComparison.Ordinal));
        string blockDevice = sources.Single(s => s.Key.EndsWith("/Block/BlockDevice.cs", StringComparison.Ordinal)).Value;
        Assert.Contains("public sealed unsafe class BlockDevice", blockDevice, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyzers_are_packed_from_their_projects_outputs_wherever_those_are_built()
    {
        // Pack asks each analyzer project where it builds (GetTargetPath); with an artifacts path that is the
        // artifacts folder, which no hard-coded bin path could name.
        string artifacts = Path.Combine(_package.Root, "artifacts");
        (int exitCode, string output) = DotNetCli.Run(_package.RepositoryRoot, "msbuild", "src/AopsGen/AopsGen.csproj",
            "-t:AddAnalyzersToPackage", "-getItem:TfmSpecificPackageFile", "-p:Configuration=" + PackedPackageFixture.Configuration,
            "-p:TargetFramework=net10.0", "-p:ArtifactsPath=" + artifacts);
        Assert.True(exitCode == 0, output);

        using JsonDocument json = JsonDocument.Parse(output);
        var packed = json.RootElement.GetProperty("Items").GetProperty("TfmSpecificPackageFile").EnumerateArray()
            .Select(item => (Path: item.GetProperty("FullPath").GetString()!, PackagePath: item.GetProperty("PackagePath").GetString()!))
            .ToArray();

        Assert.Equal(["AopsGen.Analyzers.dll", "AopsGen.CodeFixes.dll", "AopsGen.Generators.dll"], packed.Select(p => Path.GetFileName(p.Path)).Order());
        Assert.All(packed, p => Assert.StartsWith(Path.Combine(artifacts, "bin") + Path.DirectorySeparatorChar, p.Path, StringComparison.Ordinal));
        Assert.All(packed, p => Assert.Equal("analyzers/dotnet/roslyn4.14/cs", p.PackagePath));
    }

    [Fact]
    public void Package_readme_example_builds_in_a_fresh_console_project_with_implicit_usings_and_prints_what_it_says()
    {
        string readme = ReadEntry("PACKAGE.md");
        string program = Regex.Match(readme, "```csharp\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        string expected = Regex.Match(readme, "`dotnet run` prints:\n\n```text\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        Assert.NotEqual("", program);
        Assert.NotEqual("", expected);

        // What `dotnet new console` writes, with the package added.
        string app = Path.Combine(_package.Root, "ReadmeApp");
        Directory.CreateDirectory(app);
        System.IO.File.WriteAllText(Path.Combine(app, "ReadmeApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="AopsGen" Version="{PackedPackageFixture.Version}" />
              </ItemGroup>
            </Project>
            """);
        System.IO.File.WriteAllText(Path.Combine(app, "Program.cs"), program);
        _package.Isolate(app);

        (int build, string buildOutput) = DotNetCli.Run(app, "build", "-c", "Release", "-warnaserror");
        Assert.True(build == 0, "the PACKAGE.md example did not build:\n" + buildOutput);
        (int run, string output) = DotNetCli.Run(app, Path.Combine(app, "bin", "Release", "net10.0", "ReadmeApp.dll"));

        Assert.True(run == 0, output);
        Assert.Equal(expected.ReplaceLineEndings(), output.ReplaceLineEndings());
    }

    private string ReadEntry(string name) => Encoding.UTF8.GetString(ReadEntryBytes(name));

    private byte[] ReadEntryBytes(string name)
    {
        using ZipArchive zip = ZipFile.OpenRead(_package.PackagePath);
        ZipArchiveEntry entry = zip.GetEntry(name) ?? throw new FileNotFoundException($"{name} is not in the package");
        using Stream stream = entry.Open();
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return bytes.ToArray();
    }

    // Portable PDB embedded source: an int32 uncompressed length (0: the text follows as is), then deflated text.
    private static string EmbeddedSourceText(byte[] blob)
    {
        int length = BitConverter.ToInt32(blob, 0);
        if (length == 0)
        {
            return Encoding.UTF8.GetString(blob, 4, blob.Length - 4);
        }
        using var deflate = new DeflateStream(new MemoryStream(blob, 4, blob.Length - 4), CompressionMode.Decompress);
        using var text = new StreamReader(deflate, Encoding.UTF8);
        return text.ReadToEnd();
    }

    private (int ExitCode, string Output) Git(params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("git") { WorkingDirectory = _package.RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = System.Diagnostics.Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }
}

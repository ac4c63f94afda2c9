using System.IO;
using System.IO.Compression;
using System.Linq;
using Xunit;

namespace AopsGen.Package.Tests;

[Trait("Requires", "dotnet-pack")]
[Collection(PackedPackageFixture.Collection)]
public sealed class PackageTests
{
    private readonly PackedPackageFixture _package;

    public PackageTests(PackedPackageFixture package)
    {
        _package = package;
        Assert.True(package.PackExitCode == 0, "dotnet pack failed:\n" + package.PackOutput);
    }

    [Fact]
    public void Package_holds_runtime_in_lib_generator_and_analyzers_under_roslyn4_14_and_the_buildTransitive_props()
    {
        using ZipArchive zip = ZipFile.OpenRead(_package.PackagePath);
        string[] entries = zip.Entries.Select(e => e.FullName).ToArray();

        Assert.Contains("lib/net10.0/AopsGen.dll", entries);
        Assert.Contains("analyzers/dotnet/roslyn4.14/cs/AopsGen.Generators.dll", entries);
        Assert.Contains("analyzers/dotnet/roslyn4.14/cs/AopsGen.Analyzers.dll", entries);
        Assert.Contains("analyzers/dotnet/roslyn4.14/cs/AopsGen.CodeFixes.dll", entries);
        Assert.Contains("buildTransitive/AopsGen.props", entries);
        // The generator is a compiler plug-in: it must not leak into lib/ where it would become a reference.
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) && e.Contains("Generators", StringComparison.Ordinal));
        Assert.All(entries.Where(e => e.EndsWith(".dll", StringComparison.Ordinal)),
            e => Assert.True(e.StartsWith("lib/net10.0/", StringComparison.Ordinal) || e.StartsWith("analyzers/dotnet/roslyn4.14/cs/", StringComparison.Ordinal), e));
    }

    [Fact]
    public void Package_declares_no_dependency_on_the_generator_project()
    {
        using ZipArchive zip = ZipFile.OpenRead(_package.PackagePath);
        using var reader = new StreamReader(zip.GetEntry("AopsGen.nuspec")!.Open());
        string nuspec = reader.ReadToEnd();

        Assert.Contains("<id>AopsGen</id>", nuspec, StringComparison.Ordinal);
        Assert.DoesNotContain("AopsGen.Generators", nuspec, StringComparison.Ordinal);
    }

    [Fact]
    public void BuildTransitive_props_turns_AllowUnsafeBlocks_on_only_when_the_project_left_it_unset()
    {
        string unset = _package.CopyExample("HelloAops");
        string setFalse = _package.CopyExample("HelloAops", "<Nullable>enable</Nullable>", "<Nullable>enable</Nullable><AllowUnsafeBlocks>false</AllowUnsafeBlocks>");

        Assert.Equal("true", PropertyAfterRestore(unset, "AllowUnsafeBlocks"));
        Assert.Equal("false", PropertyAfterRestore(setFalse, "AllowUnsafeBlocks"));
    }

    [Fact]
    public void Example_builds_against_the_packed_package_and_calls_through_the_generated_table()
    {
        string app = _package.CopyExample("HelloAops");

        (int build, string buildOutput) = DotNetCli.Run(app, "build", "-c", "Release", "-p:AopsGenVersion=" + PackedPackageFixture.Version, "-warnaserror");
        Assert.True(build == 0, "build against the package failed:\n" + buildOutput);
        Assert.True(Directory.Exists(Path.Combine(app, "packages", "aopsgen", PackedPackageFixture.Version)), "AopsGen did not come from the packed feed");

        (int run, string output) = DotNetCli.Run(app, Path.Combine(app, "bin", "Release", "net10.0", "HelloAops.dll"));
        Assert.True(run == 0, output);
        Assert.Contains("memory_fs_aops { .writepage, .readpage, .direct_IO }", output, StringComparison.Ordinal);
        Assert.Contains("direct_IO(KERNEL_WRITE) at page 3: 4096 bytes", output, StringComparison.Ordinal);
        Assert.Contains("readpage of page 3: 0, uptodate True, data \"hello, aops\"", output, StringComparison.Ordinal);
        Assert.Contains("StaticOps readpage with the page locked again: 0", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RamFs", "ramfs_aops")]
    [InlineData("BlockFs", "blockfs_aops")]
    [InlineData("HostFs", "hostfs_aops")]
    [InlineData("NfsFs", "nfs_file_aops")]
    public void Example_filesystem_builds_against_the_packed_package_with_its_table_generated(string example, string table)
    {
        string project = _package.CopyExample(example);

        (int build, string buildOutput) = DotNetCli.Run(project, "build", "-c", "Release", "-p:AopsGenVersion=" + PackedPackageFixture.Version, "-warnaserror",
            "-p:EmitCompilerGeneratedFiles=true");

        Assert.True(build == 0, $"{example} against the package failed:\n" + buildOutput);
        Assert.True(Directory.Exists(Path.Combine(project, "packages", "aopsgen", PackedPackageFixture.Version)), "AopsGen did not come from the packed feed");
        // The example's own table (RamFs has a second one, RamFsSwapRw).
        string generated = Directory.EnumerateFiles(Path.Combine(project, "obj"), "*.Aops.g.cs", SearchOption.AllDirectories)
            .Single(path => Path.GetFileName(path).EndsWith(example + ".Aops.g.cs", StringComparison.Ordinal));
        Assert.Contains($"\"{table}\"", System.IO.File.ReadAllText(generated), StringComparison.Ordinal);
    }

    private static string PropertyAfterRestore(string projectDirectory, string property)
    {
        (int restore, string restoreOutput) = DotNetCli.Run(projectDirectory, "restore", "-p:AopsGenVersion=" + PackedPackageFixture.Version);
        Assert.True(restore == 0, restoreOutput);
        (int exitCode, string output) = DotNetCli.Run(projectDirectory, "msbuild", "-getProperty:" + property, "-p:AopsGenVersion=" + PackedPackageFixture.Version);
        Assert.True(exitCode == 0, output);
        return output.Trim();
    }
}

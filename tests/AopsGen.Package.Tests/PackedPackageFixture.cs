using System.IO;
using Xunit;

namespace AopsGen.Package.Tests;

/// <summary>The test classes that read the packed package share one pack and run one after another.</summary>
[CollectionDefinition(PackedPackageFixture.Collection)]
public sealed class PackedPackageCollection : ICollectionFixture<PackedPackageFixture>;

/// <summary>
/// Packs AopsGen once for the test collection, into a temporary folder, from the build the test run already made
/// (<c>--no-build</c>, same configuration), and removes the folder afterwards.
/// </summary>
public sealed class PackedPackageFixture : IDisposable
{
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    /// <summary>The version packed: the repository's version (Directory.Build.props).</summary>
    public const string Version = "0.1.0";

    /// <summary>The name of the collection that shares this fixture.</summary>
    public const string Collection = "packed package";

    public PackedPackageFixture()
    {
        Root = Directory.CreateTempSubdirectory("aopsgen-package-test-").FullName;
        Feed = Path.Combine(Root, "feed");
        RepositoryRoot = DotNetCli.RepositoryRoot();
        (int exitCode, string output) = DotNetCli.Run(RepositoryRoot,
            "pack", "src/AopsGen/AopsGen.csproj", "--no-build", "-c", Configuration, "-o", Feed, "-p:Version=" + Version);
        PackOutput = output;
        PackExitCode = exitCode;
        PackagePath = Path.Combine(Feed, $"AopsGen.{Version}.nupkg");
    }

    public string Root { get; }

    public string Feed { get; }

    public string RepositoryRoot { get; }

    public string PackagePath { get; }

    public int PackExitCode { get; }

    public string PackOutput { get; }

    /// <summary>
    /// Copies the example <paramref name="example"/> (its .csproj and .cs files, not bin/obj) to a fresh folder
    /// outside the repository, isolated by <see cref="Isolate"/> so nothing from the repository or the machine's
    /// package cache leaks in.
    /// </summary>
    public string CopyExample(string example, string? projectTextReplace = null, string? projectTextWith = null)
    {
        string source = Path.Combine(RepositoryRoot, "examples", example);
        string target = Path.Combine(Root, example + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(target);
        foreach (string file in Directory.EnumerateFiles(source))
        {
            if (file.EndsWith(".cs", StringComparison.Ordinal) || file.EndsWith(".csproj", StringComparison.Ordinal))
            {
                string text = System.IO.File.ReadAllText(file);
                if (projectTextReplace != null && file.EndsWith(".csproj", StringComparison.Ordinal))
                {
                    text = text.Replace(projectTextReplace, projectTextWith, StringComparison.Ordinal);
                }
                System.IO.File.WriteAllText(Path.Combine(target, Path.GetFileName(file)), text);
            }
        }
        Isolate(target);
        return target;
    }

    /// <summary>
    /// A fresh, empty folder outside the repository, isolated as <see cref="CopyExample"/>'s copies are: the
    /// packed feed as the only package source, a packages folder of its own, no Directory.Build.props above.
    /// </summary>
    public string NewFolder(string name)
    {
        string target = Path.Combine(Root, name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(target);
        Isolate(target);
        return target;
    }

    /// <summary>
    /// Makes <paramref name="projectDirectory"/> (outside the repository) restore from the packed feed only, into a
    /// packages folder of its own, with no Directory.Build.props or Directory.Packages.props from above.
    /// </summary>
    public void Isolate(string projectDirectory)
    {
        System.IO.File.WriteAllText(Path.Combine(projectDirectory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="aopsgen-packed" value="{Feed}" />
              </packageSources>
              <config>
                <add key="globalPackagesFolder" value="{Path.Combine(projectDirectory, "packages")}" />
              </config>
            </configuration>
            """);
        // Stop MSBuild from walking up into any Directory.Build.props above the temporary folder.
        System.IO.File.WriteAllText(Path.Combine(projectDirectory, "Directory.Build.props"), "<Project />\n");
        System.IO.File.WriteAllText(Path.Combine(projectDirectory, "Directory.Packages.props"), "<Project />\n");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A build server may still hold a file for a moment; the folder is under the temp directory.
        }
    }
}

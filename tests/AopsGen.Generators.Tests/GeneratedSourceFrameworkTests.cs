using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace AopsGen.Generators.Tests;

/// <summary>
/// The generator under Microsoft.CodeAnalysis.CSharp.SourceGenerators.Testing: each generated source (hint name and
/// text, the committed snapshot's) and the compilation with it (no compiler diagnostic) are checked by the framework,
/// against the .NET reference pack rather than the test host's assemblies. The snapshots themselves are written and
/// diffed by <see cref="Snapshots.Snapshot"/> (GeneratedSourceSnapshotTests), which the framework does not do.
/// </summary>
public sealed class GeneratedSourceFrameworkTests
{
    [Fact]
    public async Task All_twenty_ops_generate_the_snapshot_text_and_compile_without_diagnostics()
    {
        await VerifyAsync(TestSources.AllOps, "Fs.AllOps.AllOpsFs.Aops.g.cs", "AllOps");
    }

    [Fact]
    public async Task A_few_ops_generate_the_snapshot_text_and_compile_without_diagnostics()
    {
        await VerifyAsync(TestSources.FewOps, "Fs.Few.FewOpsFs.Aops.g.cs", "FewOps");
    }

    private static async Task VerifyAsync(string source, string hintName, string snapshot)
    {
        var test = Test(source);
        test.TestState.GeneratedSources.Add((typeof(AddressSpaceOperationsGenerator), hintName, SourceText.From(Snapshot(snapshot), Encoding.UTF8)));
        await test.RunAsync(TestContext.Current.CancellationToken);
    }

    private static CSharpSourceGeneratorTest<AddressSpaceOperationsGenerator, DefaultVerifier> Test(string source)
    {
        var test = new CSharpSourceGeneratorTest<AddressSpaceOperationsGenerator, DefaultVerifier>
        {
            ReferenceAssemblies = ReferenceAssemblies,
            TestState = { Sources = { source }, AdditionalReferences = { MetadataReference.CreateFromFile(GeneratorHarness.RuntimeAssemblyPath) } },
        };
        test.SolutionTransforms.Add((solution, projectId) => solution.WithProjectCompilationOptions(
            projectId, ((CSharpCompilationOptions)solution.GetProject(projectId)!.CompilationOptions!).WithAllowUnsafe(true).WithNullableContextOptions(NullableContextOptions.Enable)));
        return test;
    }

    /// <summary>The committed snapshot with the generator's version put back where <see cref="Snapshots.Snapshot"/> scrubs it.</summary>
    private static string Snapshot(string name)
    {
        string directory = typeof(GeneratedSourceFrameworkTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "AopsGen.Tests.ProjectDirectory").Value!;
        return System.IO.File.ReadAllText(Path.Combine(directory, "Snapshots", "GeneratedSourceSnapshotTests." + name + ".verified.cs"))
            .Replace("{scrubbed-version}", GeneratorInfo.Version, StringComparison.Ordinal);
    }

    /// <summary>Microsoft.NETCore.App.Ref at the version the SDK builds these tests with (restored from the configured feed).</summary>
    private static readonly ReferenceAssemblies ReferenceAssemblies = new(
        "net10.0",
        new PackageIdentity("Microsoft.NETCore.App.Ref", typeof(GeneratedSourceFrameworkTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "AopsGen.NETCoreAppRefVersion").Value!),
        Path.Combine("ref", "net10.0"));
}

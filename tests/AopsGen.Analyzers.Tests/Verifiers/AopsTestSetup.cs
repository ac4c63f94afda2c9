using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using AopsGen.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace AopsGen.Analyzers.Tests;

/// <summary>
/// What every analyzer and code-fix test of the Roslyn testing framework shares: the test code is compiled as a user
/// project is (the .NET reference pack, AopsGen.dll, unsafe code allowed, nullable on, the latest C#), the generator
/// runs first so that the analyzers see its output as in a build, and every AOPS analyzer runs at once.
/// </summary>
internal static class AopsTestSetup
{
    /// <summary>
    /// Microsoft.NETCore.App.Ref at the version the SDK builds these tests with (MSBuild's BundledNETCoreAppPackageVersion,
    /// recorded in the test assembly): the framework restores it from the configured NuGet feed, which serves it.
    /// </summary>
    public static readonly ReferenceAssemblies ReferenceAssemblies = new(
        "net10.0",
        new PackageIdentity("Microsoft.NETCore.App.Ref", typeof(AopsTestSetup).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "AopsGen.NETCoreAppRefVersion").Value!),
        Path.Combine("ref", "net10.0"));

    /// <summary>The AopsGen runtime, referenced as the package references it.</summary>
    public static readonly MetadataReference AopsGenReference = MetadataReference.CreateFromFile(typeof(AddressSpaceOperations).Assembly.Location);

    /// <summary>Every DiagnosticAnalyzer in AopsGen.Analyzers.dll, found the way the compiler finds them.</summary>
    public static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = typeof(TableAnalyzer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    /// <summary>Every CodeFixProvider in AopsGen.CodeFixes.dll, found the way a host finds them (by the export attribute).</summary>
    public static readonly ImmutableArray<CodeFixProvider> CodeFixes = typeof(AopsGen.CodeFixes.AddPartialCodeFix).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t) && t.GetCustomAttribute<ExportCodeFixProviderAttribute>() is not null)
        .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    /// <summary>The generator whose output the analyzers see.</summary>
    public static readonly Type[] Generators = { typeof(AddressSpaceOperationsGenerator) };

    /// <summary>The usings every test source starts with.</summary>
    public const string Usings = "using System;\nusing AopsGen;\n";

    /// <summary>Unsafe code as the test says, nullable annotations on, in every project of <paramref name="solution"/>.</summary>
    public static Solution WithCompilationOptions(Solution solution, bool allowUnsafe)
    {
        foreach (ProjectId projectId in solution.ProjectIds)
        {
            var options = (CSharpCompilationOptions)solution.GetProject(projectId)!.CompilationOptions!;
            solution = solution.WithProjectCompilationOptions(projectId, options.WithAllowUnsafe(allowUnsafe).WithNullableContextOptions(NullableContextOptions.Enable));
        }
        return solution;
    }

    public static ParseOptions ParseOptions(ParseOptions options) => ((CSharpParseOptions)options).WithLanguageVersion(LanguageVersion.Latest);

    /// <summary>Where the framework puts a generated source: the generator's assembly, its type, the hint name.</summary>
    public static string GeneratedPath(string hintName)
        => Path.Combine("AopsGen.Generators", "AopsGen.Generators.AddressSpaceOperationsGenerator", hintName);
}

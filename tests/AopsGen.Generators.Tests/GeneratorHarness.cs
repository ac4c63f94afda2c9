using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace AopsGen.Generators.Tests;

/// <summary>One generator run: what it produced and the compilation with its output added.</summary>
internal sealed record GeneratorRun(
    GeneratorDriver Driver,
    GeneratorDriverRunResult RunResult,
    ImmutableArray<GeneratedSourceResult> GeneratedSources,
    ImmutableArray<Diagnostic> DriverDiagnostics,
    Compilation InputCompilation,
    Compilation OutputCompilation,
    ImmutableArray<Diagnostic> OutputDiagnostics)
{
    /// <summary>The one generator's result (exception, tracked steps, sources).</summary>
    public GeneratorRunResult Result => RunResult.Results.Single();

    /// <summary>The generated text of the only source, or of the one whose hint name is given.</summary>
    public string Source(string? hintName = null)
    {
        IEnumerable<GeneratedSourceResult> sources = hintName is null ? GeneratedSources : GeneratedSources.Where(s => s.HintName == hintName);
        GeneratedSourceResult[] found = sources.ToArray();
        Assert.True(found.Length == 1, $"expected one generated source{(hintName is null ? string.Empty : " " + hintName)}, got: "
            + string.Join(", ", GeneratedSources.Select(s => s.HintName)));
        return found[0].SourceText.ToString();
    }

    /// <summary>Diagnostics of the output compilation at warning level or above.</summary>
    public ImmutableArray<Diagnostic> OutputWarningsAndErrors
        => OutputDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();

    /// <summary>Fails unless the generator ran without an exception and reported nothing (CS8785 included).</summary>
    public void AssertGeneratorDidNotFail()
    {
        Assert.Null(Result.Exception);
        Assert.Empty(DriverDiagnostics);
        Assert.DoesNotContain(OutputDiagnostics, d => d.Id == "CS8785");
    }

    /// <summary>Fails with the diagnostics listed unless the output compilation is free of warnings and errors.</summary>
    public void AssertOutputCompilesCleanly()
    {
        AssertGeneratorDidNotFail();
        Assert.True(OutputWarningsAndErrors.IsEmpty, "the output has diagnostics:\n" + string.Join("\n", OutputWarningsAndErrors)
            + "\n\n" + string.Join("\n\n", GeneratedSources.Select(s => "// " + s.HintName + "\n" + s.SourceText)));
    }
}

/// <summary>
/// Runs <see cref="AddressSpaceOperationsGenerator"/> over C# sources with <see cref="CSharpGeneratorDriver"/>,
/// step tracking on, against the running framework's assemblies and the AopsGen runtime.
/// </summary>
internal static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        allowUnsafe: true,
        nullableContextOptions: NullableContextOptions.Enable,
        deterministic: true);

    /// <summary>The shared framework (from the trusted platform assemblies) plus AopsGen.dll.</summary>
    public static readonly ImmutableArray<MetadataReference> References = CreateReferences();

    public static string RuntimeAssemblyPath => typeof(AddressSpaceOperations).Assembly.Location;

    public static SyntaxTree Parse(string source, string path = "") => CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    /// <summary>The trees as files <c>Source0.cs</c>, <c>Source1.cs</c>, ... in that order.</summary>
    public static SyntaxTree[] ParseAll(params string[] sources) => sources.Select((s, i) => Parse(s, $"Source{i}.cs")).ToArray();

    public static CSharpCompilation CreateCompilation(IEnumerable<SyntaxTree> trees, string assemblyName = "AopsGenTests.Generated")
        => CSharpCompilation.Create(assemblyName, trees, References, CompilationOptions);

    public static GeneratorDriver CreateDriver()
        => CSharpGeneratorDriver.Create(
            new[] { new AddressSpaceOperationsGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(params string[] sources) => Run(CreateCompilation(ParseAll(sources)));

    /// <summary>Runs a fresh driver, or <paramref name="driver"/> (a previous run's) to test caching.</summary>
    public static GeneratorRun Run(Compilation compilation, GeneratorDriver? driver = null)
    {
        driver = (driver ?? CreateDriver()).RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> driverDiagnostics);
        GeneratorDriverRunResult result = driver.GetRunResult();
        return new GeneratorRun(
            driver,
            result,
            result.Results.SelectMany(r => r.GeneratedSources).ToImmutableArray(),
            driverDiagnostics,
            compilation,
            output,
            output.GetDiagnostics());
    }

    /// <summary>Emits the output compilation and loads it in a collectible context that shares AopsGen with the tests.</summary>
    public static Assembly EmitAndLoad(GeneratorRun run)
    {
        run.AssertOutputCompilesCleanly();
        using var image = new MemoryStream();
        var emitted = run.OutputCompilation.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));
        image.Position = 0;
        return new TestLoadContext().LoadFromStream(image);
    }

    /// <summary>Calls a public static method of a type of <paramref name="assembly"/> by reflection.</summary>
    public static object? Invoke(Assembly assembly, string typeName, string methodName, params object?[] arguments)
    {
        Type type = assembly.GetType(typeName, throwOnError: true)!;
        MethodInfo method = type.GetMethod(methodName, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            ?? throw new MissingMethodException(typeName, methodName);
        return method.Invoke(null, arguments);
    }

    /// <summary>The generated <c>Operations</c> table of <paramref name="typeName"/>.</summary>
    public static AddressSpaceOperations Operations(Assembly assembly, string typeName)
    {
        Type type = assembly.GetType(typeName, throwOnError: true)!;
        PropertyInfo property = type.GetProperty("Operations", BindingFlags.Public | BindingFlags.Static)
            ?? throw new MissingMemberException(typeName, "Operations");
        return (AddressSpaceOperations)property.GetValue(null)!;
    }

    private static ImmutableArray<MetadataReference> CreateReferences()
    {
        // Only the shared framework: the test host's TPA list also holds xunit, Roslyn and the generator.
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        return trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.Ordinal))
            .Where(path => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .Append(MetadataReference.CreateFromFile(RuntimeAssemblyPath))
            .ToImmutableArray();
    }

    /// <summary>Resolves AopsGen to the assembly the tests use, so tables and types are shared.</summary>
    private sealed class TestLoadContext : AssemblyLoadContext
    {
        public TestLoadContext()
            : base("AopsGen.Generators.Tests", isCollectible: true)
        {
        }

        protected override Assembly? Load(AssemblyName assemblyName)
            => assemblyName.Name == typeof(AddressSpaceOperations).Assembly.GetName().Name ? typeof(AddressSpaceOperations).Assembly : null;
    }
}

using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using AopsGen.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace AopsGen.Analyzers.Tests;

/// <summary>What one analysis produced.</summary>
internal sealed record AnalysisRun(
    Compilation Compilation,
    ImmutableArray<Diagnostic> AnalyzerDiagnostics,
    ImmutableArray<Diagnostic> CompilerDiagnostics,
    ImmutableArray<string> AnalyzerExceptions,
    ImmutableArray<GeneratedSourceResult> GeneratedSources)
{
    /// <summary>The AOPS diagnostics, in file then position order.</summary>
    public ImmutableArray<Diagnostic> Aops => AnalyzerDiagnostics
        .Where(d => d.Id.StartsWith("AOPS", StringComparison.Ordinal))
        .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
        .ThenBy(d => d.Location.SourceSpan.Start)
        .ThenBy(d => d.Id, StringComparer.Ordinal)
        .ToImmutableArray();

    /// <summary>Compiler errors of the compilation the analyzers ran on.</summary>
    public IEnumerable<Diagnostic> CompilerErrors => CompilerDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error);
}

/// <summary>
/// Runs the AOPS analyzers as a build does: the sources are compiled against the shared framework (the trusted platform
/// assemblies) and AopsGen.dll, the generator runs and its output is added, then every analyzer of AopsGen.Analyzers runs
/// through <see cref="CompilationWithAnalyzers"/>, with an exception callback that records any analyzer crash (AD0001).
/// Kept for what the Roslyn testing framework cannot do: the malformed corpus (whatever the compiler says, no analyzer may
/// throw), <see cref="Diagnostic.Properties"/>, and the generated text beside the diagnostics. Rule tests use
/// <see cref="AopsAnalyzerTest"/>.
/// </summary>
internal static class AnalyzerHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static readonly ImmutableArray<MetadataReference> References = CreateReferences();

    /// <summary>Every AOPS analyzer.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Analyzers => AopsTestSetup.Analyzers;

    /// <summary>The usings every test source starts with (the runtime names, and File as AopsGen's, not System.IO's).</summary>
    public const string Usings = "using System;\nusing AopsGen;\n";

    public static CSharpCompilationOptions CompilationOptions(bool allowUnsafe = true) => new(
        OutputKind.DynamicallyLinkedLibrary,
        allowUnsafe: allowUnsafe,
        nullableContextOptions: NullableContextOptions.Enable,
        deterministic: true);

    public static SyntaxTree Parse(string source, string path) => CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    public static CSharpCompilation Compile(IEnumerable<SyntaxTree> trees, bool allowUnsafe = true, CSharpCompilationOptions? options = null)
        => CSharpCompilation.Create("AnalyzerTest", trees, References, options ?? CompilationOptions(allowUnsafe));

    /// <summary>Compiles <paramref name="sources"/> (files Source0.cs, Source1.cs, ...), runs the generator, then the analyzers.</summary>
    public static Task<AnalysisRun> AnalyzeAsync(IReadOnlyList<string> sources, bool allowUnsafe = true, bool runGenerator = true, CSharpCompilationOptions? options = null, AnalyzerOptions? analyzerOptions = null)
        => AnalyzeAsync(Compile(sources.Select((s, i) => Parse(s, $"Source{i}.cs")), allowUnsafe, options), runGenerator, analyzerOptions);

    public static async Task<AnalysisRun> AnalyzeAsync(Compilation compilation, bool runGenerator = true, AnalyzerOptions? analyzerOptions = null)
    {
        ImmutableArray<GeneratedSourceResult> generated = ImmutableArray<GeneratedSourceResult>.Empty;
        if (runGenerator)
        {
            GeneratorDriver driver = CSharpGeneratorDriver.Create(
                new[] { new AddressSpaceOperationsGenerator().AsSourceGenerator() },
                parseOptions: ParseOptions);
            driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> driverDiagnostics);
            GeneratorRunResult result = driver.GetRunResult().Results.Single();
            Assert.Null(result.Exception);
            Assert.Empty(driverDiagnostics);
            generated = result.GeneratedSources;
            compilation = output;
        }

        var exceptions = new ConcurrentQueue<string>();
        var withAnalyzers = new CompilationWithAnalyzers(
            compilation,
            Analyzers,
            new CompilationWithAnalyzersOptions(
                analyzerOptions ?? new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: (exception, analyzer, diagnostic) => exceptions.Enqueue(analyzer.GetType().Name + ": " + exception),
                concurrentAnalysis: true,
                logAnalyzerExecutionTime: false,
                reportSuppressedDiagnostics: false));
        ImmutableArray<Diagnostic> diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        return new AnalysisRun(compilation, diagnostics, compilation.GetDiagnostics(), exceptions.ToImmutableArray(), generated);
    }

    public static void AssertNoAnalyzerFailure(AnalysisRun run)
    {
        Assert.True(run.AnalyzerExceptions.IsEmpty, "analyzer threw:\n" + string.Join("\n", run.AnalyzerExceptions));
        Assert.DoesNotContain(run.AnalyzerDiagnostics, d => d.Id == "AD0001");
    }

    private static ImmutableArray<MetadataReference> CreateReferences()
    {
        string trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        var references = trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => Path.GetFileName(path) is string name
                && (name.StartsWith("System.", StringComparison.Ordinal) || name is "System.dll" or "mscorlib.dll" or "netstandard.dll"))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToList();
        references.Add(MetadataReference.CreateFromFile(typeof(AddressSpaceOperations).Assembly.Location));
        return references.ToImmutableArray();
    }
}

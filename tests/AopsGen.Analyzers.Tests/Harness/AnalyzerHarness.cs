using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
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
/// </summary>
internal static class AnalyzerHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static readonly ImmutableArray<MetadataReference> References = CreateReferences();

    /// <summary>Every DiagnosticAnalyzer in AopsGen.Analyzers.dll, found the way the compiler finds them.</summary>
    public static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = typeof(TableAnalyzer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

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

    /// <summary>
    /// Checks that the AOPS diagnostics of <paramref name="markupSources"/> are exactly the marked ones: <c>{|AOPS003:name|}</c>
    /// gives the ID and the span. No analyzer may throw, and the compiler may report only <paramref name="compilerErrors"/>.
    /// Returns the diagnostics, in source order, for checks of their messages.
    /// </summary>
    public static async Task<ImmutableArray<Diagnostic>> VerifyAsync(string[] markupSources, bool allowUnsafe = true, string[]? compilerErrors = null, CSharpCompilationOptions? options = null, AnalyzerOptions? analyzerOptions = null)
    {
        Markup[] parsed = markupSources.Select(Markup.Parse).ToArray();
        AnalysisRun run = await AnalyzeAsync(parsed.Select(m => m.Source).ToArray(), allowUnsafe, options: options, analyzerOptions: analyzerOptions);
        AssertNoAnalyzerFailure(run);

        string[] unexpectedErrors = run.CompilerErrors
            .Where(d => compilerErrors is null || !compilerErrors.Contains(d.Id))
            .Select(d => d.ToString())
            .ToArray();
        Assert.True(unexpectedErrors.Length == 0, "compiler errors:\n" + string.Join("\n", unexpectedErrors));

        string[] expected = parsed
            .SelectMany((m, i) => m.Spans.Select(s => Describe($"Source{i}.cs", s.Id, s.Span.Start, s.Span.End, m.Source)))
            .OrderBy(s => s, StringComparer.Ordinal)
            .ToArray();
        string[] actual = run.Aops
            .Select(d => Describe(d.Location.SourceTree?.FilePath ?? "?", d.Id, d.Location.SourceSpan.Start, d.Location.SourceSpan.End, d.Location.SourceTree?.ToString() ?? string.Empty))
            .OrderBy(s => s, StringComparer.Ordinal)
            .ToArray();
        Assert.True(expected.SequenceEqual(actual),
            "expected:\n  " + string.Join("\n  ", expected) + "\nactual:\n  " + string.Join("\n  ", actual)
            + "\nmessages:\n  " + string.Join("\n  ", run.Aops.Select(d => d.ToString())));
        return run.Aops;
    }

    /// <summary>One source, with <see cref="Usings"/> put in front.</summary>
    public static Task<ImmutableArray<Diagnostic>> VerifyAsync(string markupSource, bool allowUnsafe = true, string[]? compilerErrors = null)
        => VerifyAsync(new[] { Usings + markupSource }, allowUnsafe, compilerErrors);

    public static void AssertNoAnalyzerFailure(AnalysisRun run)
    {
        Assert.True(run.AnalyzerExceptions.IsEmpty, "analyzer threw:\n" + string.Join("\n", run.AnalyzerExceptions));
        Assert.DoesNotContain(run.AnalyzerDiagnostics, d => d.Id == "AD0001");
    }

    private static string Describe(string path, string id, int start, int end, string text)
    {
        string spanText = start >= 0 && end <= text.Length ? text.Substring(start, end - start) : "?";
        return $"{path} {id} [{start}..{end}) '{spanText}'";
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

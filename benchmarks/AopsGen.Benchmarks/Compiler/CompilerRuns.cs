using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Threading;
using AopsGen.Analyzers;
using AopsGen.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AopsGen.Benchmarks.Compiler;

/// <summary>What one generator or analyzer run cost, as Roslyn timed it, and what it allocated.</summary>
/// <param name="RoslynTime">Generators: <see cref="GeneratorDriverTimingInfo.ElapsedTime"/>; analyzers: the sum of every AopsGen
/// analyzer's <see cref="AnalyzerTelemetryInfo.ExecutionTime"/>.</param>
/// <param name="GeneratorTime">The AopsGen generator's own entry of <see cref="GeneratorDriverTimingInfo.GeneratorTimes"/> (zero for analyzers).</param>
/// <param name="WallTime">Stopwatch time of the whole call (analyzers: including the compiler's binding they need).</param>
/// <param name="AllocatedBytes">Managed bytes the process allocated during the call (<see cref="GC.GetTotalAllocatedBytes(bool)"/>).</param>
public readonly record struct RunCost(TimeSpan RoslynTime, TimeSpan GeneratorTime, TimeSpan WallTime, long AllocatedBytes);

/// <summary>
/// The three measured runs over a <see cref="SyntheticInput"/>, each split into its untimed preparation and the run itself,
/// shared by <see cref="CompilerBenchmarks"/> and <see cref="CompilerQuick"/>.
/// </summary>
public static class CompilerRuns
{
    /// <summary>Every DiagnosticAnalyzer of AopsGen.Analyzers.dll, found as the compiler finds them (by attribute).</summary>
    public static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = typeof(TableAnalyzer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null)
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    /// <summary>
    /// A fresh driver with the AopsGen generator (or, with <paramref name="floor"/>, <see cref="FloorGenerator"/>);
    /// <paramref name="trackSteps"/> for tests (costs time, off when measuring).
    /// </summary>
    public static GeneratorDriver CreateDriver(bool trackSteps = false, bool floor = false)
        => CSharpGeneratorDriver.Create(
            new[] { floor ? new FloorGenerator().AsSourceGenerator() : new AddressSpaceOperationsGenerator().AsSourceGenerator() },
            parseOptions: SyntheticInput.ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    /// <summary>
    /// The generator's output trees for <paramref name="input"/>, for building what analyzers see in a build (the sources plus
    /// the generated tables). Throws if the generator failed or reported anything.
    /// </summary>
    public static ImmutableArray<SyntaxTree> GeneratedTrees(SyntheticInput input)
    {
        GeneratorDriverRunResult result = CreateDriver().RunGenerators(input.CreateCompilation()).GetRunResult();
        if (result.Results.Single().Exception is Exception exception)
        {
            throw new InvalidOperationException("compiler benchmark: the generator threw.", exception);
        }
        if (!result.Diagnostics.IsEmpty)
        {
            throw new InvalidOperationException("compiler benchmark: the generator reported " + string.Join("; ", result.Diagnostics));
        }
        return result.GeneratedTrees;
    }

    /// <summary>Runs <paramref name="driver"/> over <paramref name="compilation"/>; returns the driver that holds the run's state.</summary>
    public static GeneratorDriver RunGenerator(GeneratorDriver driver, Compilation compilation, out RunCost cost)
    {
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        driver = driver.RunGenerators(compilation);
        TimeSpan wall = System.Diagnostics.Stopwatch.GetElapsedTime(start);
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        GeneratorDriverTimingInfo timing = driver.GetTimingInfo();
        cost = new RunCost(timing.ElapsedTime, timing.GeneratorTimes.Single().ElapsedTime, wall, allocated);
        return driver;
    }

    /// <summary>Cold: a fresh driver over a fresh compilation.</summary>
    public static RunCost GeneratorCold(SyntheticInput input, bool floor = false)
    {
        CSharpCompilation compilation = input.CreateCompilation();
        RunGenerator(CreateDriver(floor: floor), compilation, out RunCost cost);
        return cost;
    }

    /// <summary>
    /// Untimed part of the incremental case: a fresh driver run once over a fresh compilation, and that compilation with the
    /// one-line edit (<see cref="SyntheticInput.EditedTree"/>), which the returned driver is to run over next.
    /// </summary>
    public static (GeneratorDriver Driver, Compilation Edited) PrepareIncremental(SyntheticInput input, bool trackSteps = false, bool floor = false)
    {
        CSharpCompilation compilation = input.CreateCompilation();
        GeneratorDriver driver = CreateDriver(trackSteps, floor).RunGenerators(compilation);
        return (driver, compilation.ReplaceSyntaxTree(input.OriginalTree, input.EditedTree()));
    }

    /// <summary>Incremental: the second run of a driver, after a one-line edit inside a method body of one class.</summary>
    public static RunCost GeneratorIncremental(SyntheticInput input, bool floor = false)
    {
        (GeneratorDriver driver, Compilation edited) = PrepareIncremental(input, floor: floor);
        RunGenerator(driver, edited, out RunCost cost);
        return cost;
    }

    /// <summary>
    /// Untimed part of the analyzer case: a fresh compilation of the sources and the generated tables (what a build runs
    /// analyzers on), with every AopsGen analyzer attached and execution times logged. One thread (concurrentAnalysis off), so
    /// the summed times are not inflated by two analyzers contending for the shared machine's cores.
    /// </summary>
    public static CompilationWithAnalyzers PrepareAnalyzers(SyntheticInput input, ImmutableArray<SyntaxTree> generatedTrees, bool floor = false)
        => new(
            input.CreateCompilation(generatedTrees),
            floor ? FloorAnalyzers.All : Analyzers,
            new CompilationWithAnalyzersOptions(
                new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty),
                onAnalyzerException: null,
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: true,
                reportSuppressedDiagnostics: false));

    /// <summary>Runs every analyzer over <paramref name="withAnalyzers"/>; returns their diagnostics (the cost's time: their telemetry summed).</summary>
    public static ImmutableArray<Diagnostic> RunAnalyzers(CompilationWithAnalyzers withAnalyzers, out RunCost cost)
    {
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        ImmutableArray<Diagnostic> diagnostics = withAnalyzers.GetAnalyzerDiagnosticsAsync(CancellationToken.None).GetAwaiter().GetResult();
        TimeSpan wall = System.Diagnostics.Stopwatch.GetElapsedTime(start);
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        TimeSpan total = TimeSpan.Zero;
        foreach (DiagnosticAnalyzer analyzer in withAnalyzers.Analyzers)
        {
            total += withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, CancellationToken.None).GetAwaiter().GetResult().ExecutionTime;
        }
        cost = new RunCost(total, TimeSpan.Zero, wall, allocated);
        return diagnostics;
    }

    /// <summary>
    /// The baseline under an analyzer run: the compiler's <see cref="Compilation.GetDiagnostics"/> over the same fresh compilation,
    /// which binds every method body as <see cref="CompilationWithAnalyzers"/> makes it do (and as a build does anyway).
    /// </summary>
    public static RunCost CompilerBinding(SyntheticInput input, ImmutableArray<SyntaxTree> generatedTrees)
    {
        Compilation compilation = input.CreateCompilation(generatedTrees);
        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        ImmutableArray<Diagnostic> diagnostics = compilation.GetDiagnostics(CancellationToken.None);
        TimeSpan wall = System.Diagnostics.Stopwatch.GetElapsedTime(start);
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        if (diagnostics.Any(d => d.Severity == DiagnosticSeverity.Error))
        {
            throw new InvalidOperationException("compiler benchmark: the synthetic input does not compile: " + diagnostics.First(d => d.Severity == DiagnosticSeverity.Error));
        }
        return new RunCost(wall, TimeSpan.Zero, wall, allocated);
    }

    /// <summary>Cold analyzers: a fresh compilation, every analyzer once.</summary>
    public static RunCost AnalyzersCold(SyntheticInput input, ImmutableArray<SyntaxTree> generatedTrees)
    {
        RunAnalyzers(PrepareAnalyzers(input, generatedTrees), out RunCost cost);
        return cost;
    }
}

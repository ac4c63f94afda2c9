using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AopsGen.Benchmarks.Compiler;

/// <summary>
/// The generator and the analyzers over <see cref="Classes"/> synthetic filesystem classes (<see cref="SyntheticInput"/>).
/// Each invocation is one run on state built in its <c>[IterationSetup]</c> (one invocation per iteration), so BDN times
/// only the run: <see cref="GeneratorCold"/> a fresh driver over a fresh compilation, <see cref="GeneratorIncrementalAfterEdit"/>
/// the second run of a driver after a one-line edit in a method body, <see cref="AnalyzersCold"/> every AopsGen analyzer over
/// a fresh compilation of the sources and generated tables (BDN's time here includes the binding the analyzers make the
/// compiler do; <c>--quick --group compiler</c> reports Roslyn's own per-analyzer telemetry beside it).
/// </summary>
[Config(typeof(Config))]
[MemoryDiagnoser]
public class CompilerBenchmarks
{
    private SyntheticInput _input = null!;
    private ImmutableArray<SyntaxTree> _generated;
    private Compilation _compilation = null!;
    private GeneratorDriver _driver = null!;
    private CompilationWithAnalyzers _withAnalyzers = null!;

    /// <summary>How many [AddressSpaceOperations] classes the compilation has.</summary>
    [Params(10, 100, 1000)]
    public int Classes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _input = SyntheticInput.Create(Classes);
        _generated = CompilerRuns.GeneratedTrees(_input);
    }

    [IterationSetup(Target = nameof(GeneratorCold))]
    public void SetupCold()
    {
        _compilation = _input.CreateCompilation();
        _driver = CompilerRuns.CreateDriver();
    }

    /// <summary>A fresh driver's first run over a fresh compilation.</summary>
    [Benchmark]
    public GeneratorDriver GeneratorCold() => _driver.RunGenerators(_compilation);

    [IterationSetup(Target = nameof(GeneratorIncrementalAfterEdit))]
    public void SetupIncremental() => (_driver, _compilation) = CompilerRuns.PrepareIncremental(_input);

    /// <summary>The driver's second run, over the compilation with one line of one method body changed.</summary>
    [Benchmark]
    public GeneratorDriver GeneratorIncrementalAfterEdit() => _driver.RunGenerators(_compilation);

    [IterationSetup(Target = nameof(AnalyzersCold))]
    public void SetupAnalyzers() => _withAnalyzers = CompilerRuns.PrepareAnalyzers(_input, _generated);

    /// <summary>Every AopsGen analyzer over a fresh compilation.</summary>
    [Benchmark]
    public ImmutableArray<Diagnostic> AnalyzersCold() => _withAnalyzers.GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();

    /// <summary>One invocation per iteration (each needs fresh state); iterations as the runs are long.</summary>
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddJob(Job.Default.WithInvocationCount(1).WithUnrollFactor(1).WithWarmupCount(3).WithIterationCount(15));
        }
    }
}

using System.IO;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace AopsGen.Benchmarks;

/// <summary>
/// Entry point: BenchmarkSwitcher, so the usual BenchmarkDotNet arguments work, e.g.
/// <c>dotnet run -c Release --project benchmarks/AopsGen.Benchmarks -- --filter '*Dispatch*'</c>.
/// <c>--verify</c> runs every dispatch benchmark once and checks it reached the op N times; <c>--hot</c> also
/// runs each for 1.5 s, for reading the JIT's final code with <c>DOTNET_JitDisasm</c>. <c>--quick [--json]
/// [--group NAME]</c> runs the shortened groups of <see cref="Quick.QuickRun"/> in this process.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (Array.IndexOf(args, "--quick") >= 0)
        {
            int group = Array.IndexOf(args, "--group");
            Environment.Exit(Quick.QuickRun.Run(json: Array.IndexOf(args, "--json") >= 0, group >= 0 && group + 1 < args.Length ? args[group + 1] : null));
        }
        if (args.Length == 1 && args[0] == "--verify")
        {
            Dispatch.DispatchBenchmarks.Verify();
            return;
        }
        if (args.Length == 1 && args[0] == "--hot")
        {
            Dispatch.DispatchBenchmarks.Verify(hotSeconds: 1.5);
            return;
        }

        // Reports and logs go to benchmarks/AopsGen.Benchmarks/BenchmarkDotNet.Artifacts (git-ignored),
        // whatever the working directory; --artifacts on the command line still wins.
        string? projectDirectory = typeof(Program).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "AopsGenBenchmarksDirectory")?.Value;
        IConfig config = DefaultConfig.Instance;
        if (projectDirectory != null)
        {
            config = config.WithArtifactsPath(Path.Combine(projectDirectory, "BenchmarkDotNet.Artifacts"));
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
    }
}

using System.Diagnostics;
using System.IO;

namespace AopsGen.Benchmarks.Quick;

/// <summary>
/// <c>--quick</c>: a shortened version of every benchmark group, in one process, in under two minutes, printing
/// each ratio or figure it measured (<c>--json</c>: one JSON object on stdout; progress goes to stderr).
/// <c>--group NAME</c> runs one group. A group that cannot run here (no O_DIRECT in the temporary directory, say)
/// leaves its figures out and says why in the notes; the exit code is then 1.
/// </summary>
public static class QuickRun
{
    /// <summary>The groups, in the order they run; each adds its figures to the report.</summary>
    public static readonly (string Name, Action<QuickReport> Measure)[] Groups =
    [
        ("dispatch", Dispatch.DispatchQuick.Measure),
        ("vectoredWrite", Block.VectoredWriteQuick.Measure),
        ("swap", Swap.SwapQuick.Measure),
        ("endToEnd", EndToEnd.EndToEndQuick.Measure),
        ("scale", Scale.ScaleQuick.Measure),
        ("compiler", Compiler.CompilerQuick.Measure),
        ("analyzerProfile", Compiler.AnalyzerProfile.Measure),
        ("generatorProfile", Compiler.GeneratorProfile.Measure),
        ("fuse", Fuse.FuseQuick.Measure),
    ];

    public static int Run(bool json, string? onlyGroup)
    {
        var report = new QuickReport();
        report.Note($"{Environment.ProcessorCount} CPUs, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {LoadAverage()}");
        int failures = 0;
        var total = Stopwatch.StartNew();
        bool ran = false;
        foreach (var (name, measure) in Groups)
        {
            if (onlyGroup != null && onlyGroup != name)
            {
                continue;
            }
            ran = true;
            var clock = Stopwatch.StartNew();
            Console.Error.WriteLine($"quick: {name} …");
            try
            {
                measure(report);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                failures++;
                report.Note($"{name}: not measured: {e.Message}");
                Console.Error.WriteLine($"quick: {name} failed: {e}");
            }
            Console.Error.WriteLine($"quick: {name} done in {clock.Elapsed.TotalSeconds:F1} s");
        }
        if (!ran)
        {
            Console.Error.WriteLine($"quick: no group '{onlyGroup}' (groups: {string.Join(", ", Array.ConvertAll(Groups, g => g.Name))})");
            return 1;
        }
        report.Add("quickSeconds", total.Elapsed.TotalSeconds, "s", "wall time of this quick run");
        if (json)
        {
            using Stream stdout = Console.OpenStandardOutput();
            report.WriteJson(stdout);
            stdout.Write("\n"u8);
        }
        else
        {
            report.WriteText(Console.Out);
        }
        return failures == 0 ? 0 : 1;
    }

    private static string LoadAverage()
    {
        try
        {
            return System.IO.File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}

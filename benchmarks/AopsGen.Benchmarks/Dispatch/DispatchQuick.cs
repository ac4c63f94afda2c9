using System.Diagnostics;
using AopsGen.Benchmarks.Quick;

namespace AopsGen.Benchmarks.Dispatch;

/// <summary>
/// <c>--quick</c>'s dispatch group: every <see cref="DispatchBenchmarks"/> case in this process, warmed up to its
/// final (Tier1) code, then 200 interleaved rounds of 512 Ki calls each; ratios of medians. This process runs with
/// tiered PGO as the runtime has it (on by default); then the same group runs in a child process with
/// <c>DOTNET_TieredPGO=0</c>, whose figures are added with the suffix <c>PgoOff</c>.
/// </summary>
public static class DispatchQuick
{
    private const int InvocationsPerRound = 512;
    private const int Rounds = 200;
    private const string ChildVariable = "AOPSGEN_QUICK_DISPATCH_CHILD";

    public static void Measure(QuickReport report)
    {
        MeasureHere(report);
        if (Environment.GetEnvironmentVariable(ChildVariable) == null)
        {
            MeasureWithoutPgo(report);
        }
    }

    // The same group in a child process with DOTNET_TieredPGO=0 (the setting is read at startup only).
    private static void MeasureWithoutPgo(QuickReport report)
    {
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path to start the PGO-off child from");
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (System.IO.Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(DispatchQuick).Assembly.Location);
        }
        foreach (string arg in new[] { "--quick", "--json", "--group", "dispatch" })
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["DOTNET_TieredPGO"] = "0";
        start.Environment[ChildVariable] = "1";
        using Process child = Process.Start(start) ?? throw new InvalidOperationException("could not start the PGO-off child");
        var stderr = child.StandardError.ReadToEndAsync();
        string stdout = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0)
        {
            throw new InvalidOperationException($"the PGO-off child exited with {child.ExitCode}: {stderr.Result}");
        }
        using var json = System.Text.Json.JsonDocument.Parse(stdout);
        foreach (System.Text.Json.JsonProperty figure in json.RootElement.EnumerateObject())
        {
            if (figure.Name.StartsWith("dispatch", StringComparison.Ordinal) && figure.Value.ValueKind == System.Text.Json.JsonValueKind.Number)
            {
                report.Add(figure.Name + "PgoOff", figure.Value.GetDouble(), "", $"{figure.Name}, measured in a child process with DOTNET_TieredPGO=0");
            }
        }
    }

    private static void MeasureHere(QuickReport report)
    {
        using var bench = new DispatchBenchmarks();
        bench.Setup();
        var cases = bench.Cases();
        // Warm-up: long enough for tiering (call counting, the 100 ms tiering delay, OSR) to reach Tier1.
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 1.5)
        {
            foreach (var (_, run, _) in cases)
            {
                for (int k = 0; k < 50; k++)
                {
                    run();
                }
            }
        }
        var timed = new Func<long>[cases.Length];
        for (int c = 0; c < cases.Length; c++)
        {
            Func<int> run = cases[c].Run;
            timed[c] = () =>
            {
                long calls = 0;
                for (int k = 0; k < InvocationsPerRound; k++)
                {
                    calls += run();
                }
                return calls;
            };
        }
        long allocated = QuickMeasure.AllocatedBytes(() => timed[0]());
        double[] ns = QuickMeasure.InterleavedMedians(Rounds, timed);
        double Ns(string name) => ns[Array.FindIndex(cases, c => c.Name == name)];

        double direct = Ns(nameof(DispatchBenchmarks.Direct));
        report.Add("dispatchDirectNs", direct, "ns", "direct call to the NoInlining op (baseline), median per call");
        report.Add("dispatchTableOverDirect", Ns(nameof(DispatchBenchmarks.Table_Field)) / direct, "ratio",
            "generated table call (aops.SetPageDirty) / direct call (target <= 1.5)");
        report.Add("dispatchMappingAopsOverDirect", Ns(nameof(DispatchBenchmarks.Table_MappingAops)) / direct, "ratio",
            "page.Mapping.Aops.SetPageDirty (page->mapping->a_ops) / direct call");
        report.Add("dispatchTableOverInterfaceMegamorphic", Ns(nameof(DispatchBenchmarks.Table_Mega4)) / Ns(nameof(DispatchBenchmarks.Interface_Mega4)), "ratio",
            "4 tables interleaved / 4 interface implementations interleaved, same site shape (target <= 1.1)");
        report.Add("dispatchTableOverInterfaceMonomorphic", Ns(nameof(DispatchBenchmarks.Table_Field)) / Ns(nameof(DispatchBenchmarks.Interface_Mono)), "ratio",
            "table call / interface call at a monomorphic site");
        report.Add("dispatchTableOverVirtualMegamorphic", Ns(nameof(DispatchBenchmarks.Table_Mega4)) / Ns(nameof(DispatchBenchmarks.Virtual_Mega4)), "ratio",
            "4 tables interleaved / 4 abstract-class overrides interleaved");
        report.Add("dispatchStaticStructOverDirect", Ns(nameof(DispatchBenchmarks.StaticOps_Struct)) / direct, "ratio",
            "generated StaticOps struct (TOps.SetPageDirty) / direct call (target <= 1.1)");
        report.Add("dispatchDelegateOverDirect", Ns(nameof(DispatchBenchmarks.Func)) / direct, "ratio",
            "Func<Page, bool> bound to the static op / direct call");
        report.Add("dispatchAllocatedBytesPerCall", (double)allocated / (InvocationsPerRound * DispatchBenchmarks.N), "B",
            "managed bytes allocated per direct call round (every case allocates nothing)");
    }
}

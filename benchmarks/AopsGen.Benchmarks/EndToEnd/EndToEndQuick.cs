using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using AopsGen.Benchmarks.Quick;
using AopsGen.Examples.Aops.Demo;

namespace AopsGen.Benchmarks.EndToEnd;

/// <summary>
/// <c>--quick</c>'s end-to-end group: the <c>aops demo</c> workload (4096 pages over 1024 frames) on RamFs with 1 and
/// 2 threads, on HostFs with 1 and 2 threads, and — with <c>AOPSGEN_NFS_URL</c> set — on NfsFs with 2 threads (the
/// demo's default) at queue depth 1 and at the default depth, one warm-up run each, then rounds of one run per case
/// in turn until 5 rounds or about 20 s are done; each case's median of the demo's own pages/s (pswpout + pswpin over
/// the program's three phases). A HostFs or NFS server that cannot be set up here leaves its figures out, with a note.
/// </summary>
public static class EndToEndQuick
{
    private const int Rounds = 5;
    private const double BudgetSeconds = 20;

    public static void Measure(QuickReport report)
    {
        var runners = new List<DemoRunner> { new(DemoFileSystem.Ram, 1), new(DemoFileSystem.Ram, 2) };
        try
        {
            try
            {
                runners.Add(new DemoRunner(DemoFileSystem.Host, 1));
                runners.Add(new DemoRunner(DemoFileSystem.Host, 2));
            }
            catch (System.IO.IOException e)
            {
                report.Note($"endToEnd: HostFs not measured: {e.Message}");
            }
            try
            {
                runners.Add(new DemoRunner(DemoFileSystem.Nfs, 2, queueDepth: 1));
                runners.Add(new DemoRunner(DemoFileSystem.Nfs, 2));
            }
            catch (System.IO.IOException e)
            {
                report.Note($"endToEnd: NfsFs not measured: {e.Message}");
            }
            var runs = new List<DemoRun>[runners.Count];
            for (int c = 0; c < runners.Count; c++)
            {
                runners[c].Run();   // warm-up: JIT, tiering, first-touch of the swap file
                runs[c] = new List<DemoRun>();
            }
            var clock = Stopwatch.StartNew();
            for (int round = 0; round < Rounds && (round < 2 || clock.Elapsed.TotalSeconds < BudgetSeconds); round++)
            {
                for (int c = 0; c < runners.Count; c++)
                {
                    runs[c].Add(runners[c].Run());
                }
            }
            Report(report, runners, runs);
        }
        finally
        {
            foreach (DemoRunner runner in runners)
            {
                runner.Dispose();
            }
        }
    }

    private static void Report(QuickReport report, List<DemoRunner> runners, List<DemoRun>[] runs)
    {
        double Rate(DemoFileSystem fs, int threads, int queueDepth = DemoOptions.DefaultQueueDepth)
        {
            int c = runners.FindIndex(r => r.Fs == fs && r.Threads == threads && r.QueueDepth == queueDepth);
            return c < 0 ? double.NaN : QuickMeasure.Median(runs[c].Select(r => r.PagesPerSecond).ToArray());
        }
        int n = runs[0].Count;
        const string Workload = "aops demo, 4096 pages over 1024 frames";
        report.Add("demoPagesPerSecond1Thread", Rate(DemoFileSystem.Ram, 1), "pages/s",
            $"{Workload}, RamFs, 1 thread: median over {n} runs of (pswpout + pswpin) / time of the program's phases");
        report.Add("demoPagesPerSecond2Threads", Rate(DemoFileSystem.Ram, 2), "pages/s",
            $"{Workload}, RamFs, 2 threads: the same");
        if (runners.Exists(r => r.Fs == DemoFileSystem.Host))
        {
            report.Add("demoHostFsPagesPerSecond1Thread", Rate(DemoFileSystem.Host, 1), "pages/s",
                $"{Workload}, HostFs (O_DIRECT file in a temporary directory), 1 thread: the same");
            report.Add("demoHostFsPagesPerSecond2Threads", Rate(DemoFileSystem.Host, 2), "pages/s",
                $"{Workload}, HostFs, 2 threads: the same");
        }
        if (runners.Exists(r => r.Fs == DemoFileSystem.Nfs))
        {
            double sync = Rate(DemoFileSystem.Nfs, 2, queueDepth: 1), async = Rate(DemoFileSystem.Nfs, 2);
            report.Add("demoNfsPagesPerSecondQd1", sync, "pages/s",
                $"{Workload}, NfsFs (the NFS server at AOPSGEN_NFS_URL), 2 threads, --queue-depth 1: every READ and FILE_SYNC WRITE waited for by its caller");
            report.Add("demoNfsPagesPerSecond", async, "pages/s",
                $"{Workload}, NfsFs, 2 threads, --queue-depth {DemoOptions.DefaultQueueDepth} (the default): batches completed through ki_complete from the connection's service thread");
            report.Add("nfsDemoAsyncOverSync", async / sync, "ratio",
                "demoNfsPagesPerSecond / demoNfsPagesPerSecondQd1, same run, rounds interleaved (issue 17's target: >= 2)");
        }
        List<DemoRun> all = runs.SelectMany(r => r).ToList();
        report.Add("demoSwappedPagesPerRun", runs[0].Average(r => (double)r.PagesSwapped), "pages",
            "pswpout + pswpin per run, RamFs 1 thread (mean)");
        report.Add("demoVerified", all.All(r => r.Verified) ? 1 : 0, "bool",
            $"1 when every one of the {all.Count} timed runs read every page back as last written and left nothing behind");
        report.Add("demoAllocatedBytesPerSwappedPage", all.Max(r => r.AllocatedBytesPerPage), "B",
            "managed bytes allocated per swapped page on the swap-path threads (program and kswapd) in the steady state (phases 2-3), worst run");
    }
}

using AopsGen.Benchmarks.Block;
using AopsGen.Benchmarks.Quick;
using AopsGen.Mm;
using AopsGen.Swap;

namespace AopsGen.Benchmarks.Swap;

/// <summary>
/// <c>--quick</c>'s swap group: <see cref="SwapThroughputBenchmarks"/>' cases shortened, in this process. For each
/// filesystem and batch (1, 8, 32 pages), swap-out against raw <c>pwritev</c> and swap-in against raw <c>preadv</c>
/// of the same batch over the same file, interleaved round after round with the region prepared untimed before each
/// swap round (<see cref="QuickMeasure.InterleavedMedians(int, ValueTuple{Action, Func{long}}[])"/>); medians per
/// page. The headline keys come from HostFs — the SWP_FILE path (swap_activate + direct_IO) on a real host file, the
/// seed commit's path; the per-filesystem keys are prefixed <c>hostfs</c>, <c>blockfs</c>, <c>ramfs</c>.
/// Rounds are about 0.1–0.3 s, shorter than the ≥ 4 s a goal check needs (perf.md §2.4): take the BDN figures for that.
/// </summary>
public static class SwapQuick
{
    private static readonly int[] Batches = [1, 8, 32];

    public static void Measure(QuickReport report)
    {
        // HostFs first: it feeds the headline keys.
        MeasureFs(report, SwapFs.HostFs, pages: 32768, rounds: 5, headline: true, queueDepth: SwapQueueDepth);
        // The same at queue depth 1 (synchronous swap I/O), keys prefixed hostfsQd1.
        MeasureFs(report, SwapFs.HostFs, pages: 32768, rounds: 5, headline: false, queueDepth: 1);
        MeasureAsyncOverSync(report, pages: 32768, rounds: 5);
        MeasureFs(report, SwapFs.BlockFs, pages: 32768, rounds: 3, headline: false);
        MeasureFs(report, SwapFs.RamFs, pages: 32768, rounds: 5, headline: false);
        AddCeilingRatios(report);
    }

    /// <summary>fio's jobs, in the order of their keys.</summary>
    public static readonly (string Key, FioJob Job, string What)[] FioJobs =
    [
        ("fioWriteQd1PagesPerSecond", FioJob.WriteQd1, "fio on the HostFs swap file: sequential O_DIRECT writes of 128 KiB (32 pages), psync, depth 1 (median)"),
        ("fioWriteQd4PagesPerSecond", FioJob.WriteQd4, "fio on the HostFs swap file: sequential O_DIRECT writes of 128 KiB, io_uring, depth 4 (median)"),
        ("fioReadQd1PagesPerSecond", FioJob.ReadQd1, "fio on the HostFs swap file: sequential O_DIRECT reads of 128 KiB, psync, depth 1 (median)"),
        ("fioReadQd4PagesPerSecond", FioJob.ReadQd4, "fio on the HostFs swap file: sequential O_DIRECT reads of 128 KiB, io_uring, depth 4 (median)"),
    ];

    /// <summary>
    /// The figures computed from others of the same run: HostFs at batch 32 over fio at depth 4 (the disk's best),
    /// and RamFs's CPU per page swapped out less its copy's (the swap core alone).
    /// A figure whose inputs are missing (fio not installed) is left out.
    /// </summary>
    public static void AddCeilingRatios(QuickReport report)
    {
        if (report.Has("hostfsSwapOutPagesPerSecond32") && report.Has("fioWriteQd4PagesPerSecond"))
        {
            report.Add("swapOutOverFioQd4", report["hostfsSwapOutPagesPerSecond32"] / report["fioWriteQd4PagesPerSecond"], "ratio",
                "HostFs swap-out at batch 32 / fio's io_uring writes at depth 4 on the same file (target >= 0.75)");
        }
        if (report.Has("hostfsSwapInPagesPerSecond32") && report.Has("fioReadQd4PagesPerSecond"))
        {
            report.Add("swapInOverFioQd4", report["hostfsSwapInPagesPerSecond32"] / report["fioReadQd4PagesPerSecond"], "ratio",
                "HostFs sequential swap-in (page_cluster 5) / fio's io_uring reads at depth 4 on the same file (target >= 0.8)");
        }
        if (report.Has("ramfsSwapOutNsPerPage") && report.Has("ramfsCopyNsPerPage"))
        {
            report.Add("ramfsSwapOutCoreNsPerPage", report["ramfsSwapOutNsPerPage"] - report["ramfsCopyNsPerPage"], "ns",
                "RamFs swap-out CPU per page less the copy's: the swap core alone (isolate, add_to_swap, unmap, plug, writeback, free)");
        }
    }

    /// <summary>
    /// <c>asyncOverSync</c>: HostFs swap-out at batch 32 at the benchmark's queue depth and at depth 1, two swap files
    /// side by side, interleaved round after round so that both see the same load (the separate hostfsQd1 pass runs
    /// tens of seconds later, under whatever load the machine has then).
    /// </summary>
    public static void MeasureAsyncOverSync(QuickReport report, int pages, int rounds)
    {
        using var deep = new SwapRig(SwapFs.HostFs, pages, queueDepth: SwapQueueDepth);
        using var sync = new SwapRig(SwapFs.HostFs, pages, queueDepth: 1);
        foreach (SwapRig rig in new[] { deep, sync })
        {
            rig.Dirty();
            rig.SwapOut(SwapPlug.MaxPages);
        }
        double[] ns = QuickMeasure.InterleavedMedians(rounds,
            (deep.Dirty, () => deep.SwapOut(SwapPlug.MaxPages)),
            (sync.Dirty, () => sync.SwapOut(SwapPlug.MaxPages)));
        report.Add("asyncOverSync", ns[1] / ns[0], "ratio",
            $"HostFs swap-out at batch 32, queue depth {SwapQueueDepth} / queue depth 1, the two interleaved round after round (target >= 1.5)");
    }

    // RamFs at batch 32 by the thread's CPU clock: the swap path with no device, and the copy RamFs's direct_IO makes.
    private static void MeasureCpu(QuickReport report, SwapRig rig, int pages, int rounds)
    {
        double[] cpu = QuickMeasure.ThreadCpuMedians(rounds,
            (rig.Dirty, () => rig.SwapOut(SwapPlug.MaxPages, pages)),
            (rig.Dirty, () => rig.RawWrite(SwapPlug.MaxPages, pages) >> Page.Shift));
        report.Add("ramfsSwapOutNsPerPage", cpu[0], "ns",
            "RamFs swap-out at batch 32: thread CPU per page (CLOCK_THREAD_CPUTIME_ID, median): the core's own work plus RamFs's 4 KiB copy, no device (target <= 500)");
        report.Add("ramfsCopyNsPerPage", cpu[1], "ns",
            "RamFs: thread CPU per page of copying 32 frames at a time into the same RamFile (the copy RamFs's direct_IO makes)");
    }

    // fio on the HostFs rig's swap file, over the slots the rig's raw loop writes; each job `rounds` times, the jobs
    // interleaved, medians. The region is released first: fio overwrites the slots.
    private static void MeasureFio(QuickReport report, SwapRig rig, int rounds)
    {
        if (Fio.Executable == null)
        {
            report.Note("swap: fio is not installed (apt-get install fio): the fio* keys and their ratios are left out");
            return;
        }
        rig.Release();
        var samples = new double[FioJobs.Length][];
        string version = "";
        for (int j = 0; j < FioJobs.Length; j++)
        {
            samples[j] = new double[rounds];
        }
        for (int round = 0; round < rounds; round++)
        {
            for (int j = 0; j < FioJobs.Length; j++)
            {
                FioResult result = Fio.Run(FioJobs[j].Job, rig.HostFilePath!, rig.SlotPosition(1), (long)rig.Pages << Page.Shift, loops: 3);
                samples[j][round] = result.PagesPerSecond;
                version = result.Version;
            }
        }
        for (int j = 0; j < FioJobs.Length; j++)
        {
            report.Add(FioJobs[j].Key, QuickMeasure.Median(samples[j]), "pages/s", FioJobs[j].What);
        }
        report.Note($"swap: {version}, {rounds} runs of each job over {rig.Pages} pages x 3 loops of the HostFs swap file");
    }

    /// <summary>The swap area's queue depth of the cases: the library's default (as <c>aops demo</c>'s).</summary>
    public const int SwapQueueDepth = SwapCore.DefaultQueueDepth;

    private static void MeasureFs(QuickReport report, SwapFs fs, int pages, int rounds, bool headline, int queueDepth = SwapQueueDepth)
    {
        string prefix = fs.ToString().ToLowerInvariant() + (queueDepth == SwapQueueDepth ? "" : $"Qd{queueDepth}");
        using var rig = new SwapRig(fs, pages, queueDepth: queueDepth);
        // Warm-up: the swap path and the raw path run to their tiered code, and every per-thread structure exists.
        for (int k = 0; k < 3; k++)
        {
            rig.SwappedOut();
            rig.SwapIn(SwapPlug.MaxPages);
            rig.Dirty();
            rig.SwapOut(1, 256);
            rig.Release();
            rig.RawWrite(SwapPlug.MaxPages, 4096);
            rig.RawRead(SwapPlug.MaxPages, 4096);
        }

        var steady = new Allocations();
        var outNs = new double[Batches.Length];
        for (int b = 0; b < Batches.Length; b++)
        {
            int batch = Batches[b];
            // About 0.1 s of I/O per round on the disk: fewer pages at the smaller batches (QD1 ≈ 60 µs a page).
            int n = fs == SwapFs.RamFs ? pages : batch == 1 ? 1024 : batch == 8 ? 8192 : pages;
            double[] write = QuickMeasure.InterleavedMedians(rounds,
                (rig.Dirty, () => steady.Count(() => rig.SwapOut(batch, n))),
                (rig.Dirty, () => rig.RawWrite(batch, n) >> Page.Shift));
            // The raw reads get the swap-in's setup too: both read right after the region was written. At 32 a third
            // case reads into the frames a swap-in would take (RawReadSpread), not the same 32 frames each time.
            (Action, Func<long>) swapIn = (rig.SwappedOut, () => steady.Count(() => rig.SwapIn(batch, n)));
            (Action, Func<long>) rawRead = (rig.SwappedOut, () => rig.RawRead(batch, n) >> Page.Shift);
            double[] read = batch == SwapPlug.MaxPages
                ? QuickMeasure.InterleavedMedians(rounds, swapIn, rawRead, (rig.SwappedOut, () => rig.RawReadSpread(batch, n) >> Page.Shift))
                : QuickMeasure.InterleavedMedians(rounds, swapIn, rawRead);
            outNs[b] = write[0];
            string rawWrite = fs == SwapFs.RamFs ? "a copy of the pages into the same RamFile (memcpy)" : "raw O_DIRECT pwritev";
            string rawReadWhat = fs == SwapFs.RamFs ? "a copy out of the same RamFile (memcpy)" : "raw O_DIRECT preadv";
            report.Add($"{prefix}SwapOutPagesPerSecond{batch}", 1e9 / write[0], "pages/s", $"{fs}: swap-out at {batch} page(s) per reclaim call (median)");
            report.Add($"{prefix}SwapOutOverRaw{batch}", write[1] / write[0], "ratio", $"{fs}: swap-out throughput / {rawWrite} throughput at batch {batch} (raw ns per page / swap ns per page; 1 = the ceiling)");
            report.Add($"{prefix}SwapInPagesPerSecond{batch}", 1e9 / read[0], "pages/s", $"{fs}: sequential swap-in, page_cluster = log2({batch}) (median)");
            report.Add($"{prefix}SwapInOverRaw{batch}", read[1] / read[0], "ratio", $"{fs}: swap-in throughput / {rawReadWhat} throughput at batch {batch} (raw ns per page / swap ns per page)");
            if (read.Length > 2)
            {
                report.Add($"{prefix}RawReadSpreadPagesPerSecond{batch}", 1e9 / read[2], "pages/s", $"{fs}: {rawReadWhat} of {batch} pages per call into frames of the rig's memory taken as a swap-in takes them, a frame a page (median)");
                report.Add($"{prefix}SwapInOverRawSpread{batch}", read[2] / read[0], "ratio", $"{fs}: swap-in throughput / the same raw reads into a swap-in's frames at batch {batch} (RawReadSpread; the raw case re-reads into the same {batch} frames)");
            }
            if (headline && batch is 1 or SwapPlug.MaxPages)
            {
                if (batch == SwapPlug.MaxPages)
                {
                    report.Add("rawPwritevPagesPerSecond32", 1e9 / write[1], "pages/s", "HostFs rig: raw O_DIRECT pwritev of 32 frames (32 iovecs) per call, one at a time (median; compare fioWriteQd1PagesPerSecond)");
                    report.Add("rawPreadvPagesPerSecond32", 1e9 / read[1], "pages/s", "HostFs rig: raw O_DIRECT preadv of 32 frames per call, one at a time (median; compare fioReadQd1PagesPerSecond)");
                    report.Add("swapOutOverRaw32", write[1] / write[0], "ratio", "HostFs: swap-out throughput / raw O_DIRECT pwritev throughput, 32 pages per call (raw ns/page / swap ns/page; target >= 0.8)");
                    report.Add("swapInOverRaw32", read[1] / read[0], "ratio", "HostFs: sequential swap-in throughput (page_cluster 5) / raw O_DIRECT preadv of 32 pages (raw ns/page / swap ns/page; target >= 0.8)");
                }
                else
                {
                    report.Add("swapOut1OverRaw1", write[1] / write[0], "ratio", "HostFs: single-page swap-out throughput / raw single-page O_DIRECT pwritev (raw ns/page / swap ns/page; target >= 0.9)");
                }
            }
        }
        if (fs == SwapFs.HostFs && headline)
        {
            MeasureFio(report, rig, rounds: 3);
        }
        if (fs == SwapFs.RamFs)
        {
            MeasureCpu(report, rig, pages, rounds: 2 * rounds);
        }
        report.Add($"{prefix}Batch32OverBatch1", outNs[0] / outNs[2], "ratio", $"{fs}: swap-out pages/s at 32 pages per call / at 1");

        // Pages per vectored read at batch 32: the read batches the core submitted (a read queued on io_uring counts;
        // the host's per-thread count sees none of those).
        rig.SwappedOut();
        long reads = rig.ReadSubmissions(() => rig.SwapIn(SwapPlug.MaxPages));
        report.Add($"{prefix}SwapInPagesPerRead32", (double)pages / reads, "pages", $"{fs}: pages per read in a sequential swap-in at page_cluster 5 (per read batch the core submitted: direct_IO, swap_rw or block read; 32 = every read a whole cluster)");
        double bytesPerPage = (double)steady.Bytes / steady.Pages;
        report.Add($"{prefix}AllocatedBytesPerSwappedPage", bytesPerPage, "B", $"{fs}: managed bytes allocated per page swapped out or in, steady state, over {steady.Pages} pages");
        if (headline)
        {
            report.Add("batch32OverBatch1", outNs[0] / outNs[2], "ratio", "HostFs: swap-out pages/s at 32 pages per call / at 1 page per call (target >= 8)");
            report.Add("swapInPagesPerRead32", (double)pages / reads, "pages", "HostFs: pages per read batch (direct_IO) in a sequential swap-in at page_cluster 5 (32 = one vectored read per cluster)");
            report.Add("allocatedBytesPerSwappedPage", bytesPerPage, "B", "HostFs: managed bytes allocated on the swap path per page swapped out or in, steady state (GC.GetAllocatedBytesForCurrentThread; target 0)");
        }
    }

    // The managed bytes the timed swap passes allocated, and the pages they moved (the steady state: after the warm-up).
    private sealed class Allocations
    {
        public long Bytes;
        public long Pages;

        public long Count(Func<int> pass)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            int moved = pass();
            Bytes += GC.GetAllocatedBytesForCurrentThread() - before;
            Pages += moved;
            return moved;
        }
    }
}

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
        if (!ThreadIo.Available)
        {
            report.Note("swap: /proc/thread-self/io is missing: pages per read not counted");
        }
        // HostFs first: it feeds the headline keys.
        MeasureFs(report, SwapFs.HostFs, pages: 32768, rounds: 5, headline: true, queueDepth: SwapQueueDepth);
        // The same at queue depth 1 (synchronous swap I/O), keys prefixed hostfsQd1.
        MeasureFs(report, SwapFs.HostFs, pages: 32768, rounds: 5, headline: false, queueDepth: 1);
        MeasureFs(report, SwapFs.BlockFs, pages: 32768, rounds: 3, headline: false);
        MeasureFs(report, SwapFs.RamFs, pages: 32768, rounds: 5, headline: false);
    }

    /// <summary>The swap area's queue depth of the cases (as <c>aops demo</c>'s default).</summary>
    public const int SwapQueueDepth = 4;

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
            // The raw reads get the swap-in's setup too: both read right after the region was written.
            double[] read = QuickMeasure.InterleavedMedians(rounds,
                (rig.SwappedOut, () => steady.Count(() => rig.SwapIn(batch, n))),
                (rig.SwappedOut, () => rig.RawRead(batch, n) >> Page.Shift));
            outNs[b] = write[0];
            string rawWrite = fs == SwapFs.RamFs ? "a copy of the pages into the same RamFile (memcpy)" : "raw O_DIRECT pwritev";
            string rawRead = fs == SwapFs.RamFs ? "a copy out of the same RamFile (memcpy)" : "raw O_DIRECT preadv";
            report.Add($"{prefix}SwapOutPagesPerSecond{batch}", 1e9 / write[0], "pages/s", $"{fs}: swap-out at {batch} page(s) per reclaim call (median)");
            report.Add($"{prefix}SwapOutOverRaw{batch}", write[1] / write[0], "ratio", $"{fs}: swap-out throughput / {rawWrite} throughput at batch {batch} (raw ns per page / swap ns per page; 1 = the ceiling)");
            report.Add($"{prefix}SwapInPagesPerSecond{batch}", 1e9 / read[0], "pages/s", $"{fs}: sequential swap-in, page_cluster = log2({batch}) (median)");
            report.Add($"{prefix}SwapInOverRaw{batch}", read[1] / read[0], "ratio", $"{fs}: swap-in throughput / {rawRead} throughput at batch {batch} (raw ns per page / swap ns per page)");
            if (headline && batch is 1 or SwapPlug.MaxPages)
            {
                if (batch == SwapPlug.MaxPages)
                {
                    report.Add("swapOutOverRaw32", write[1] / write[0], "ratio", "HostFs: swap-out throughput / raw O_DIRECT pwritev throughput, 32 pages per call (raw ns/page / swap ns/page; target >= 0.8)");
                    report.Add("swapInOverRaw32", read[1] / read[0], "ratio", "HostFs: sequential swap-in throughput (page_cluster 5) / raw O_DIRECT preadv of 32 pages (raw ns/page / swap ns/page; target >= 0.8)");
                }
                else
                {
                    report.Add("swapOut1OverRaw1", write[1] / write[0], "ratio", "HostFs: single-page swap-out throughput / raw single-page O_DIRECT pwritev (raw ns/page / swap ns/page; target >= 0.9)");
                }
            }
        }
        report.Add($"{prefix}Batch32OverBatch1", outNs[0] / outNs[2], "ratio", $"{fs}: swap-out pages/s at 32 pages per call / at 1");

        // Pages per vectored read at batch 32: the host's own count of preadv calls (RamFs: major faults, one read each).
        rig.SwappedOut();
        long majorBefore = rig.Swap.Events[VmEvent.PgMajFault];
        bool hostCounts = ThreadIo.Available && fs != SwapFs.RamFs;
        ThreadIo io = ThreadIo.Available ? ThreadIo.Delta(() => rig.SwapIn(SwapPlug.MaxPages)) : default;
        if (!ThreadIo.Available)
        {
            rig.SwapIn(SwapPlug.MaxPages);
        }
        long reads = hostCounts ? io.Reads : rig.Swap.Events[VmEvent.PgMajFault] - majorBefore;
        report.Add($"{prefix}SwapInPagesPerRead32", (double)pages / reads, "pages", $"{fs}: pages per read in a sequential swap-in at page_cluster 5 ({(hostCounts ? "per preadv the host counted" : "per major fault")}; 32 = every read a whole cluster)");
        double bytesPerPage = (double)steady.Bytes / steady.Pages;
        report.Add($"{prefix}AllocatedBytesPerSwappedPage", bytesPerPage, "B", $"{fs}: managed bytes allocated per page swapped out or in, steady state, over {steady.Pages} pages");
        if (headline)
        {
            report.Add("batch32OverBatch1", outNs[0] / outNs[2], "ratio", "HostFs: swap-out pages/s at 32 pages per call / at 1 page per call (target >= 8)");
            report.Add("swapInPagesPerRead32", (double)pages / reads, "pages", "HostFs: pages per preadv in a sequential swap-in at page_cluster 5 (32 = one vectored read per cluster)");
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

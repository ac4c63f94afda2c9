using AopsGen.Benchmarks.Quick;
using AopsGen.Swap;

namespace AopsGen.Benchmarks.Block;

/// <summary>
/// <c>--quick</c>'s vectored-write group (<see cref="VectoredWriteBenchmarks"/>): managed bytes per page written by
/// a 32-page gather through AopsGen's <c>pwritev</c> and through .NET's vectored <c>RandomAccess.Write</c>, and
/// their throughput ratio over 25 interleaved rounds of 1,024 pages each.
/// </summary>
public static class VectoredWriteQuick
{
    public static void Measure(QuickReport report)
    {
        using var bench = new VectoredWriteBenchmarks();
        bench.Setup();
        bench.UseBatch(SwapPlug.MaxPages);
        bench.Pwritev();
        bench.RandomAccessVectored();
        int pages = VectoredWriteBenchmarks.PagesPerInvocation;
        long pwritev = QuickMeasure.AllocatedBytes(() => bench.Pwritev());
        long randomAccess = QuickMeasure.AllocatedBytes(() => bench.RandomAccessVectored());
        double[] ns = QuickMeasure.InterleavedMedians(25, () => bench.Pwritev() >> Page.Shift, () => bench.RandomAccessVectored() >> Page.Shift);
        report.Add("pwritevAllocatedBytesPerPage", (double)pwritev / pages, "B",
            "managed bytes per page of a 32-page O_DIRECT gather write through AopsGen's pwritev P/Invoke (the swap path's)");
        report.Add("randomAccessVectoredAllocatedBytesPerPage", (double)randomAccess / pages, "B",
            "the same writes through .NET's vectored RandomAccess.Write (the allocation the P/Invoke removes)");
        report.Add("pwritevOverRandomAccessVectored32", ns[1] / ns[0], "ratio",
            "pages/s of the P/Invoke over RandomAccess.Write at 32 pages per write (same file, frames, offsets)");
    }
}

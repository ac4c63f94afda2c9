using System.Diagnostics;

namespace AopsGen.Benchmarks.Quick;

/// <summary>
/// Measuring for <c>--quick</c>, where BenchmarkDotNet's process per case would take too long. Cases whose ratio
/// is reported are run interleaved, round after round, and each side's median kept: whatever else the shared
/// machine is doing lands on both sides alike, and the median drops the rounds it hit hardest.
/// </summary>
public static class QuickMeasure
{
    /// <summary>
    /// Runs every case once per round for <paramref name="rounds"/> rounds, in turn; each call returns the
    /// operations it made. Returns each case's median nanoseconds per operation.
    /// </summary>
    public static double[] InterleavedMedians(int rounds, params Func<long>[] cases)
        => InterleavedMedians(rounds, Array.ConvertAll(cases, run => ((Action?)null, run)));

    /// <summary>
    /// As <see cref="InterleavedMedians(int, Func{long}[])"/>, each case with a setup that runs, untimed, right before
    /// each of its rounds (a region of dirty pages to swap out, say).
    /// </summary>
    public static double[] InterleavedMedians(int rounds, params (Action? Setup, Func<long> Run)[] cases)
        => InterleavedMedians(rounds, WallNanoseconds, cases);

    /// <summary>
    /// As <see cref="InterleavedMedians(int, ValueTuple{Action, Func{long}}[])"/>, timed by the calling thread's CPU
    /// clock (<c>CLOCK_THREAD_CPUTIME_ID</c>): the CPU a case spent, not the time other processes kept it waiting, so
    /// a loaded machine inflates it far less (caches and memory bandwidth are still shared). For CPU-bound cases only:
    /// time spent waiting for a device does not count.
    /// </summary>
    public static double[] ThreadCpuMedians(int rounds, params (Action? Setup, Func<long> Run)[] cases)
        => InterleavedMedians(rounds, ThreadCpuNanoseconds, cases);

    /// <summary>The calling thread's CPU time in nanoseconds (<c>clock_gettime(CLOCK_THREAD_CPUTIME_ID)</c>).</summary>
    public static unsafe long ThreadCpuNanoseconds()
    {
        long* timespec = stackalloc long[2];
        if (ClockGetTime(ClockThreadCpuTimeId, timespec) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }
        return timespec[0] * 1_000_000_000 + timespec[1];
    }

    private const int ClockThreadCpuTimeId = 3;

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern unsafe int ClockGetTime(int clock, long* timespec);

    private static long WallNanoseconds() => (long)(Stopwatch.GetTimestamp() * (1e9 / Stopwatch.Frequency));

    private static double[] InterleavedMedians(int rounds, Func<long> now, (Action? Setup, Func<long> Run)[] cases)
    {
        var samples = new double[cases.Length][];
        for (int c = 0; c < cases.Length; c++)
        {
            samples[c] = new double[rounds];
        }
        for (int round = 0; round < rounds; round++)
        {
            for (int c = 0; c < cases.Length; c++)
            {
                cases[c].Setup?.Invoke();
                long start = now();
                long operations = cases[c].Run();
                double ns = now() - start;
                if (operations <= 0)
                {
                    throw new InvalidOperationException($"quick measure: case {c} made {operations} operations.");
                }
                samples[c][round] = ns / operations;
            }
        }
        var medians = new double[cases.Length];
        for (int c = 0; c < cases.Length; c++)
        {
            medians[c] = Median(samples[c]);
        }
        return medians;
    }

    /// <summary>The median of <paramref name="values"/> (sorted in place).</summary>
    public static double Median(double[] values)
    {
        if (values.Length == 0)
        {
            throw new ArgumentException("no values", nameof(values));
        }
        Array.Sort(values);
        int mid = values.Length / 2;
        return values.Length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    /// <summary>Managed bytes this thread allocated while <paramref name="action"/> ran.</summary>
    public static long AllocatedBytes(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}

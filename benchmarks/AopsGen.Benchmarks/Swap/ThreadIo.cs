using System.IO;

namespace AopsGen.Benchmarks.Swap;

/// <summary>
/// The calling thread's I/O system calls so far, from <c>/proc/thread-self/io</c> (<c>syscr</c>: read-type calls
/// such as <c>preadv</c>; <c>syscw</c>: write-type calls such as <c>pwritev</c>) — how many device calls a swap
/// pass made, counted by the host kernel itself. Reading the file is itself a read call or two; <see cref="Delta"/>
/// subtracts what a back-to-back pair of reads costs.
/// </summary>
public readonly record struct ThreadIo(long Reads, long Writes)
{
    /// <summary>Whether this host exposes per-thread I/O accounting.</summary>
    public static bool Available => System.IO.File.Exists("/proc/thread-self/io");

    /// <summary>The calling thread's counters now.</summary>
    public static ThreadIo Now()
    {
        long reads = 0, writes = 0;
        foreach (string line in System.IO.File.ReadAllLines("/proc/thread-self/io"))
        {
            if (line.StartsWith("syscr:", StringComparison.Ordinal))
            {
                reads = long.Parse(line.AsSpan(6).Trim());
            }
            else if (line.StartsWith("syscw:", StringComparison.Ordinal))
            {
                writes = long.Parse(line.AsSpan(6).Trim());
            }
        }
        return new ThreadIo(reads, writes);
    }

    /// <summary>The read and write calls <paramref name="action"/> made on this thread, the counting's own reads taken off.</summary>
    public static ThreadIo Delta(Action action)
    {
        ThreadIo a = Now();
        ThreadIo b = Now();
        long ownReads = b.Reads - a.Reads;
        action();
        ThreadIo c = Now();
        return new ThreadIo(c.Reads - b.Reads - ownReads, c.Writes - b.Writes);
    }
}

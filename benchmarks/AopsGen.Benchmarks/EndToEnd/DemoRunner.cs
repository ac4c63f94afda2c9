using System.IO;
using AopsGen.Examples.Aops.Demo;

namespace AopsGen.Benchmarks.EndToEnd;

/// <summary>The filesystems the end-to-end group swaps to.</summary>
public enum DemoFileSystem
{
    /// <summary>RamFs (the <c>aops demo</c> default): SWP_FILE, direct_IO into native memory.</summary>
    Ram,
    /// <summary>HostFs: SWP_FILE, direct_IO as O_DIRECT pwritev/preadv on a real file in a temporary directory.</summary>
    Host,
    /// <summary>NfsFs: SWP_FS_OPS, swap_rw as READs and FILE_SYNC WRITEs to the NFS server at <c>AOPSGEN_NFS_URL</c>
    /// (<c>examples/NfsFs/nfs-server.sh start</c>).</summary>
    Nfs,
}

/// <summary>What one demo run did: its vmstat counts, the program's own time (the three phases, without swapon,
/// swapoff or setup), its steady-state allocation per swapped page on the swap-path threads, and whether every page
/// came back as last written with nothing left behind.</summary>
public readonly record struct DemoRun(long PagesOut, long PagesIn, long MajorFaults, double ElapsedMs,
    double AllocatedBytesPerPage, bool Verified, string? Problem)
{
    /// <summary>pswpout + pswpin.</summary>
    public long PagesSwapped => PagesOut + PagesIn;

    /// <summary>Pages swapped per second of the program's own time (what <c>aops demo</c> prints).</summary>
    public double PagesPerSecond => ElapsedMs > 0 ? PagesSwapped * 1000.0 / ElapsedMs : 0;
}

/// <summary>
/// <c>aops demo</c> in this process: the swap file is made once (<c>DemoSwapArea</c>: mkswap on RamFs, on HostFs
/// in a new temporary directory, or on the NFS server) and each <see cref="Run"/> is one whole demo
/// (<c>DemoWorkload.Run</c>): swapon at <c>queueDepth</c>, the program over <c>pages</c> pages with <c>ramPages</c>
/// frames on <c>threads</c> threads, exit, swapoff, the checks.
/// </summary>
public sealed class DemoRunner : IDisposable
{
    private readonly DemoOptions _options;
    private readonly DemoSwapArea _area;

    /// <summary>Makes the swap file; throws <see cref="IOException"/> when it cannot (HostFs in a temporary
    /// directory that refuses O_DIRECT, say, or NfsFs without <c>AOPSGEN_NFS_URL</c>).</summary>
    public DemoRunner(DemoFileSystem fs, int threads, int pages = DemoOptions.DefaultPages, int ramPages = DemoOptions.DefaultRamPages, int seed = 1,
        int queueDepth = DemoOptions.DefaultQueueDepth)
    {
        string? nfsUrl = fs == DemoFileSystem.Nfs ? Environment.GetEnvironmentVariable("AOPSGEN_NFS_URL") is { Length: > 0 } url ? url
            : throw new IOException("no NFS server: AOPSGEN_NFS_URL is not set (examples/NfsFs/nfs-server.sh start prints it)") : null;
        DemoFs demoFs = fs switch { DemoFileSystem.Host => DemoFs.Host, DemoFileSystem.Nfs => DemoFs.Nfs, _ => DemoFs.Ram };
        _options = new DemoOptions(demoFs, ramPages, pages, threads, seed, NfsUrl: nfsUrl, QueueDepth: queueDepth);
        if (_options.Validate() is { } invalid)
        {
            throw new ArgumentException(invalid);
        }
        int rc = DemoSwapArea.Create(_options.Fs, _options.SwapPages, null, out DemoSwapArea? area, out string? error, nfsUrl);
        if (rc != 0)
        {
            throw new IOException($"aops demo --fs {fs.ToString().ToLowerInvariant()}: {error} ({Errnos.FromReturn(rc)})");
        }
        _area = area!;
    }

    public DemoFileSystem Fs => _options.Fs switch { DemoFs.Host => DemoFileSystem.Host, DemoFs.Nfs => DemoFileSystem.Nfs, _ => DemoFileSystem.Ram };

    public int Threads => _options.Threads;

    public int QueueDepth => _options.QueueDepth;

    /// <summary>One demo run; throws <see cref="InvalidOperationException"/> when swapon fails.</summary>
    public DemoRun Run()
    {
        int rc = DemoWorkload.Run(_options, _area, null, out DemoResult? result, out string? error);
        if (rc != 0)
        {
            throw new InvalidOperationException($"aops demo: {error} ({Errnos.FromReturn(rc)})");
        }
        DemoResult r = result!;
        string? problem = r.Verified ? null
            : r.Leak ?? $"{r.Corrupt} corrupt, {r.Misplaced} misplaced, {r.Stale} stale pages, {r.Errors} errors";
        return new DemoRun(r.PagesOut, r.PagesIn, r.MajorFaults, r.ElapsedMs, r.AllocatedBytesPerPage, r.Verified, problem);
    }

    /// <summary>Removes the swap file (and HostFs's temporary directory).</summary>
    public void Dispose() => _area.Dispose();
}

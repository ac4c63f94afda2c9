using AopsGen.Swap;

namespace AopsGen.Examples.Aops.Demo;

/// <summary>What <c>aops demo</c> runs: the filesystem, the frames of "RAM", the pages the program uses, the
/// threads that use them, the seed of their random choices, and the swap area's queue depth (batches in flight).</summary>
internal sealed record DemoOptions(DemoFs Fs, int RamPages, int Pages, int Threads, int Seed, string? Directory = null, string? NfsUrl = null,
    int QueueDepth = DemoOptions.DefaultQueueDepth)
{
    /// <summary>Batches in flight per area by default: the library's (<see cref="SwapCore.DefaultQueueDepth"/>).</summary>
    public const int DefaultQueueDepth = SwapCore.DefaultQueueDepth;

    public const int DefaultRamPages = 1024;
    public const int DefaultPages = 4096;
    public const int DefaultThreads = 2;

    /// <summary>Random operations each thread runs, per page it owns.</summary>
    public const int RandomOpsPerPage = 2;

    /// <summary>Swap slots the demo's swap file holds: every page, and a quarter more so that cluster allocation
    /// never runs short (plus the header page).</summary>
    public long SwapPages => Pages + Pages / 4 + 64;

    /// <summary>Memory the run needs before it starts: the frames (with their page structs), the page table, and
    /// for <c>--fs ram</c> the swap file itself, which lives in memory.</summary>
    public long MemoryBytes => (long)RamPages * (Page.Size + 256) + (long)Pages * 64 + SwapPages * 2
        + (Fs == DemoFs.Ram ? SwapPages * Page.Size : 0);

    /// <summary>Disk space the run needs in its directory: the swap file, or BlockFs's image around it.</summary>
    public long DiskBytes => Fs is DemoFs.Block or DemoFs.Host ? (SwapPages + SwapPages / 1024 + 64) * Page.Size : 0;

    /// <summary>The argument errors, in the order the options appear; empty when the options can run.</summary>
    public string? Validate() =>
        RamPages < 16 ? $"--ram-pages must be at least 16 (got {RamPages})"
        : Pages < 1 ? $"--pages must be at least 1 (got {Pages})"
        : Pages > 1 << 22 ? $"--pages must be at most {1 << 22} (16 GiB; got {Pages})"
        : Threads < 1 || Threads > 64 ? $"--threads must be between 1 and 64 (got {Threads})"
        : QueueDepth < 1 || QueueDepth > SwapCore.MaxQueueDepth ? $"--queue-depth must be between 1 and {SwapCore.MaxQueueDepth} (got {QueueDepth})"
        : Threads > Pages ? $"--threads ({Threads}) must not exceed --pages ({Pages}): each thread owns pages"
        : Fs == DemoFs.Nfs && NfsUrl == null ? "--fs nfs needs --nfs-url (the URL examples/NfsFs/nfs-server.sh start prints) or AOPSGEN_NFS_URL"
        : null;
}

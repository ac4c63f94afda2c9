using System.Linq;
using AopsGen.Examples;
using BenchmarkDotNet.Attributes;
using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Benchmarks.Swap;

/// <summary>
/// Swap-out to a real NFS server through NfsFs (SWP_FS_OPS at queue depth 1: <c>swap_rw</c> = one FILE_SYNC WRITE per
/// batch, waited for) against the raw connection in the same run: the same number of pages written as FILE_SYNC WRITEs
/// of <see cref="Batch"/> pages each, waited for in turn, to a file on the same server. One operation is one page.
/// Needs the server: <c>examples/NfsFs/nfs-server.sh start</c> and its URL in <c>AOPSGEN_NFS_URL</c>.
/// </summary>
[MemoryDiagnoser]
public unsafe class NfsThroughputBenchmarks
{
    private const int Pages = 1024;

    private string _exportUrl = string.Empty;
    private readonly string _swapName = $"bench-swap-{Environment.ProcessId}";
    private readonly string _rawName = $"bench-raw-{Environment.ProcessId}";
    private SuperBlock _sb = null!;
    private SwapCore _swap = null!;
    private PageFrames _ram = null!;
    private MemoryManager _mm = null!;
    private AnonRegion? _region;
    private NfsConnection _raw = null!;
    private byte* _rawPage;
    private readonly IoVec[] _rawSegments = GC.AllocateArray<IoVec>(32, pinned: true);
    private int[] _indexes = Array.Empty<int>();
    private readonly byte[] _data = new byte[Page.Size];

    /// <summary>Pages per reclaim call (one plug, one swap_rw, one FILE_SYNC WRITE).</summary>
    [Params(1, 8, 32)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _exportUrl = Environment.GetEnvironmentVariable("AOPSGEN_NFS_URL")
            ?? throw new InvalidOperationException("No NFS server: run examples/NfsFs/nfs-server.sh start and set AOPSGEN_NFS_URL to the URL it prints.");
        long size = (long)(Pages + 64) << Page.Shift;
        Check(NfsFs.Mkswap(NfsFs.FileUrl(_exportUrl, _swapName), size, null, out _, out string? error), "mkswap " + error);
        Check(NfsFs.Mkswap(NfsFs.FileUrl(_exportUrl, _rawName), size, null, out _, out error), "raw file " + error);
        Check(NfsConnection.Open(NfsFs.FileUrl(_exportUrl, _rawName), create: false, out NfsConnection? raw, out error), "open raw " + error);
        _raw = raw!;
        MountNamespace vfs = RamFs.NewNamespace(out SuperBlock root);
        Check(RamFs.Mkdir(vfs, root, "/nfs", Credentials.Root), "mkdir");
        Check(NfsFs.Mount(vfs, "/nfs", _exportUrl, out SuperBlock? sb), "mount");
        _sb = sb!;
        Check(NfsFs.Open(vfs, _sb, "/nfs/" + _swapName, Credentials.Root, out _), "open");
        _swap = new SwapCore(vfs);
        Check(_swap.SwapOn("/nfs/" + _swapName, 0, Credentials.Root), "swapon");
        _ram = new PageFrames(Pages + 64);
        _mm = new MemoryManager(_ram, _swap);
        _rawPage = (byte*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc(Page.Size, Page.Size);
        Array.Fill(_rawSegments, new IoVec((nint)_rawPage, Page.Size));
        _indexes = Enumerable.Range(0, Pages).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _region?.Dispose();
        _swap.SwapOff("/nfs/" + _swapName, Credentials.Root);
        _swap.Dispose();
        NfsFs.Release(_sb);
        _raw.Dispose();
        NfsConnection.Remove(NfsFs.FileUrl(_exportUrl, _swapName));
        NfsConnection.Remove(NfsFs.FileUrl(_exportUrl, _rawName));
        System.Runtime.InteropServices.NativeMemory.AlignedFree(_rawPage);
    }

    // Fresh, dirty pages to swap out; the raw loop gets the same setup so both run in one job.
    [IterationSetup]
    public void FreshRegion()
    {
        _region?.Dispose();
        _region = _mm.CreateRegion(Pages);
        for (int i = 0; i < Pages; i++)
        {
            _data[0] = (byte)i;
            Check(_region.Write(i, _data), "touch");
        }
    }

    /// <summary>Raw ceiling: FILE_SYNC WRITEs of <see cref="Batch"/> pages each through the connection, each waited for.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Pages)]
    public long RawFileSyncWrites()
    {
        long total = 0;
        for (int first = 0; first < Pages; first += Batch)
        {
            total += _raw.WriteV((long)(first + 1) << Page.Shift, _rawSegments.AsSpan(0, Batch), stable: true, iocb: null);
        }
        return total;
    }

    /// <summary>Reclaim <see cref="Batch"/> pages per call through the swap core and NfsFs's table.</summary>
    [Benchmark(OperationsPerInvoke = Pages)]
    public int SwapOut()
    {
        int freed = 0;
        for (int first = 0; first < Pages; first += Batch)
        {
            freed += _mm.SwapOut(_region!, _indexes.AsSpan(first, Batch));
        }
        return freed;
    }

    private static void Check(int result, string what)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"{what}: {Errnos.FromReturn(result)}");
        }
    }
}

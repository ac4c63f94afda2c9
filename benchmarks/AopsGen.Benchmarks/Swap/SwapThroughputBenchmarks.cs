using System.IO;
using BenchmarkDotNet.Attributes;

namespace AopsGen.Benchmarks.Swap;

/// <summary>
/// A swap file on a block-mapped filesystem over an O_DIRECT image (the extent path): its pages are written
/// straight to the device, as in Linux. Its page n sits at device block n + 1 (bmap's 0 means a hole).
/// </summary>
[AddressSpaceOperations("imagefs_aops")]
internal static unsafe partial class ImageFs
{
    [ReadPage]
    public static int ReadPage(File file, Page page)
    {
        IoVec segment = IoVec.ForPage(page);
        long done = file.Inode.SuperBlock.Device!.Read(new ReadOnlySpan<IoVec>(in segment), page.FileOffset + Page.Size);
        if (done == Page.Size)
        {
            page.Set(PageFlags.Uptodate);
        }
        page.Unlock();
        return done == Page.Size ? 0 : Errnos.Neg(Errno.EIO);
    }

    [Bmap]
    public static ulong Bmap(AddressSpace mapping, ulong block) => block + 1;
}

/// <summary>
/// Swap-out and swap-in throughput on the extent path against the raw ceiling measured in the same run: the
/// same number of pages written with <c>pwritev</c> (read with <c>preadv</c>) of the same batch size to the
/// same O_DIRECT image, no AopsGen in between. One operation is one page; the swap side includes reclaim
/// (add_to_swap, unmap, writepage through swap_aops, freeing the frame) and, for swap-in, the fault.
/// </summary>
[MemoryDiagnoser]
public class SwapThroughputBenchmarks
{
    private const int Pages = 2048;

    private string _directory = string.Empty;
    private BlockDevice _device = null!;
    private SwapCore _swap = null!;
    private PageFrames _ram = null!;
    private PageFrames _rawFrames = null!;
    private MemoryManager _mm = null!;
    private AnonRegion? _region;
    private IoVec[] _rawSegments = Array.Empty<IoVec>();
    private int[] _indexes = Array.Empty<int>();
    private readonly byte[] _data = new byte[Page.Size];

    /// <summary>Pages per reclaim call (one plug) and per raw <c>pwritev</c>.</summary>
    [Params(1, 8, 32)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("aopsgen-bench-").FullName;
        string image = Path.Combine(_directory, "disk.img");
        using (var stream = new FileStream(image, FileMode.CreateNew))
        {
            stream.SetLength((long)(Pages * 2 + 16) << Page.Shift);
        }
        Check(BlockDevice.Open(image, out BlockDevice? device), "open image");
        _device = device!;
        var sb = new SuperBlock("imagefs", Page.Size) { Device = _device };
        var vfs = new Vfs(new Inode(sb, 1, FileType.Directory, 0x1ED, ImageFs.Operations));
        long size = (long)(Pages + 64) << Page.Shift;
        _rawFrames = new PageFrames(SwapPlug.MaxPages);
        Page header = _rawFrames.AllocZeroed()!;
        if (!Mkswap.Format(header.Bytes, size, new MkswapOptions { Label = "bench" }).Succeeded)
        {
            throw new InvalidOperationException("mkswap");
        }
        IoVec headerSegment = IoVec.ForPage(header);
        _device.Write(new ReadOnlySpan<IoVec>(in headerSegment), Page.Size);
        _rawFrames.Free(header);
        Check(vfs.Create("/swapfile", new Inode(sb, 2, FileType.Regular, 0x180, ImageFs.Operations) { Size = size, Blocks = size / 512 }, Credentials.Root), "create");
        _swap = new SwapCore(vfs);
        Check(_swap.SwapOn("/swapfile", 0, Credentials.Root), "swapon");
        _ram = new PageFrames(Pages + 64);
        _mm = new MemoryManager(_ram, _swap);
        _rawSegments = new IoVec[SwapPlug.MaxPages];
        for (int i = 0; i < _rawSegments.Length; i++)
        {
            _rawSegments[i] = IoVec.ForPage(_rawFrames.Alloc()!);
        }
        // Write every block once, so that reads (raw and swap-in alike) hit allocated blocks, not holes that a
        // filesystem answers without touching the device.
        for (long block = 2; block < Pages + 66; block += _rawSegments.Length)
        {
            _device.Write(_rawSegments, block << Page.Shift);
        }
        _indexes = new int[Pages];
        for (int i = 0; i < Pages; i++)
        {
            _indexes[i] = i;
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _region?.Dispose();
        _swap.Dispose();
        _device.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    // Fresh, dirty pages for the swap-out benchmark (do_anonymous_page; no swap-in before the swap-out). The raw
    // benchmarks get the same setup, so that every method runs in one job (one invocation per iteration) and
    // the ratio columns compare like with like.
    [IterationSetup(Targets = new[] { nameof(SwapOut), nameof(RawPwritev), nameof(RawPreadv1) })]
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

    // Every page swapped out, for the swap-in benchmark.
    [IterationSetup(Targets = new[] { nameof(SwapIn) })]
    public void SwappedRegion()
    {
        FreshRegion();
        _mm.SwapOut(_region!, _indexes);
    }

    /// <summary>Raw ceiling: <c>pwritev</c> of <see cref="Batch"/> pages at a time over the same area.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Pages)]
    public long RawPwritev()
    {
        long total = 0;
        for (int first = 0; first < Pages; first += Batch)
        {
            total += _device.Write(_rawSegments.AsSpan(0, Batch), (long)(first + 2) << Page.Shift);
        }
        return total;
    }

    /// <summary>Reclaim <see cref="Batch"/> pages per call: contiguous slots leave as one vectored write.</summary>
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

    /// <summary>Raw ceiling for reads: <c>preadv</c> of one page at a time (swap-in reads one page per fault
    /// until readahead lands).</summary>
    [Benchmark(OperationsPerInvoke = Pages)]
    public long RawPreadv1()
    {
        long total = 0;
        for (int first = 0; first < Pages; first++)
        {
            total += _device.Read(_rawSegments.AsSpan(0, 1), (long)(first + 2) << Page.Shift);
        }
        return total;
    }

    /// <summary>Fault every swapped page back in (one swap_readpage each).</summary>
    [Benchmark(OperationsPerInvoke = Pages)]
    public int SwapIn()
    {
        int errors = 0;
        for (int i = 0; i < Pages; i++)
        {
            errors += _region!.Read(i, _data.AsSpan(0, 64)) != 0 ? 1 : 0;
        }
        return errors;
    }

    private static void Check(int result, string what)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"{what}: {Errnos.FromReturn(result)}");
        }
    }
}

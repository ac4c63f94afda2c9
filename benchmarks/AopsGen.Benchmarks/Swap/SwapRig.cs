using System.IO;
using System.Numerics;
using AopsGen.Examples;
using AopsGen.Block;
using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Benchmarks.Swap;

/// <summary>The example filesystem a swap throughput case swaps to.</summary>
public enum SwapFs
{
    /// <summary>RamFs: SWP_FILE (swap_activate + direct_IO), the file's bytes in memory.</summary>
    RamFs,
    /// <summary>BlockFs on an O_DIRECT disk image: no swap_activate, bmap at swapon, I/O straight to its BlockDevice.</summary>
    BlockFs,
    /// <summary>HostFs on a real host file: SWP_FILE, direct_IO = one O_DIRECT pwritev/preadv.</summary>
    HostFs,
}

/// <summary>
/// One machine for the swap throughput cases: a swap file of twice <see cref="Pages"/> slots (so swap never counts
/// as full, <c>vm_swap_full</c>) on <see cref="Fs"/>, swapped on; a memory manager with a frame for every page of
/// a region of <see cref="Pages"/> pages; and the raw ceiling's way to the same file — the same
/// <c>pwritev</c>/<c>preadv</c> with O_DIRECT of <c>batch</c> frames at the slots' positions (BlockFs: its
/// <c>BlockDevice</c> at the extent's blocks; HostFs: the host file opened again with O_DIRECT through
/// <see cref="BlockDevice"/>), or for RamFs a copy of the pages into the same <see cref="RamFile"/>. Page i of the
/// region holds (generation, i) in its first 16 bytes. Not thread-safe: one thread drives it.
/// </summary>
public sealed class SwapRig : IDisposable
{
    private readonly string? _directory;
    private readonly bool _ownsDirectory;
    private readonly string _swapPath;
    private readonly BlockFsMount? _blockMount;
    private readonly SuperBlock? _hostSb;
    private readonly BlockDevice? _rawDevice;
    private readonly RamFile? _ramFile;
    private readonly SwapInfo _area;
    private readonly PageFrames _ram;
    private readonly PageFrames _rawFrames;
    private readonly IoVec[] _rawSegments;
    private readonly IoVec[] _spreadSegments = new IoVec[SwapPlug.MaxPages];
    private readonly Page?[] _spreadFrames;
    private readonly int[] _indexes;
    private readonly byte[] _stamp = new byte[16];
    private AnonRegion? _region;
    private long _generation;

    /// <summary>Sets up <paramref name="fs"/> with a swap file for a region of <paramref name="pages"/> pages, under
    /// <paramref name="directory"/> (a new temporary directory, removed by <see cref="Dispose"/>, when null);
    /// <paramref name="queueDepth"/> is the area's (1: synchronous swap I/O).</summary>
    public SwapRig(SwapFs fs, int pages, string? directory = null, int queueDepth = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pages, SwapPlug.MaxPages);
        Fs = fs;
        Pages = pages;
        long swapPages = 2L * pages + 64;
        MountNamespace vfs = RamFs.NewNamespace(out SuperBlock rootFs);
        Check(RamFs.Mkdir(vfs, rootFs, "/mnt", Credentials.Root), "mkdir /mnt");
        var mkswap = new MkswapOptions { Label = "bench" };
        if (fs != SwapFs.RamFs)
        {
            _ownsDirectory = directory == null;
            _directory = directory ?? Directory.CreateTempSubdirectory("aopsgen-swapbench-").FullName;
        }
        string name = $"swapbench-{Environment.ProcessId}";
        _swapPath = "/mnt/" + name;
        switch (fs)
        {
            case SwapFs.RamFs:
                Check(RamFs.CreateSwapFile(vfs, rootFs, _swapPath, swapPages << Page.Shift, mkswap, out Inode? ramInode, out _), "ramfs swap file");
                _ramFile = RamFs.DataOf(ramInode!);
                break;
            case SwapFs.BlockFs:
                string image = Path.Combine(_directory!, name + ".img");
                Check(BlockFs.Mkfs(image, (swapPages + swapPages / 1024 + 64) << Page.Shift, new MkfsOptions { InodeCount = 16 }, out string? error), $"mkfs {image}: {error}");
                Check(BlockFs.Mount(vfs, "/mnt", image, null, out _blockMount, out error), $"mount {image}: {error}");
                Check(_blockMount!.CreateSwapFile(name, swapPages << Page.Shift, out _, "bench"), "blockfs swap file");
                break;
            case SwapFs.HostFs:
                Check(HostFs.Mount(vfs, "/mnt", _directory!, out _hostSb), $"hostfs on {_directory}");
                Check(HostFs.CreateSwapFile(vfs, _hostSb!, _swapPath, swapPages << Page.Shift, mkswap, out _, out _), "hostfs swap file");
                HostFilePath = Path.Combine(_directory!, name);
                Check(BlockDevice.Open(HostFilePath, out _rawDevice), "open the host file with O_DIRECT");
                break;
        }
        Swap = new SwapCore(vfs);
        Check(Swap.SwapOn(_swapPath, 0, Credentials.Root, queueDepth), "swapon");
        _area = Swap.Areas[0];
        _rawDevice ??= _blockMount?.Device;
        // A frame for every page above the min watermark (a sixty-fourth of the frames): no pass reclaims by itself.
        _ram = new PageFrames(pages + pages / 32 + 64);
        Mm = new MemoryManager(_ram, Swap);
        _rawFrames = new PageFrames(SwapPlug.MaxPages);
        _rawSegments = new IoVec[SwapPlug.MaxPages];
        for (int i = 0; i < _rawSegments.Length; i++)
        {
            _rawSegments[i] = IoVec.ForPage(_rawFrames.Alloc()!);
        }
        _spreadFrames = new Page?[pages];
        _indexes = new int[pages];
        for (int i = 0; i < pages; i++)
        {
            _indexes[i] = i;
        }
    }

    /// <summary>The filesystem under the swap file.</summary>
    public SwapFs Fs { get; }

    /// <summary>HostFs: the swap file's path on the host (what fio runs on); null on the other filesystems.</summary>
    public string? HostFilePath { get; }

    /// <summary>Pages in the region, and pages each pass moves.</summary>
    public int Pages { get; }

    /// <summary>The swap core (its <see cref="SwapCore.Events"/> count pswpout, pswpin, pgmajfault).</summary>
    public SwapCore Swap { get; }

    /// <summary>The memory manager.</summary>
    public MemoryManager Mm { get; }

    /// <summary>The region the passes move.</summary>
    public AnonRegion Region => _region ?? throw new InvalidOperationException("No region yet: call Dirty or SwappedOut.");

    /// <summary>The generation the region's pages were last written with (<see cref="Dirty"/>).</summary>
    public long Generation => _generation;

    /// <summary>Setup (not timed): a fresh region — the old one's slots freed — every page written with (a new
    /// generation, its index), dirty and present (<c>do_anonymous_page</c>).</summary>
    public void Dirty()
    {
        _region?.Dispose();
        _region = Mm.CreateRegion(Pages);
        _generation++;
        BitConverter.TryWriteBytes(_stamp.AsSpan(0, 8), _generation);
        for (int i = 0; i < Pages; i++)
        {
            BitConverter.TryWriteBytes(_stamp.AsSpan(8, 8), (long)i);
            Check(_region.Write(i, _stamp), "touch");
        }
    }

    /// <summary>Setup (not timed): <see cref="Dirty"/>, then every page swapped out 32 at a time.</summary>
    public void SwappedOut()
    {
        Dirty();
        SwapOut(SwapPlug.MaxPages);
        int present = 0;
        for (int i = 0; i < Pages; i++)
        {
            present += Region.IsPresent(i) ? 1 : 0;
        }
        if (present != 0)
        {
            throw new InvalidOperationException($"setup: {present} of {Pages} pages still present after the swap-out.");
        }
    }

    /// <summary>Setup (not timed): the region released, so no slot holds live data (before raw writes overwrite them).</summary>
    public void Release()
    {
        _region?.Dispose();
        _region = null;
    }

    /// <summary>Swap-out: reclaim <paramref name="batch"/> pages per call (<c>MADV_PAGEOUT</c>: add_to_swap, unmap,
    /// swap_aops.writepage into one plug — one vectored write of the batch — and the frames freed). Returns the
    /// pages freed.</summary>
    public int SwapOut(int batch) => SwapOut(batch, Pages);

    /// <summary><see cref="SwapOut(int)"/> of the first <paramref name="pages"/> pages only.</summary>
    public int SwapOut(int batch, int pages)
    {
        AnonRegion region = Region;
        int freed = 0;
        for (int first = 0; first < pages; first += batch)
        {
            freed += Mm.SwapOut(region, _indexes.AsSpan(first, Math.Min(batch, pages - first)));
        }
        if (freed < pages)
        {
            // Above depth 1 reclaim does not wait for its writes: their pages stay on the LRU (moved to the inactive
            // tail as each write completes) and later passes free them. Part of the swap-out's time, as in the kernel.
            Swap.WaitForIo();
            int more;
            while (freed < pages && (more = Mm.ReclaimPages(pages - freed)) > 0)
            {
                freed += more;
            }
            // Frames those passes freed besides the region's (swap-cache pages an earlier region left) are not counted.
            freed = Math.Min(freed, pages);
        }
        return freed;
    }

    /// <summary>Swap-in: <c>page_cluster</c> = log2(<paramref name="batch"/>) and every page faulted in in order, so
    /// readahead reads aligned clusters of <paramref name="batch"/> slots with one vectored read. Returns the pages
    /// read back whose stamp was right (all of them, or a page came back wrong).</summary>
    public int SwapIn(int batch) => SwapIn(batch, Pages);

    /// <summary><see cref="SwapIn(int)"/> of the first <paramref name="pages"/> pages only.</summary>
    public int SwapIn(int batch, int pages)
    {
        Swap.PageCluster = BitOperations.Log2((uint)batch);
        AnonRegion region = Region;
        Span<byte> stamp = stackalloc byte[16];
        int good = 0;
        for (int i = 0; i < pages; i++)
        {
            if (region.Read(i, stamp) == 0 && BitConverter.ToInt64(stamp[..8]) == _generation && BitConverter.ToInt64(stamp[8..]) == i)
            {
                good++;
            }
        }
        return good;
    }

    /// <summary>Raw ceiling for writes: <see cref="Pages"/> pages written <paramref name="batch"/> at a time over the swap
    /// file's slots 1..Pages — one O_DIRECT <c>pwritev</c> per batch (RamFs: each page copied into the file's bytes).
    /// Overwrites slots: no page may be swapped out meanwhile (after <see cref="Dirty"/> or <see cref="Release"/>).
    /// Returns the bytes written.</summary>
    public long RawWrite(int batch, int pages = -1) => Raw(batch, pages < 0 ? Pages : pages, write: true);

    /// <summary>Raw ceiling for reads: as <see cref="RawWrite"/>, with <c>preadv</c> (RamFs: copies out of the file).</summary>
    public long RawRead(int batch, int pages = -1) => Raw(batch, pages < 0 ? Pages : pages, write: false);

    /// <summary>
    /// Raw ceiling for reads into the frames a swap-in would read into: as <see cref="RawRead"/>, but each batch into
    /// frames taken from the rig's memory in the order its free list hands them out (a swap-in's order), every page
    /// into a frame of its own, all given back at the end. <see cref="RawRead"/> reads every batch into the same 32
    /// frames, which a swap-in cannot: each page it reads stays in its frame. Needs the region swapped out or released
    /// (its frames free). Returns the bytes read.
    /// </summary>
    public long RawReadSpread(int batch, int pages = -1)
    {
        int taken = 0;
        try
        {
            return Raw(batch, pages < 0 ? Pages : pages, write: false, ref taken);
        }
        finally
        {
            for (int i = 0; i < taken; i++)
            {
                _ram.Free(_spreadFrames[i]!);
                _spreadFrames[i] = null;
            }
        }
    }

    private long Raw(int batch, int pages, bool write)
    {
        int none = -1;
        return Raw(batch, pages, write, ref none);
    }

    // With spread >= 0 (the frames taken so far) each batch goes to frames of the rig's memory, else to the 32 raw frames.
    private long Raw(int batch, int pages, bool write, ref int spread)
    {
        long total = 0;
        for (int first = 0; first < pages; first += batch)
        {
            int count = Math.Min(batch, pages - first);
            ReadOnlySpan<IoVec> segments = spread < 0 ? _rawSegments.AsSpan(0, count) : TakeFrames(count, ref spread);
            long position = SlotPosition((ulong)first + 1);
            if (_ramFile != null)
            {
                foreach (IoVec segment in segments)
                {
                    if (write)
                    {
                        _ramFile.Write(position, segment.AsSpan());
                    }
                    else
                    {
                        _ramFile.Read(position, segment.AsSpan());
                    }
                    position += Page.Size;
                    total += Page.Size;
                }
                continue;
            }
            long done = write ? _rawDevice!.Write(segments, position) : _rawDevice!.Read(segments, position);
            if (done != (long)segments.Length << Page.Shift)
            {
                throw new InvalidOperationException($"raw {(write ? "pwritev" : "preadv")} at {position}: {done}");
            }
            total += done;
        }
        return total;
    }

    // count frames from the rig's memory, in its free list's order, as the segments of one raw read.
    private ReadOnlySpan<IoVec> TakeFrames(int count, ref int taken)
    {
        for (int i = 0; i < count; i++)
        {
            Page frame = _ram.Alloc() ?? throw new InvalidOperationException("raw spread read: no free frame (is the region swapped out?)");
            _spreadFrames[taken++] = frame;
            _spreadSegments[i] = IoVec.ForPage(frame);
        }
        return _spreadSegments.AsSpan(0, count);
    }

    /// <summary>
    /// The read batches the swap core submitted to the area while <paramref name="pass"/> ran — its <c>direct_IO</c>,
    /// <c>swap_rw</c> and block-device read calls (<see cref="SwapInfo.OpCalls"/>), counted at submission, so a read
    /// queued on io_uring counts as much as a <c>preadv</c> (the host's /proc/thread-self/io sees neither an io_uring
    /// read nor one made on another thread). The pass must write nothing: a swap-out during it would count its writes.
    /// </summary>
    public long ReadSubmissions(Action pass)
    {
        ArgumentNullException.ThrowIfNull(pass);
        long pswpout = Swap.Events[VmEvent.PswpOut];
        long before = Submissions();
        pass();
        Swap.WaitForIo();
        if (Swap.Events[VmEvent.PswpOut] != pswpout)
        {
            throw new InvalidOperationException("ReadSubmissions: the pass swapped pages out, so its writes would be counted as reads.");
        }
        return Submissions() - before;

        long Submissions() => _area.OpCalls.DirectIO + _area.OpCalls.SwapRw + _area.OpCalls.BlockReads;
    }

    /// <summary>Where slot <paramref name="slot"/> lives: its byte in the swap file (SWP_FILE) or on the device (the extent's block).</summary>
    public long SlotPosition(ulong slot) => _area.PositionOf(slot);

    /// <summary>Reads the page at slot <paramref name="slot"/> straight from the file or device (not through the swap core).</summary>
    public void ReadSlot(ulong slot, Span<byte> destination)
    {
        long position = SlotPosition(slot);
        if (_ramFile != null)
        {
            _ramFile.Read(position, destination);
            return;
        }
        ReadOnlySpan<IoVec> one = _rawSegments.AsSpan(0, 1);
        if (_rawDevice!.Read(one, position) != Page.Size)
        {
            throw new InvalidOperationException($"read of slot {slot} failed");
        }
        one[0].AsSpan()[..destination.Length].CopyTo(destination);
    }

    /// <summary>Swaps off, unmounts, removes the files.</summary>
    public void Dispose()
    {
        _region?.Dispose();
        _region = null;
        Swap.SwapOff(_swapPath, Credentials.Root);
        Mm.Dispose();
        Swap.Dispose();
        _rawFrames.Dispose();
        if (Fs == SwapFs.HostFs)
        {
            _rawDevice?.Dispose();
            HostFs.Release(_hostSb!);
        }
        _blockMount?.Dispose();
        _ram.Dispose();
        if (_ownsDirectory)
        {
            Directory.Delete(_directory!, recursive: true);
        }
    }

    private static void Check(int result, string what)
    {
        if (result != 0)
        {
            throw new InvalidOperationException($"{what}: {Errnos.FromReturn(result)}");
        }
    }
}

using System.IO;
using AopsGen.Block;
using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Benchmarks.Scale;

/// <summary>
/// An SWP_FILE filesystem that stores nothing: <c>readpage</c> of page 0 returns the swap header made when the file
/// was created (kept in <see cref="Inode.Private"/>), any other page reads as zeros; <c>direct_IO</c> discards
/// writes and reads zeros. So an area of any size costs no memory or disk of its own, and what swapon allocates
/// for it is the swap core's alone.
/// </summary>
[AddressSpaceOperations("headeronlyfs_aops")]
internal static partial class HeaderOnlyFs
{
    [ReadPage]
    public static int ReadPage(OpenFile file, Page page)
    {
        if (page.FileIndex == 0)
        {
            ((byte[])file.Inode.Private!).CopyTo(page.Bytes);
        }
        else
        {
            page.Bytes.Clear();
        }
        page.Set(PageFlags.Uptodate);
        page.Unlock();
        return 0;
    }

    [DirectIO]
    public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset)
    {
        if ((rw & Rw.Write) == 0)
        {
            foreach (IoVec segment in iov)
            {
                segment.AsSpan().Clear();
            }
        }
        return IoVec.TotalLength(iov);
    }

    [SwapActivate]
    public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span)
    {
        span = sis.Pages;
        return 0;
    }
}

/// <summary>How a scale area reaches its pages.</summary>
public enum ScaleAreaKind
{
    /// <summary>SWP_FILE on <see cref="HeaderOnlyFs"/>: swap_activate, one linear extent, nothing on disk.</summary>
    SwapFile,
    /// <summary>The extent path: <c>ImageFs</c> (readpage + bmap, no swap_activate) over a sparse image in a
    /// temporary directory, every page mapped (block n + 1), so swapon walks bmap over every page.</summary>
    Extents,
}

/// <summary>
/// A machine with a swap file of <see cref="Slots"/> slots ready for swapon at <see cref="Path"/>: the namespace,
/// the file, and (for <see cref="ScaleAreaKind.Extents"/>) the sparse image with only the header written.
/// </summary>
public sealed class ScaleArea : IDisposable
{
    /// <summary>1 Mi slots: a 4 GiB swap area.</summary>
    public const int MiSlots = 1 << 20;

    private readonly string? _directory;
    private readonly BlockDevice? _device;

    /// <summary>Makes the file; <see cref="ScaleAreaKind.Extents"/> throws <see cref="IOException"/> when the
    /// temporary directory refuses O_DIRECT.</summary>
    public ScaleArea(ScaleAreaKind kind, int slots = MiSlots)
    {
        Kind = kind;
        Slots = slots;
        long size = (long)slots << Page.Shift;
        byte[] header = new byte[Page.Size];
        if (!Mkswap.Format(header, size, new MkswapOptions { Label = "scale" }).Succeeded)
        {
            throw new InvalidOperationException($"mkswap of {size} bytes");
        }
        AddressSpaceOperations aops = HeaderOnlyFs.Operations;
        var sb = new SuperBlock("headeronlyfs", Page.Size);
        if (kind == ScaleAreaKind.Extents)
        {
            aops = ImageFs.Operations;
            _directory = Directory.CreateTempSubdirectory("aopsgen-scale-").FullName;
            _device = OpenSparseImage(System.IO.Path.Combine(_directory, "disk.img"), size, header);
            sb = new SuperBlock("imagefs", Page.Size) { Device = _device };
        }
        Vfs = new MountNamespace(new Inode(sb, 1, FileType.Directory, 0x1ED, aops));
        var inode = new Inode(sb, 2, FileType.Regular, 0x180, aops) { Size = size, Blocks = size / 512, Private = header };
        int rc = Vfs.Create(Path, inode, Credentials.Root);
        if (rc != 0)
        {
            Dispose();
            throw new InvalidOperationException($"create {Path}: {Errnos.FromReturn(rc)}");
        }
    }

    public ScaleAreaKind Kind { get; }

    public int Slots { get; }

    public MountNamespace Vfs { get; }

    public string Path => "/swapfile";

    // A sparse image of the file's pages plus one (ImageFs puts page n at block n + 1): the header at block 1,
    // nothing else written.
    private BlockDevice OpenSparseImage(string image, long size, byte[] header)
    {
        using (var stream = new FileStream(image, FileMode.CreateNew))
        {
            stream.SetLength(size + 2 * Page.Size);
        }
        int rc = BlockDevice.Open(image, out BlockDevice? device);
        if (rc != 0)
        {
            Directory.Delete(_directory!, recursive: true);
            throw new IOException($"opening {image} with O_DIRECT: {Errnos.FromReturn(rc)}");
        }
        using var frames = new PageFrames(1);
        Page page = frames.Alloc()!;
        header.CopyTo(page.Bytes);
        IoVec segment = IoVec.ForPage(page);
        if (device!.Write(new ReadOnlySpan<IoVec>(in segment), Page.Size) != Page.Size)
        {
            device.Dispose();
            Directory.Delete(_directory!, recursive: true);
            throw new IOException($"writing the swap header to {image}");
        }
        frames.Free(page);
        return device;
    }

    /// <summary>Closes and removes the image, if any.</summary>
    public void Dispose()
    {
        _device?.Dispose();
        if (_directory != null && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}

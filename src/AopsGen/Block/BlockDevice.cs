using System.Diagnostics;
using System.Runtime.Versioning;
using System.Threading;

namespace AopsGen.Block;

/// <summary>
/// include/linux/blkdev.h, block/: a block device, here an image file opened with O_DIRECT — a bio is one
/// vectored <c>pwritev</c>/<c>preadv</c> at a byte position, from page-aligned frames, straight to the
/// device with no page cache between (and no managed allocation). Swap areas whose file was mapped with
/// <c>bmap</c> write their pages here at the blocks their extents name.
/// </summary>
/// <remarks>Linux only, on x64 and arm64: <see cref="Open"/> says so to the platform analyzer (CA1416) and throws
/// <see cref="PlatformNotSupportedException"/> anywhere else. A device exists only once <see cref="Open"/> has
/// succeeded, so its other members need no check of their own.</remarks>
public sealed unsafe class BlockDevice : IDisposable
{
    private const uint LoopMajor = 7;
    private static int s_nextMinor = -1;
    private int _fd;
    private object? _holder;

    private BlockDevice(string path, int fd, long size, bool isDirect)
    {
        Path = path;
        _fd = fd;
        Size = size;
        IsDirect = isDirect;
        Minor = (uint)Interlocked.Increment(ref s_nextMinor);
    }

    /// <summary>
    /// Opens the image at <paramref name="path"/> read-write as a block device. With <paramref name="direct"/>
    /// it uses O_DIRECT and, where the filesystem under the image refuses O_DIRECT (tmpfs: EINVAL), falls back
    /// to buffered I/O — <see cref="IsDirect"/> says which. Returns 0 or the open's negative errno.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The process does not run on Linux on x64 or arm64.</exception>
    [SupportedOSPlatform("linux")]
    public static int Open(string path, out BlockDevice? device, bool direct = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Libc.ThrowIfUnsupported();
        device = null;
        bool isDirect = direct;
        int fd = Libc.Open(path, Libc.ORdWr | Libc.OCloExec | (direct ? Libc.ODirect : 0), 0);
        if (fd < 0 && direct && Libc.LastError() == Errnos.Neg(Errno.EINVAL))
        {
            isDirect = false;
            fd = Libc.Open(path, Libc.ORdWr | Libc.OCloExec, 0);
        }
        if (fd < 0)
        {
            return Libc.LastError();
        }
        long size = Libc.LSeek(fd, 0, Libc.SeekEnd);
        if (size < 0)
        {
            int error = Libc.LastError();
            Libc.Close(fd);
            return error;
        }
        // Zero-length calls bind the I/O stubs now: a P/Invoke's first call allocates, the swap path must not.
        Libc.PReadV(fd, null, 0, 0);
        Libc.PWriteV(fd, null, 0, 0);
        device = new BlockDevice(path, fd, size, isDirect);
        return 0;
    }

    /// <summary>The image file.</summary>
    public string Path { get; }

    /// <summary>The device's size in bytes (the image's size when it was opened).</summary>
    public long Size { get; }

    /// <summary>Whether I/O bypasses the host's page cache (O_DIRECT).</summary>
    public bool IsDirect { get; }

    /// <summary>The major number the kernel's log lines print: 7, as for a loop device.</summary>
    public uint Major => LoopMajor;

    /// <summary>The minor number: one per device opened in this process.</summary>
    public uint Minor { get; }

    /// <summary>A bio writing <paramref name="segments"/> at byte <paramref name="position"/>: returns the bytes
    /// written (all of them) or a negative errno (-EIO past the end of the device, -ENXIO once it is closed,
    /// the host's errno otherwise). Interrupted and short transfers are continued. Never throws.</summary>
    public long Write(ReadOnlySpan<IoVec> segments, long position) => Transfer(write: true, segments, position);

    /// <summary>A bio reading into <paramref name="segments"/> from byte <paramref name="position"/>: returns the
    /// bytes read or a negative errno; reading past the end of the device is -EIO, as for a bio.</summary>
    public long Read(ReadOnlySpan<IoVec> segments, long position) => Transfer(write: false, segments, position);

    /// <summary>The holder of the exclusive claim (<c>bd_holder</c>), or null.</summary>
    public object? Holder => Volatile.Read(ref _holder);

    /// <summary><c>bd_prepare_to_claim</c> / <c>blkdev_get(FMODE_EXCL, holder)</c>: claim the device for
    /// <paramref name="holder"/> alone. Returns 0, or -EBUSY when another holder has it (a mount, a swap area).</summary>
    public int Claim(object holder)
    {
        ArgumentNullException.ThrowIfNull(holder);
        object? current = Interlocked.CompareExchange(ref _holder, holder, null);
        return current is null || ReferenceEquals(current, holder) ? 0 : Errnos.Neg(Errno.EBUSY);
    }

    /// <summary><c>blkdev_put</c> of an exclusive open: <paramref name="holder"/> lets the device go.</summary>
    public void Release(object holder) => Interlocked.CompareExchange(ref _holder, null, holder);

    /// <summary>
    /// <c>blkdev_issue_discard</c>: the device may forget <paramref name="length"/> bytes from
    /// <paramref name="position"/>; they read back as zeros. On an image file this is
    /// <c>fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE)</c>, as a loop device does it. Returns 0, -EINVAL for
    /// a range outside the device, -ENXIO once it is closed, or the host's errno (-EOPNOTSUPP where the host's
    /// filesystem cannot punch holes).
    /// </summary>
    public int Discard(long position, long length)
    {
        if (position < 0 || length < 0 || position + length > Size)
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        Debug.Assert(OperatingSystem.IsLinux(), "A device is opened only on Linux.");
        int fd = Volatile.Read(ref _fd);
        if (fd < 0)
        {
            return Errnos.Neg(Errno.ENXIO);
        }
        return length == 0 || Libc.FAllocate(fd, Libc.FallocPunchHole, position, length) == 0 ? 0 : Libc.LastError();
    }

    /// <summary>
    /// <c>init_special_inode(S_IFBLK)</c>: a block device node for this device on <paramref name="sb"/>, inode
    /// <paramref name="number"/>, for a filesystem to bind to a path (<c>mknod</c>). Its mapping reads and writes
    /// the device (<see cref="BlockDevAops"/>, <c>def_blk_aops</c>); its size is the device's.
    /// </summary>
    public Inode NewInode(SuperBlock sb, ulong number, uint permissions = 0x1B0 /* 0660 */)
        => new(sb, number, FileType.BlockDevice, permissions, BlockDevAops.Operations) { Size = Size, Bdev = this };

    /// <summary><c>blkdev_issue_flush</c>: the device's volatile cache to stable storage.</summary>
    public int Flush()
    {
        Debug.Assert(OperatingSystem.IsLinux(), "A device is opened only on Linux.");
        int fd = Volatile.Read(ref _fd);
        if (fd < 0)
        {
            return Errnos.Neg(Errno.ENXIO);
        }
        return Libc.FDataSync(fd) == 0 ? 0 : Libc.LastError();
    }

    private long Transfer(bool write, ReadOnlySpan<IoVec> segments, long position)
    {
        Debug.Assert(OperatingSystem.IsLinux(), "A device is opened only on Linux.");
        long total = IoVec.TotalLength(segments);
        if (position < 0 || segments.Length > Libc.IovMax)
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        if (position + total > Size)
        {
            return Errnos.Neg(Errno.EIO);
        }
        int fd = Volatile.Read(ref _fd);
        if (fd < 0)
        {
            // The device went away (closed): the bio fails, as for a removed disk.
            return Errnos.Neg(Errno.ENXIO);
        }
        long done = 0;
        Span<IoVec> rest = stackalloc IoVec[segments.Length];
        segments.CopyTo(rest);
        while (done < total)
        {
            nint n;
            fixed (IoVec* iov = rest)
            {
                n = write ? Libc.PWriteV(fd, iov, rest.Length, position + done) : Libc.PReadV(fd, iov, rest.Length, position + done);
            }
            if (n < 0)
            {
                int error = Libc.LastError();
                if (error == Errnos.Neg(Errno.EINTR))
                {
                    continue;
                }
                return error;
            }
            if (n == 0)
            {
                return Errnos.Neg(Errno.EIO);
            }
            done += n;
            rest = Advance(rest, n);
        }
        return done;
    }

    // Drops the first n bytes of the vector: whole segments, then the front of a partly done one.
    private static Span<IoVec> Advance(Span<IoVec> segments, nint n)
    {
        int i = 0;
        while (i < segments.Length && n >= (nint)segments[i].Length)
        {
            n -= (nint)segments[i].Length;
            i++;
        }
        segments = segments[i..];
        if (n > 0)
        {
            segments[0] = new IoVec(segments[0].Base + n, segments[0].Length - (nuint)n);
        }
        return segments;
    }

    /// <summary>Closes the image.</summary>
    public void Dispose()
    {
        Debug.Assert(OperatingSystem.IsLinux(), "A device is opened only on Linux.");
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            Libc.Close(fd);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"block device {Major}:{Minor} on {Path}{(IsDirect ? " (O_DIRECT)" : string.Empty)}";
}

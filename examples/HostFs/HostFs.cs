using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Examples;

/// <summary>What util-linux <c>swapon</c> checks in user space before it calls the kernel.</summary>
/// <param name="Warnings">Warnings it prints and goes on (insecure permissions, a file not owned by root).</param>
/// <param name="Refusal">Why it skips the file (holes), or null.</param>
public sealed record SwaponCheck(IReadOnlyList<string> Warnings, string? Refusal);

/// <summary>
/// A passthrough to the regular files of one host directory, flat as that directory is. <c>readpage</c> is
/// <c>pread</c>, <c>direct_IO</c> is <c>pwritev</c>/<c>preadv</c> on an O_DIRECT descriptor (the page frames are
/// page-aligned native memory, so they go to the device as they are, with no managed allocation), and
/// <c>swap_activate</c> asks FIEMAP whether the file is fit to swap to: holes, unwritten, unallocated, inline or
/// shared extents are refused with EINVAL. A swap file on HostFs is an SWP_FILE area. Names are single path
/// components opened with O_NOFOLLOW under the directory's descriptor: a symlink is never followed (ELOOP), so
/// nothing outside the directory can be reached.
/// </summary>
[AddressSpaceOperations("hostfs_aops")]
public static unsafe partial class HostFs
{
    /// <summary>The filesystem type name.</summary>
    public const string FsType = "hostfs";

    private static long s_nextInode = 1;

    /// <summary>One mount: the host directory, its descriptor, the files opened under it.</summary>
    private sealed class Mounted(string directory, int dirFd, string mountPoint)
    {
        public string Directory { get; } = directory;
        public int DirFd { get; } = dirFd;
        public string MountPoint { get; } = mountPoint;
        public List<HostFile> Files { get; } = new();
    }

    /// <summary>
    /// <c>mount -t hostfs</c>: the host directory <paramref name="hostDirectory"/> on the directory
    /// <paramref name="mountPoint"/> of <paramref name="vfs"/>. Returns 0, the host's error opening the directory
    /// (-ENOENT, -ENOTDIR, -EACCES) or the mount's.
    /// </summary>
    /// <exception cref="PlatformNotSupportedException">The process does not run on Linux on x64 or arm64.</exception>
    public static int Mount(MountNamespace vfs, string mountPoint, string hostDirectory, out SuperBlock? sb)
    {
        ArgumentNullException.ThrowIfNull(vfs);
        ArgumentNullException.ThrowIfNull(hostDirectory);
        HostLibc.ThrowIfUnsupported();
        sb = null;
        int dirFd = HostLibc.Open(hostDirectory, HostLibc.ORdOnly | HostLibc.ODirectory | HostLibc.OCloExec, 0);
        if (dirFd < 0)
        {
            return HostLibc.LastError();
        }
        var superBlock = new SuperBlock(FsType, Page.Size) { FsInfo = new Mounted(hostDirectory, dirFd, mountPoint.TrimEnd('/')) };
        int error = vfs.Mount(mountPoint, new Inode(superBlock, NextInode(), FileType.Directory, 0x1ED, Operations));
        if (error != 0)
        {
            HostLibc.Close(dirFd);
            return error;
        }
        sb = superBlock;
        return 0;
    }

    /// <summary>Closes every host file opened under the mount and the directory (the mount must no longer be used).</summary>
    public static void Release(SuperBlock sb)
    {
        Mounted mount = MountOf(sb);
        lock (mount.Files)
        {
            mount.Files.ForEach(file => file.Dispose());
            mount.Files.Clear();
        }
        HostLibc.Close(mount.DirFd);
    }

    /// <summary>
    /// <c>creat</c> + write: a new host file of <paramref name="size"/> bytes at <paramref name="path"/> (a name
    /// directly under the mount point), mode <paramref name="permissions"/>, every block written with zeros so that
    /// none is a hole or unwritten; registered in <paramref name="vfs"/> for <paramref name="cred"/>. Returns 0,
    /// -EEXIST (also for a symlink of that name: it is not followed), -EINVAL (not a plain name), -ENOSPC, ...
    /// </summary>
    public static int CreateFile(MountNamespace vfs, SuperBlock sb, string path, long size, Credentials cred, out Inode? inode, uint permissions = 0x180)
    {
        ArgumentNullException.ThrowIfNull(vfs);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        inode = null;
        Mounted mount = MountOf(sb);
        int error = NameOf(mount, path, out string name);
        if (error != 0)
        {
            return error;
        }
        int fd = HostLibc.OpenAt(mount.DirFd, name, HostLibc.ORdWr | HostLibc.OCreat | HostLibc.OExcl | HostLibc.ONoFollow | HostLibc.OCloExec, (int)permissions);
        if (fd < 0)
        {
            return HostLibc.LastError();
        }
        error = WriteZeros(fd, size);
        HostLibc.Close(fd);
        error = error == 0 ? Open(vfs, sb, path, cred, out inode) : error;
        if (error != 0)
        {
            HostLibc.UnlinkAt(mount.DirFd, name, 0);
        }
        return error;
    }

    /// <summary>
    /// <c>mkswap --file</c> on HostFs: <see cref="CreateFile"/> with mode 0600, then the header
    /// <see cref="AopsGen.Swap.Mkswap"/> makes for <paramref name="options"/>, synced. Returns 0, the create's error or
    /// mkswap's (-EINVAL: fewer than 10 pages; <paramref name="mkswap"/> says why).
    /// </summary>
    public static int CreateSwapFile(MountNamespace vfs, SuperBlock sb, string path, long size, MkswapOptions? options, out Inode? inode, out MkswapResult mkswap)
    {
        byte* header = stackalloc byte[Page.Size];
        var headerSpan = new Span<byte>(header, Page.Size);
        headerSpan.Clear();
        mkswap = AopsGen.Swap.Mkswap.Format(headerSpan, size, options);
        inode = null;
        if (!mkswap.Succeeded)
        {
            return mkswap.ReturnValue;
        }
        int error = CreateFile(vfs, sb, path, size, Credentials.Root, out inode);
        if (error != 0)
        {
            return error;
        }
        HostFile file = FileOf(inode!);
        if (HostLibc.PWrite(file.Fd, header, Page.Size, 0) != Page.Size || HostLibc.FDataSync(file.Fd) != 0)
        {
            return HostLibc.LastError();
        }
        return 0;
    }

    /// <summary>
    /// Opens the existing host file <paramref name="path"/> (a name directly under the mount point) and registers
    /// it in <paramref name="vfs"/> with the host's size, mode and owner. Returns 0, -ENOENT, -ELOOP (a symlink:
    /// never followed), -EINVAL (not a plain name, or not a regular file), -EEXIST (already registered), ...
    /// </summary>
    public static int Open(MountNamespace vfs, SuperBlock sb, string path, Credentials cred, out Inode? inode)
    {
        ArgumentNullException.ThrowIfNull(vfs);
        inode = null;
        Mounted mount = MountOf(sb);
        int error = NameOf(mount, path, out string name);
        if (error != 0)
        {
            return error;
        }
        int flags = HostLibc.ORdWr | HostLibc.ONoFollow | HostLibc.OCloExec;
        int fd = HostLibc.OpenAt(mount.DirFd, name, flags, 0);
        if (fd < 0)
        {
            return HostLibc.LastError();
        }
        int directFd = HostLibc.OpenAt(mount.DirFd, name, flags | HostLibc.ODirect, 0);
        if (directFd < 0)
        {
            error = HostLibc.LastError();
            HostLibc.Close(fd);
            return error;
        }
        // Zero-length calls bind the I/O stubs now: the first call of a P/Invoke allocates, the swap path must not.
        HostLibc.PRead(fd, null, 0, 0);
        HostLibc.PReadV(directFd, null, 0, 0);
        HostLibc.PWriteV(directFd, null, 0, 0);
        var file = new HostFile(Path.Join(mount.Directory, name), fd, directFd);
        error = HostLibc.Stat(fd, out uint mode, out uint uid, out long size, out long blocks);
        if (error == 0 && (mode & 0xF000) != 0x8000)
        {
            error = Errnos.Neg(Errno.EINVAL);
        }
        var created = new Inode(sb, NextInode(), FileType.Regular, mode & 0xFFF, Operations)
        {
            Size = size,
            Blocks = blocks,
            Uid = uid,
            Private = file,
        };
        error = error == 0 ? vfs.Create(path, created, cred) : error;
        if (error != 0)
        {
            file.Dispose();
            return error;
        }
        lock (mount.Files)
        {
            mount.Files.Add(file);
        }
        inode = created;
        return 0;
    }

    /// <summary>The host file behind a HostFs inode.</summary>
    public static HostFile FileOf(Inode inode) => (HostFile)(inode ?? throw new ArgumentNullException(nameof(inode))).Private!;

    /// <summary>
    /// util-linux <c>swapon</c>'s checks in user space (sys-utils/swapon.c): a file whose mode allows anything to
    /// group or others (07077) gets "PATH: insecure permissions 0644, 0600 suggested.", one not owned by root "PATH:
    /// insecure file owner 1000, 0 (root) suggested." — warnings, swapon goes on — and one with fewer blocks than
    /// its size "PATH: skipping - it appears to have holes.", which it refuses.
    /// </summary>
    public static SwaponCheck SwaponChecks(Inode inode, string path)
    {
        HostFile file = FileOf(inode);
        var warnings = new List<string>();
        if (HostLibc.Stat(file.Fd, out uint mode, out uint uid, out long size, out long blocks) != 0)
        {
            return new SwaponCheck(warnings, $"{path}: stat failed");
        }
        if ((mode & 0xE3F) != 0)
        {
            warnings.Add($"{path}: insecure permissions {Convert.ToString(mode & 0xFFF, 8).PadLeft(4, '0')}, 0600 suggested.");
        }
        if (uid != 0)
        {
            warnings.Add($"{path}: insecure file owner {uid}, 0 (root) suggested.");
        }
        return new SwaponCheck(warnings, blocks * 512 < size ? $"{path}: skipping - it appears to have holes." : null);
    }

    private static ulong NextInode() => (ulong)Interlocked.Increment(ref s_nextInode);

    private static Mounted MountOf(SuperBlock sb) =>
        (sb ?? throw new ArgumentNullException(nameof(sb))).FsInfo as Mounted ?? throw new ArgumentException("Not a HostFs mount.", nameof(sb));

    // A VFS path directly under the mount point, as the one name HostFs opens under the directory's descriptor.
    private static int NameOf(Mounted mount, string path, out string name)
    {
        name = path.StartsWith(mount.MountPoint + "/", StringComparison.Ordinal) ? path[(mount.MountPoint.Length + 1)..] : "";
        if (name.Length == 0 || name == "." || name == ".." || name.Contains('/') || name.Contains('\0') || name.Length > MountNamespace.NameMax)
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        return 0;
    }

    private static int WriteZeros(int fd, long size)
    {
        const int Chunk = 1 << 20;
        byte* zeros = (byte*)NativeMemory.AllocZeroed(Chunk);
        try
        {
            for (long done = 0; done < size;)
            {
                nint n = HostLibc.PWrite(fd, zeros, (nuint)Math.Min(Chunk, size - done), done);
                if (n <= 0)
                {
                    return n < 0 ? HostLibc.LastError() : Errnos.Neg(Errno.ENOSPC);
                }
                done += n;
            }
            return HostLibc.FDataSync(fd) == 0 ? 0 : HostLibc.LastError();
        }
        finally
        {
            NativeMemory.Free(zeros);
        }
    }

    /// <summary><c>readpage</c>: <c>pread</c> of the page at <see cref="Page.FileOffset"/> (zeros past the end of the
    /// file); uptodate and unlocked, or unlocked with the host's -errno. While the file backs swap the read goes
    /// through the O_DIRECT descriptor, as its writes (<c>direct_IO</c>) do: a swapped-in page comes from the disk,
    /// not from the host's page cache (which would also keep a second copy of every page read).</summary>
    [ReadPage]
    public static int ReadPage(OpenFile file, Page page)
    {
        HostFile host = FileOf(file.Inode);
        nint n = HostLibc.PRead(host.SwapActive ? host.DirectFd : host.Fd, page.Data, Page.Size, page.FileOffset);
        if (n < 0)
        {
            int error = HostLibc.LastError();
            page.Unlock();
            return error;
        }
        page.Bytes[(int)n..].Clear();
        page.Set(PageFlags.Uptodate);
        page.Unlock();
        return 0;
    }

    /// <summary><c>direct_IO</c>: one <c>pwritev</c> or <c>preadv</c> of the segments on the O_DIRECT descriptor
    /// (the swap core passes up to 32 page frames). Returns the bytes moved or the host's -errno.</summary>
    [DirectIO]
    public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset)
    {
        int fd = FileOf(iocb.File!.Inode).DirectFd;
        fixed (IoVec* segments = iov)
        {
            nint n = (rw & Rw.Write) != 0 ? HostLibc.PWriteV(fd, segments, iov.Length, offset) : HostLibc.PReadV(fd, segments, iov.Length, offset);
            return n < 0 ? HostLibc.LastError() : n;
        }
    }

    /// <summary>
    /// <c>swap_activate</c>: the file must be all written blocks. FIEMAP finds holes ("swapon: swapfile has holes",
    /// as the kernel's bmap path says) and extents that are unwritten, unallocated (delalloc, unknown), inline or
    /// shared ("swapon: file PATH has unwritten extents", in the style of fs/iomap/swapfile.c) — each EINVAL, logged
    /// in the swap core's log. A host filesystem without FIEMAP is judged by its block count alone.
    /// </summary>
    [SwapActivate]
    public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span)
    {
        span = 0;
        HostFile host = FileOf(file.Inode);
        string? problem = FindProblem(host, file.Inode.Size);
        if (problem != null)
        {
            sis.Log?.Print(KernelLogLevel.Error, problem);
            return Errnos.Neg(Errno.EINVAL);
        }
        span = sis.Pages;
        host.SwapActive = true;
        return 0;
    }

    /// <summary><c>swap_deactivate</c>: the file is an ordinary file again.</summary>
    [SwapDeactivate]
    public static void SwapDeactivate(OpenFile file) => FileOf(file.Inode).SwapActive = false;

    private static string? FindProblem(HostFile host, long size)
    {
        const string Holes = "swapon: swapfile has holes";
        if (HostLibc.Stat(host.Fd, out _, out _, out long hostSize, out long blocks) == 0 && blocks * 512 < Math.Min(size, hostSize))
        {
            return Holes;
        }
        if (host.Extents(out List<HostExtent> extents) != 0)
        {
            return null;
        }
        long next = 0;
        foreach (HostExtent extent in extents)
        {
            if (extent.Logical > next && next < size)
            {
                return Holes;
            }
            string? bad = (extent.Flags & (HostExtentFlags.Unknown | HostExtentFlags.Delalloc)) != 0 ? "has unallocated extents"
                : (extent.Flags & HostExtentFlags.Inline) != 0 ? "is inline"
                : (extent.Flags & HostExtentFlags.Unwritten) != 0 ? "has unwritten extents"
                : (extent.Flags & HostExtentFlags.Shared) != 0 ? "has shared extents"
                : null;
            if (bad != null && extent.Logical < size)
            {
                return $"swapon: file {host.HostPath} {bad}";
            }
            next = extent.Logical + extent.Length;
        }
        return next < size ? Holes : null;
    }
}

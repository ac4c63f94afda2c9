using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using AopsGen.Block;
using AopsGen.Fuse;
using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Examples;

/// <summary>What util-linux <c>swapon</c> checks in user space before it calls the kernel.</summary>
/// <param name="Warnings">Warnings it prints and goes on (insecure permissions, a file not owned by root).</param>
/// <param name="Refusal">Why it skips the file (holes), or null.</param>
public sealed record SwaponCheck(IReadOnlyList<string> Warnings, string? Refusal);

/// <summary>
/// A passthrough to a host directory: its files, directories and symbolic links, mountable through FUSE
/// (<c>aops mount --fs host</c>). Every HostFs inode holds a descriptor of its host object (<see cref="HostFile"/>),
/// and every name operation is an <c>*at()</c> call relative to the parent directory's descriptor
/// (<see cref="HostFsInodes"/>): a name is one path component, opened with O_NOFOLLOW, so a symbolic link is never
/// followed and nothing outside the directory can be reached; the host's errno comes back as it is.
/// <c>readpage</c> is <c>pread</c> and <c>readpages</c> one <c>preadv</c> per contiguous run; a buffered write is
/// <c>write_begin</c> (a staging frame of the mount) and <c>write_end</c> (a <c>pwrite</c> of the copied bytes: the
/// host has them when the write returns); <c>writepages</c> with WB_SYNC_ALL (fsync) is <c>fdatasync</c>;
/// <c>direct_IO</c> is <c>pwritev</c>/<c>preadv</c> on an O_DIRECT descriptor (the page frames are page-aligned
/// native memory, so they go to the device as they are, with no managed allocation), and <c>swap_activate</c> asks
/// FIEMAP whether the file is fit to swap to: holes, unwritten, unallocated, inline or shared extents are refused with
/// EINVAL. A swap file on HostFs is an SWP_FILE area.
/// </summary>
[AddressSpaceOperations("hostfs_aops")]
public static unsafe partial class HostFs
{
    /// <summary>The filesystem type name.</summary>
    public const string FsType = "hostfs";

    /// <summary>Frames each mount keeps for <c>write_begin</c>: a page is staged there and written through by <c>write_end</c>.</summary>
    public const int StagingFrames = 16;

    /// <summary>One mount: the host directory, its descriptor, the inodes open under it (by host device and inode
    /// number, so that every name of a host file is one inode) and the staging frames of buffered writes.</summary>
    internal sealed class Mounted(string directory, int dirFd, string mountPoint)
    {
        public string Directory { get; } = directory;
        public int DirFd { get; } = dirFd;
        public string MountPoint { get; } = mountPoint;
        public Dictionary<(ulong Dev, ulong Ino), Inode> Inodes { get; } = new();
        public PageFrames Staging { get; } = new(StagingFrames);
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
        var superBlock = new SuperBlock(FsType, Page.Size)
        {
            FsInfo = new Mounted(hostDirectory, dirFd, mountPoint.TrimEnd('/')),
            DentryOperations = HostFsDentries.Instance,
        };
        int error = Intern(superBlock, new HostFile(hostDirectory, dirFd, -1), out Inode? root);
        error = error == 0 ? vfs.Mount(mountPoint, root!) : error;
        if (error != 0)
        {
            Release(superBlock);
            return error;
        }
        sb = superBlock;
        return 0;
    }

    /// <summary>Closes every host descriptor the mount holds, the directory's too, and frees its staging frames (the
    /// mount must no longer be used).</summary>
    public static void Release(SuperBlock sb)
    {
        Mounted mount = MountOf(sb);
        lock (mount.Inodes)
        {
            foreach (Inode inode in mount.Inodes.Values)
            {
                FileOf(inode).Dispose();
            }
            mount.Inodes.Clear();
        }
        mount.Staging.Dispose();
    }

    /// <summary>
    /// <c>statfs</c> of the mount: the host directory's filesystem (<c>fstatvfs</c> of its descriptor) — its block
    /// size, blocks, blocks free to users, inodes and free inodes — as <c>df</c> through the mount shows them.
    /// Returns 0 or the host's -errno.
    /// </summary>
    public static int StatFs(SuperBlock sb, out FsStatistics stats)
    {
        stats = default;
        // struct statvfs (LP64): f_bsize, f_frsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree, f_favail, f_fsid,
        // f_flag, f_namemax, then spare: 112 bytes.
        ulong* buffer = stackalloc ulong[14];
        if (HostLibc.FStatVfs(MountOf(sb).DirFd, buffer) != 0)
        {
            return HostLibc.LastError();
        }
        ulong unit = buffer[1] != 0 ? buffer[1] : buffer[0];
        stats = new FsStatistics((long)unit, buffer[2], buffer[4], buffer[5], buffer[6]);
        return 0;
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
        error = Intern(sb, new HostFile(Path.Join(mount.Directory, name), fd, directFd), out Inode? created, out bool made);
        if (error == 0 && created!.Type != FileType.Regular)
        {
            error = Errnos.Neg(Errno.EINVAL);
        }
        error = error == 0 ? vfs.Create(path, created!, cred) : error;
        if (error != 0)
        {
            if (made)
            {
                Forget(created!);
            }
            return error;
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

    /// <summary>
    /// <c>iget</c>: the inode of the host object <paramref name="file"/> holds (the descriptor's <c>statx</c> names
    /// it): the one already made for another name of it, the descriptors of <paramref name="file"/> then closed, or a
    /// new one with the host's type, mode, owner, size, link count and times. Returns 0 or the host's -errno (the
    /// descriptors closed).
    /// </summary>
    internal static int Intern(SuperBlock sb, HostFile file, out Inode? inode) => Intern(sb, file, out inode, out _);

    private static int Intern(SuperBlock sb, HostFile file, out Inode? inode, out bool made)
    {
        inode = null;
        made = false;
        int error = HostLibc.StatAt(file.Fd, string.Empty, HostLibc.AtEmptyPath, out HostStat st);
        if (error != 0)
        {
            file.Dispose();
            return error;
        }
        Mounted mount = MountOf(sb);
        lock (mount.Inodes)
        {
            if (mount.Inodes.TryGetValue((st.Dev, st.Ino), out inode))
            {
                file.Dispose();
            }
            else
            {
                inode = new Inode(sb, st.Ino, (FileType)(st.Mode & 0xF000), st.Mode & 0xFFF, Operations) { Private = file, Operations = HostFsInodes.Instance };
                file.Key = (st.Dev, st.Ino);
                mount.Inodes.Add(file.Key, inode);
                made = true;
            }
        }
        Apply(inode, st);
        return 0;
    }

    /// <summary>The inode already made for the host object <paramref name="st"/> describes (another name of it, or
    /// the same name looked up again), with the host's attributes; false when there is none.</summary>
    internal static bool Known(SuperBlock sb, in HostStat st, out Inode? inode)
    {
        Mounted mount = MountOf(sb);
        lock (mount.Inodes)
        {
            if (!mount.Inodes.TryGetValue((st.Dev, st.Ino), out inode))
            {
                return false;
            }
        }
        Apply(inode, st);
        return true;
    }

    /// <summary><c>evict_inode</c>: the inode leaves the mount's table and its descriptors are closed.</summary>
    internal static void Forget(Inode inode)
    {
        HostFile file = FileOf(inode);
        Mounted mount = MountOf(inode.SuperBlock);
        lock (mount.Inodes)
        {
            if (mount.Inodes.TryGetValue(file.Key, out Inode? known) && ReferenceEquals(known, inode))
            {
                mount.Inodes.Remove(file.Key);
            }
        }
        file.Dispose();
    }

    /// <summary>The host's attributes onto the inode (<c>generic_fillattr</c>'s source).</summary>
    internal static void Apply(Inode inode, in HostStat st)
    {
        inode.Permissions = st.Mode & 0xFFF;
        inode.Uid = st.Uid;
        inode.Gid = st.Gid;
        inode.Size = st.Size;
        inode.Blocks = st.Blocks;
        inode.Links = st.Links;
        inode.AccessTime = st.AccessTime;
        inode.ModifyTime = st.ModifyTime;
        inode.ChangeTime = st.ChangeTime;
    }

    internal static Mounted MountOf(SuperBlock sb) =>
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

    /// <summary><c>readpages</c>: each page goes into the cache locked (one already cached is left to its reader),
    /// then one <c>preadv</c> reads each contiguous run of them; bytes past the end of the file read as zeros. A page
    /// whose read failed is unlocked with PG_error and not uptodate: the reader's <c>readpage</c> then says why.</summary>
    [ReadPages]
    public static int ReadPages(OpenFile file, AddressSpace mapping, ReadOnlySpan<Page> pages)
    {
        const int MaxRun = 32;
        int fd = FileOf(file.Inode).Fd;
        Span<int> run = stackalloc int[MaxRun];
        IoVec* iov = stackalloc IoVec[MaxRun];
        int count = 0;
        for (int i = 0; i <= pages.Length; i++)
        {
            bool joins = i < pages.Length && count > 0 && count < MaxRun && pages[i].Index == pages[run[count - 1]].Index + 1;
            if (count > 0 && !joins)
            {
                ReadRun(fd, pages, run[..count], iov);
                count = 0;
            }
            if (i == pages.Length)
            {
                break;
            }
            Page page = pages[i];
            if (!page.TryLock())
            {
                continue;
            }
            if (mapping.AddPage(page, page.Index) != 0)
            {
                page.Unlock();
                continue;
            }
            iov[count] = IoVec.ForPage(page);
            run[count++] = i;
        }
        return 0;
    }

    // One preadv for pages[run[0]], pages[run[1]], … (consecutive indexes, locked, in the cache).
    private static void ReadRun(int fd, ReadOnlySpan<Page> pages, ReadOnlySpan<int> run, IoVec* iov)
    {
        nint n = HostLibc.PReadV(fd, iov, run.Length, pages[run[0]].FileOffset);
        for (int k = 0; k < run.Length; k++)
        {
            Page page = pages[run[k]];
            if (n < 0)
            {
                page.Set(PageFlags.Error);
            }
            else
            {
                long filled = Math.Clamp(n - (long)k * Page.Size, 0, Page.Size);
                page.Bytes[(int)filled..].Clear();
                page.Clear(PageFlags.Error);
                page.Set(PageFlags.Uptodate);
            }
            page.Unlock();
        }
    }

    /// <summary><c>write_begin</c>: a locked page for the write, staged in one of the mount's frames (never in the
    /// page cache); -ENOMEM when all <see cref="StagingFrames"/> are busy. Nothing is read: <c>write_end</c> writes
    /// only the bytes copied in.</summary>
    [WriteBegin]
    public static int WriteBegin(OpenFile file, AddressSpace mapping, long pos, uint len, uint flags, out Page? page, out object? fsData)
    {
        fsData = null;
        PageFrames staging = MountOf(file.Inode.SuperBlock).Staging;
        lock (staging)
        {
            page = staging.Alloc();
        }
        if (page == null)
        {
            return Errnos.Neg(Errno.ENOMEM);
        }
        page.Index = (ulong)(pos >> Page.Shift);
        page.Lock();
        return 0;
    }

    /// <summary><c>write_end</c>: <c>pwrite</c> the <paramref name="copied"/> bytes to the host file (it grows there),
    /// unlock and free the staging frame. Returns the bytes the host took, or its -errno (-ENOSPC, -EFBIG, -EBADF for
    /// a file the host let the daemon open only for reading).</summary>
    [WriteEnd]
    public static int WriteEnd(OpenFile file, AddressSpace mapping, long pos, uint len, uint copied, Page page, object? fsData)
    {
        int fd = FileOf(file.Inode).Fd;
        int offset = (int)(pos & (Page.Size - 1));
        int done = 0;
        int error = 0;
        while (done < copied)
        {
            nint n = HostLibc.PWrite(fd, page.Data + offset + done, copied - (uint)done, pos + done);
            if (n <= 0)
            {
                error = n < 0 ? HostLibc.LastError() : Errnos.Neg(Errno.ENOSPC);
                break;
            }
            done += (int)n;
        }
        page.Unlock();
        PageFrames staging = MountOf(file.Inode.SuperBlock).Staging;
        lock (staging)
        {
            staging.Free(page);
        }
        return done > 0 || error == 0 ? done : error;
    }

    /// <summary><c>set_page_dirty</c>: <c>__set_page_dirty_nobuffers</c>; <c>writepage</c> writes such a page.</summary>
    [SetPageDirty]
    public static bool SetPageDirty(Page page) => !page.TestAndSet(PageFlags.Dirty);

    /// <summary><c>writepage</c>: <c>pwrite</c> a dirty page-cache page (its part below <c>i_size</c>) to the host
    /// file; a failure leaves it dirty with PG_error.</summary>
    [WritePage]
    public static int WritePage(Page page, WritebackControl wbc)
    {
        Inode inode = page.Mapping!.Host!;
        page.SetWriteback();
        page.Unlock();
        long length = Math.Clamp(inode.Size - page.FileOffset, 0, Page.Size);
        nint n = length == 0 ? 0 : HostLibc.PWrite(FileOf(inode).Fd, page.Data, (nuint)length, page.FileOffset);
        int error = n == length ? 0 : n < 0 ? HostLibc.LastError() : Errnos.Neg(Errno.EIO);
        if (error != 0)
        {
            page.Set(PageFlags.Dirty | PageFlags.Error);
        }
        page.EndWriteback();
        return error;
    }

    /// <summary><c>writepages</c>: the dirty pages through <see cref="WritePage"/> (the generic walk); for a
    /// data-integrity sync (WB_SYNC_ALL: fsync, close) then <c>fdatasync</c>, so what the host has is on its disk.</summary>
    [WritePages]
    public static int WritePages(AddressSpace mapping, WritebackControl wbc)
    {
        int error = AopsCalls.NullWritePages(Operations, mapping, wbc);
        if (error == 0 && wbc.SyncMode == WritebackSyncMode.All && mapping.Host is { Type: FileType.Regular } inode
            && HostLibc.FDataSync(FileOf(inode).Fd) != 0)
        {
            error = HostLibc.LastError();
        }
        return error;
    }

    /// <summary><c>direct_IO</c>: one <c>pwritev</c> or <c>preadv</c> of the segments on the O_DIRECT descriptor
    /// (the swap core passes up to 32 page frames). Returns the bytes moved or the host's -errno — or, given a kiocb
    /// with <c>ki_complete</c> (the swap core's at a queue depth above 1), queues the transfer on io_uring and returns
    /// -EIOCBQUEUED: <c>ki_complete</c> gets the same result later, from the ring's completion thread (as
    /// <c>blkdev_direct_IO</c> completes an async kiocb).</summary>
    [DirectIO]
    public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset)
    {
        int fd = FileOf(iocb.File!.Inode).DirectFd;
        if (!SectorAligned(iov))
        {
            return Bounced(fd, (rw & Rw.Write) != 0, iov, offset);
        }
        if (!iocb.IsSync && IoUring.Shared is { } ring)
        {
            long queued = ring.Submit(fd, (rw & Rw.Write) != 0, iov, offset, iocb);
            if (queued != Errnos.Neg(Errno.EAGAIN))
            {
                return queued;
            }
        }
        fixed (IoVec* segments = iov)
        {
            nint n = (rw & Rw.Write) != 0 ? HostLibc.PWriteV(fd, segments, iov.Length, offset) : HostLibc.PReadV(fd, segments, iov.Length, offset);
            return n < 0 ? HostLibc.LastError() : n;
        }
    }

    [ThreadStatic]
    private static byte* t_bounce;

    [ThreadStatic]
    private static int t_bounceSize;

    // O_DIRECT wants memory aligned to the device's logical block; the swap core's frames are pages, but a buffer
    // that FUSE handed over (the data follows the request's header) is not.
    private static bool SectorAligned(ReadOnlySpan<IoVec> iov)
    {
        foreach (IoVec segment in iov)
        {
            if ((((nuint)segment.Base | segment.Length) & 511) != 0)
            {
                return false;
            }
        }
        return true;
    }

    // direct_IO of segments O_DIRECT would refuse: one pwrite/pread through a page-aligned buffer of this thread (the
    // file offset and total length still go to the host as they are: a misaligned one is its EINVAL).
    private static long Bounced(int fd, bool write, ReadOnlySpan<IoVec> iov, long offset)
    {
        long total = IoVec.TotalLength(iov);
        if (total > int.MaxValue)
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        if (t_bounceSize < total)
        {
            NativeMemory.AlignedFree(t_bounce);
            t_bounceSize = (int)Math.Max(total, 1 << 20);
            t_bounce = (byte*)NativeMemory.AlignedAlloc((nuint)t_bounceSize, Page.Size);
        }
        var bounce = new Span<byte>(t_bounce, (int)total);
        if (write)
        {
            int at = 0;
            foreach (IoVec segment in iov)
            {
                segment.AsSpan().CopyTo(bounce[at..]);
                at += (int)segment.Length;
            }
            nint written = HostLibc.PWrite(fd, t_bounce, (nuint)total, offset);
            return written < 0 ? HostLibc.LastError() : written;
        }
        nint n = HostLibc.PRead(fd, t_bounce, (nuint)total, offset);
        if (n < 0)
        {
            return HostLibc.LastError();
        }
        int copied = 0;
        foreach (IoVec segment in iov)
        {
            int chunk = (int)Math.Min((long)segment.Length, n - copied);
            bounce.Slice(copied, chunk).CopyTo(segment.AsSpan());
            copied += chunk;
        }
        return n;
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

using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Examples;

/// <summary>A file of NfsFs (in <c>Inode.Private</c>): its connection and whether it backs swap.</summary>
public sealed class NfsFile
{
    internal NfsFile(NfsConnection connection) => Connection = connection;

    /// <summary>The file's connection to the server.</summary>
    public NfsConnection Connection { get; }

    /// <summary>Between swap_activate and swap_deactivate: the connection is pinned (<c>xs_swapper</c>) — kept open
    /// and never given up on; released only after swapoff.</summary>
    public bool SwapActive { get; internal set; }

    /// <summary>direct_IO and swap_rw WRITEs sent (FILE_SYNC, one per batch; for tests and benchmarks).</summary>
    public long Writes;
}

/// <summary>
/// Files on an NFSv3 server, through libnfs: <c>nfs_file_aops</c> as a swap device, the 6.x way (5.19+). <c>readpage</c>
/// is a READ; <c>swap_activate</c> refuses a sparse file ("swap activate: swapfile has holes", EINVAL, as
/// <c>nfs_swap_activate</c>), pins the connection, adds one extent over the file and sets SWP_FS_OPS, so every batch
/// of swap pages, read or write, is one <c>swap_rw</c>: a write is one FILE_SYNC WRITE (6.x swap-out is always
/// stable), a read one READ — completed at once for a synchronous kiocb, or later through <c>ki_complete</c> from the
/// connection's service thread for the swap core's asynchronous ones, several batches in flight. <c>direct_IO</c>
/// does the same for O_DIRECT users; writes from users to an active swap file are refused (ETXTBSY, "NFS: attempt to
/// write to active swap file!"). Each file has its own connection and service thread; a dead server fails a call
/// within <see cref="NfsConnection.TimeoutMs"/> and the swap core keeps the pages dirty in memory to write again.
/// </summary>
[AddressSpaceOperations("nfs_file_aops")]
public static unsafe partial class NfsFs
{
    /// <summary>The filesystem type name.</summary>
    public const string FsType = "nfs";

    /// <summary>The placeholder for a file name in an export URL, as <c>nfs-server.sh start</c> prints it.</summary>
    public const string FilePlaceholder = "<file>";

    /// <summary>Requests a swap file's connection holds ready from swapon on (fs/nfs/write.c MIN_POOL_WRITE): the swap
    /// path allocates nothing per page from the first batch.</summary>
    public const int SwapRequests = 32;

    private static long s_nextInode = 1;

    private sealed class Mounted(string exportUrl, string mountPoint)
    {
        public string ExportUrl { get; } = exportUrl;
        public string MountPoint { get; } = mountPoint;
        public List<NfsFile> Files { get; } = new();
    }

    /// <summary>
    /// <c>mount -t nfs</c>: the export <paramref name="exportUrl"/> (<c>nfs://127.0.0.1/export/&lt;file&gt;?version=3&amp;…</c>,
    /// <c>&lt;file&gt;</c> standing for a file's name) on <paramref name="mountPoint"/>. Returns 0, -EINVAL (not such
    /// a URL) or the mount's error. Files connect when created or opened.
    /// </summary>
    public static int Mount(MountNamespace vfs, string mountPoint, string exportUrl, out SuperBlock? sb)
    {
        ArgumentNullException.ThrowIfNull(vfs);
        sb = null;
        if (exportUrl is null || !exportUrl.StartsWith("nfs://", StringComparison.Ordinal) || !exportUrl.Contains(FilePlaceholder, StringComparison.Ordinal))
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        var superBlock = new SuperBlock(FsType, Page.Size) { FsInfo = new Mounted(exportUrl, mountPoint.TrimEnd('/')) };
        int error = vfs.Mount(mountPoint, new Inode(superBlock, NextInode(), FileType.Directory, 0x1ED, Operations));
        sb = error == 0 ? superBlock : null;
        return error;
    }

    /// <summary>The URL of the file <paramref name="name"/> in the export <paramref name="exportUrl"/>.</summary>
    public static string FileUrl(string exportUrl, string name) => exportUrl.Replace(FilePlaceholder, name, StringComparison.Ordinal);

    /// <summary>Closes every file's connection. Returns 0, or -EBUSY — closing nothing — while a file backs swap:
    /// its connection is pinned until swapoff.</summary>
    public static int Release(SuperBlock sb)
    {
        Mounted mount = MountOf(sb);
        lock (mount.Files)
        {
            if (mount.Files.Exists(file => file.SwapActive))
            {
                return Errnos.Neg(Errno.EBUSY);
            }
            mount.Files.ForEach(file => file.Connection.Dispose());
            mount.Files.Clear();
            return 0;
        }
    }

    /// <summary>
    /// <c>mkswap</c> onto the server, with the manners of <see cref="AopsGen.Swap.Mkswap.Format(string, MkswapOptions?)"/>:
    /// a missing file at <paramref name="fileUrl"/> is created (mode 0600) when <paramref name="size"/> is given, every
    /// block written (no holes: a sparse file on the server could fail a swap-out with ENOSPC), and removed again if a
    /// later step fails. An existing file is never truncated and its data is left alone; a size larger than it is refused
    /// ("size … is larger than device size …", EINVAL) unless <see cref="MkswapOptions.Force"/>, which grows it with
    /// written blocks. A size mkswap refuses for any file is refused before the server is reached. Then the header page <see cref="AopsGen.Swap.Mkswap"/> makes, committed. Returns 0 or -errno;
    /// <paramref name="mkswap"/> has the header and mkswap's messages, <paramref name="error"/> the server's.
    /// </summary>
    public static int Mkswap(string fileUrl, long? size, MkswapOptions? options, out MkswapResult? mkswap, out string? error)
    {
        mkswap = null;
        error = null;
        options ??= new MkswapOptions();
        byte* header = stackalloc byte[Page.Size];
        var headerSpan = new Span<byte>(header, Page.Size);
        if (size != null && AopsGen.Swap.Mkswap.Format(headerSpan, size.Value, options) is { Succeeded: false } refused)
        {
            // A size mkswap refuses whatever the file (too small, negative, a label too long) never reaches the server.
            mkswap = refused;
            return refused.ReturnValue;
        }
        bool created = false;
        int rc = NfsConnection.Open(fileUrl, create: false, out NfsConnection? connection, out error);
        if (rc == Errnos.Neg(Errno.ENOENT) && size != null)
        {
            created = true;
            rc = NfsConnection.Open(fileUrl, create: true, out connection, out error);
        }
        if (rc != 0)
        {
            return rc;
        }
        using (connection)
        {
            rc = connection!.Stat(out long length, out _);
            if (rc == 0)
            {
                // The device is the file as it is; Force lets the area be larger (the file grows to it, written).
                long device = created || (options.Force && size > length) ? size!.Value : length;
                headerSpan.Clear();
                mkswap = AopsGen.Swap.Mkswap.Format(headerSpan, device, options);
                rc = mkswap.Succeeded ? WriteZeros(connection, created ? 0 : length, device) : mkswap.ReturnValue;
                if (rc == 0 && connection.Write(0, header, Page.Size) != Page.Size)
                {
                    rc = Errnos.Neg(Errno.EIO);
                }
                rc = rc != 0 ? rc : connection.Commit();
            }
            error = rc == 0 || mkswap is { Succeeded: false } ? null : connection.LastError;
        }
        if (rc != 0 && created)
        {
            // Nothing of a failed run stays behind on the server: the file was made a moment ago by this run.
            NfsConnection.Remove(fileUrl);
        }
        return rc;
    }

    /// <summary>
    /// The file <paramref name="path"/> (a name directly under the mount point) on the server, opened and registered
    /// in <paramref name="vfs"/> with the server's size and allocation. Returns 0, -ENOENT, -EINVAL (not a plain
    /// name), the server's error (-EIO when it does not answer), or the VFS's.
    /// </summary>
    public static int Open(MountNamespace vfs, SuperBlock sb, string path, Credentials cred, out Inode? inode)
    {
        ArgumentNullException.ThrowIfNull(vfs);
        inode = null;
        Mounted mount = MountOf(sb);
        string name = path.StartsWith(mount.MountPoint + "/", StringComparison.Ordinal) ? path[(mount.MountPoint.Length + 1)..] : "";
        if (name.Length == 0 || name.Contains('/') || name is "." or ".." || name.Contains('?') || name.Contains('&'))
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        int rc = NfsConnection.Open(FileUrl(mount.ExportUrl, name), create: false, out NfsConnection? connection, out _);
        if (rc != 0)
        {
            return rc;
        }
        rc = connection!.Stat(out long size, out long used);
        if (rc != 0)
        {
            connection.Dispose();
            return rc;
        }
        var file = new NfsFile(connection);
        var created = new Inode(sb, NextInode(), FileType.Regular, 0x180, Operations) { Size = size, Blocks = used / 512, Private = file };
        rc = vfs.Create(path, created, cred);
        if (rc != 0)
        {
            connection.Dispose();
            return rc;
        }
        lock (mount.Files)
        {
            mount.Files.Add(file);
        }
        inode = created;
        return 0;
    }

    /// <summary>The NfsFs file behind an inode.</summary>
    public static NfsFile FileOf(Inode inode) => (NfsFile)(inode ?? throw new ArgumentNullException(nameof(inode))).Private!;

    /// <summary>
    /// fs/nfs/file.c <c>nfs_file_write</c>: a user's write, refused on an active swap file (ETXTBSY, with the kernel's
    /// KERN_INFO line in <paramref name="log"/>), else WRITEs and a COMMIT. Returns the bytes written or -errno.
    /// </summary>
    public static long Write(OpenFile file, long position, ReadOnlySpan<byte> data, KernelLog? log = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Inode.IsSwapFile)
        {
            log?.Print(KernelLogLevel.Info, "NFS: attempt to write to active swap file!");
            return Errnos.Neg(Errno.ETXTBSY);
        }
        NfsConnection connection = FileOf(file.Inode).Connection;
        fixed (byte* bytes = data)
        {
            long n = connection.Write(position, bytes, data.Length);
            int rc = n < 0 ? (int)n : connection.Commit();
            if (rc == 0 && position + n > file.Inode.Size)
            {
                file.Inode.Size = position + n;
            }
            return rc < 0 ? rc : n;
        }
    }

    /// <summary><c>nfs_readpage</c>: a READ of the page at <see cref="Page.FileOffset"/> (zeros past the end of the
    /// file); uptodate and unlocked, or unlocked with -errno.</summary>
    [ReadPage]
    public static int ReadPage(OpenFile file, Page page)
    {
        long n = FileOf(file.Inode).Connection.Read(page.FileOffset, page.Data, Page.Size);
        if (n < 0)
        {
            page.Unlock();
            return (int)n;
        }
        page.Bytes[(int)n..].Clear();
        page.Set(PageFlags.Uptodate);
        page.Unlock();
        return 0;
    }

    /// <summary>
    /// <c>nfs_direct_IO</c> / fs/nfs/direct.c: a write is one FILE_SYNC WRITE of the segments' bytes (as 6.x's swap
    /// writes are always stable: "NFS: swap-out must always use STABLE writes"), so it is complete only when the bytes
    /// are on the server's disk; a read is one READ into the segments. Returns the bytes moved (less on a short
    /// transfer) or -errno — or, for an asynchronous kiocb (the swap core's at a queue depth above 1), -EIOCBQUEUED:
    /// the calls go out from the connection's service thread and <c>ki_complete</c> gets the same result from it
    /// (<c>nfs_direct_complete</c>).
    /// </summary>
    [DirectIO]
    public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset)
    {
        NfsFile file = FileOf(iocb.File!.Inode);
        if ((rw & Rw.Write) == 0)
        {
            return file.Connection.ReadV(offset, iov, iocb);
        }
        Interlocked.Increment(ref file.Writes);
        return file.Connection.WriteV(offset, iov, stable: true, iocb);
    }

    /// <summary><c>nfs_swap_activate</c> (6.x): a file with fewer bytes allocated than its size has holes and is refused;
    /// otherwise the connection is pinned for swap (<c>xs_swapper</c>) with <see cref="SwapRequests"/> requests ready,
    /// one extent covers the file (<c>add_swap_extent(sis, 0, sis-&gt;max, 0)</c>) and the area is SWP_FS_OPS.
    /// Returns the extents added.</summary>
    [SwapActivate]
    public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span)
    {
        span = 0;
        NfsFile nfs = FileOf(file.Inode);
        int rc = nfs.Connection.Stat(out long size, out long used);
        if (rc != 0)
        {
            return rc;
        }
        if (used < size)
        {
            sis.Log?.Print(KernelLogLevel.Error, "swap activate: swapfile has holes");
            return Errnos.Neg(Errno.EINVAL);
        }
        int extents = sis.AddSwapExtent(0, sis.Max, 0);
        span = sis.Pages;
        nfs.Connection.Reserve(SwapRequests);
        nfs.SwapActive = true;
        sis.Flags |= SwapFlags.FsOps;
        return extents;
    }

    /// <summary><c>nfs_swap_rw</c> (5.19+): a batch of swap pages as one direct transfer of the file at the kiocb's
    /// position — a FILE_SYNC WRITE or a READ (<see cref="DirectIO"/>). Returns the bytes moved, -errno, or
    /// -EIOCBQUEUED for an asynchronous kiocb.</summary>
    [SwapRw]
    public static int SwapRw(Kiocb iocb, IovIter iter)
        => (int)DirectIO(iter.Direction | Rw.Kernel, iocb, iter.Segments, iocb.Position);

    /// <summary><c>nfs_swap_deactivate</c>: the connection is unpinned.</summary>
    [SwapDeactivate]
    public static void SwapDeactivate(OpenFile file) => FileOf(file.Inode).SwapActive = false;

    /// <summary><c>__set_page_dirty_nobuffers</c>.</summary>
    [SetPageDirty]
    public static bool SetPageDirty(Page page) => !page.TestAndSet(PageFlags.Dirty);

    private static ulong NextInode() => (ulong)Interlocked.Increment(ref s_nextInode);

    private static Mounted MountOf(SuperBlock sb) =>
        (sb ?? throw new ArgumentNullException(nameof(sb))).FsInfo as Mounted ?? throw new ArgumentException("Not an NfsFs mount.", nameof(sb));

    // Zeros written over [from, to): the blocks of a new or grown swap file, allocated on the server.
    private static int WriteZeros(NfsConnection connection, long from, long to)
    {
        const int Chunk = 128 << 10;
        byte* zeros = (byte*)NativeMemory.AllocZeroed(Chunk);
        try
        {
            for (long done = from; done < to;)
            {
                long n = connection.Write(done, zeros, (int)Math.Min(Chunk, to - done));
                if (n <= 0)
                {
                    return n < 0 ? (int)n : Errnos.Neg(Errno.EIO);
                }
                done += n;
            }
            return 0;
        }
        finally
        {
            NativeMemory.Free(zeros);
        }
    }
}

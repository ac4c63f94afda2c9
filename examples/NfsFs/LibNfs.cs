using System.Runtime.InteropServices;

namespace AopsGen.Examples;

/// <summary>
/// libnfs 4.0 (<c>libnfs.so.13</c>, Debian's libnfs13) through <c>LibraryImport</c>: its synchronous calls, and the
/// asynchronous ones <see cref="NfsConnection"/>'s service thread uses for reads, writes and COMMITs (a callback per
/// call, run from <see cref="Service"/>). A context is one connection to one server, not thread-safe. Calls return 0
/// or a byte count, or a negative errno. Signatures from <c>nfsc/libnfs.h</c> of 4.0 (6.x swapped pread/pwrite's
/// count and buffer, and gave <c>nfs_pread_async</c> a buffer).
/// </summary>
internal static unsafe partial class LibNfs
{
    private const string Library = "libnfs.so.13";

    public const int ORdWr = 0x2;
    public const int OCreat = 0x40;
    public const int OTrunc = 0x200;

    /// <summary>Linux's O_SYNC (<c>__O_SYNC | O_DSYNC</c>): libnfs sends a file opened with it FILE_SYNC WRITEs.</summary>
    public const int OSync = 0x101000;

    public const short PollIn = 0x1;

    [LibraryImport(Library, EntryPoint = "nfs_init_context")]
    public static partial nint InitContext();

    [LibraryImport(Library, EntryPoint = "nfs_destroy_context")]
    public static partial void DestroyContext(nint nfs);

    [LibraryImport(Library, EntryPoint = "nfs_get_error")]
    public static partial byte* GetError(nint nfs);

    [LibraryImport(Library, EntryPoint = "nfs_set_timeout")]
    public static partial void SetTimeout(nint nfs, int milliseconds);

    [LibraryImport(Library, EntryPoint = "nfs_set_autoreconnect")]
    public static partial void SetAutoreconnect(nint nfs, int retries);

    [LibraryImport(Library, EntryPoint = "nfs_parse_url_full", StringMarshalling = StringMarshalling.Utf8)]
    public static partial NfsUrl* ParseUrlFull(nint nfs, string url);

    [LibraryImport(Library, EntryPoint = "nfs_destroy_url")]
    public static partial void DestroyUrl(NfsUrl* url);

    [LibraryImport(Library, EntryPoint = "nfs_mount")]
    public static partial int Mount(nint nfs, byte* server, byte* export);

    [LibraryImport(Library, EntryPoint = "nfs_open")]
    public static partial int Open(nint nfs, byte* path, int flags, nint* fh);

    [LibraryImport(Library, EntryPoint = "nfs_creat")]
    public static partial int Creat(nint nfs, byte* path, int mode, nint* fh);

    [LibraryImport(Library, EntryPoint = "nfs_close")]
    public static partial int Close(nint nfs, nint fh);

    [LibraryImport(Library, EntryPoint = "nfs_pread")]
    public static partial int PRead(nint nfs, nint fh, ulong offset, ulong count, void* buffer);

    [LibraryImport(Library, EntryPoint = "nfs_pwrite")]
    public static partial int PWrite(nint nfs, nint fh, ulong offset, ulong count, void* buffer);

    [LibraryImport(Library, EntryPoint = "nfs_fsync")]
    public static partial int Fsync(nint nfs, nint fh);

    [LibraryImport(Library, EntryPoint = "nfs_ftruncate")]
    public static partial int Ftruncate(nint nfs, nint fh, ulong length);

    [LibraryImport(Library, EntryPoint = "nfs_fstat64")]
    public static partial int Fstat64(nint nfs, nint fh, NfsStat64* stat);

    /// <summary>The callback of an asynchronous call (<c>nfs_cb</c>): its status (bytes or 0, or -errno), the
    /// context, the call's data (a READ's bytes, valid only during the call), the caller's private data.</summary>
    [LibraryImport(Library, EntryPoint = "nfs_pwrite_async")]
    public static partial int PWriteAsync(nint nfs, nint fh, ulong offset, ulong count, void* buffer,
        delegate* unmanaged<int, nint, void*, void*, void> callback, void* privateData);

    [LibraryImport(Library, EntryPoint = "nfs_pread_async")]
    public static partial int PReadAsync(nint nfs, nint fh, ulong offset, ulong count,
        delegate* unmanaged<int, nint, void*, void*, void> callback, void* privateData);

    /// <summary>COMMIT. May call the callback before it returns (when the call cannot be queued).</summary>
    [LibraryImport(Library, EntryPoint = "nfs_fsync_async")]
    public static partial int FsyncAsync(nint nfs, nint fh,
        delegate* unmanaged<int, nint, void*, void*, void> callback, void* privateData);

    [LibraryImport(Library, EntryPoint = "nfs_get_fd")]
    public static partial int GetFd(nint nfs);

    [LibraryImport(Library, EntryPoint = "nfs_which_events")]
    public static partial int WhichEvents(nint nfs);

    [LibraryImport(Library, EntryPoint = "nfs_service")]
    public static partial int Service(nint nfs, int revents);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    public const int EfdCloexec = 0x80000;
    public const int EfdNonblock = 0x800;

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initval, int flags);

    [LibraryImport("libc", EntryPoint = "read")]
    public static partial nint Read(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write")]
    public static partial nint Write(int fd, void* buffer, nuint count);

    public const int IpProtoTcp = 6;
    public const int TcpNoDelay = 1;

    [LibraryImport("libc", EntryPoint = "setsockopt")]
    public static partial int SetSockOpt(int fd, int level, int name, void* value, uint length);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int CloseFd(int fd);

    /// <summary><c>struct pollfd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport(Library, EntryPoint = "nfs_unlink")]
    public static partial int Unlink(nint nfs, byte* path);

    [LibraryImport(Library, EntryPoint = "nfs_get_writemax")]
    public static partial ulong GetWriteMax(nint nfs);

    /// <summary><c>struct nfs_url</c>: the fields NfsFs reads.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct NfsUrl
    {
        public byte* Server;
        public byte* Path;
        public byte* File;
    }

    /// <summary><c>struct nfs_stat_64</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct NfsStat64
    {
        public ulong Dev, Ino, Mode, Nlink, Uid, Gid, Rdev, Size, Blksize, Blocks, Atime, Mtime, Ctime, AtimeNsec, MtimeNsec, CtimeNsec, Used;
    }

    /// <summary>A libnfs error as the kernel's negative errno (a value that is not one becomes -EIO).</summary>
    public static int Errno(long rc) => rc is < 0 and >= -4095 ? (int)rc : Errnos.Neg(AopsGen.Errno.EIO);

    public static string ErrorOf(nint nfs)
    {
        byte* text = nfs == 0 ? null : GetError(nfs);
        return text == null ? "unknown error" : Marshal.PtrToStringUTF8((nint)text) ?? "unknown error";
    }
}

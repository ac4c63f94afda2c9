using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace AopsGen.Examples.Aops;

/// <summary>What <c>statx(2)</c> says of an open file: its type, permissions, owner, size and allocated blocks.</summary>
internal readonly record struct FileStatus(uint Mode, uint Uid, long Size, long Blocks, ulong Inode = 0, ulong Device = 0)
{
    /// <summary>Both name the same inode on the same device.</summary>
    public bool SameFile(FileStatus other) => Inode == other.Inode && Device == other.Device;

    public const uint TypeMask = 0xF000, Regular = 0x8000, Directory = 0x4000, BlockDevice = 0x6000,
        CharDevice = 0x2000, Fifo = 0x1000, Socket = 0xC000, SymbolicLink = 0xA000;

    public uint Type => Mode & TypeMask;
    public uint Permissions => Mode & 0xFFF;
    public bool IsRegular => Type == Regular;

    /// <summary>"a FIFO", "a character device", …: what the file is, for a message.</summary>
    public string TypeName => Type switch
    {
        Regular => "a regular file",
        Directory => "a directory",
        BlockDevice => "a block device",
        CharDevice => "a character device",
        Fifo => "a FIFO",
        Socket => "a socket",
        SymbolicLink => "a symbolic link",
        _ => "of an unknown type",
    };
}

/// <summary>
/// The libc calls the commands need to look before they touch: <c>open</c> with <c>O_NOFOLLOW</c>/<c>O_NONBLOCK</c>/
/// <c>O_EXCL</c>, <c>statx</c> on the open descriptor, <c>ftruncate</c>, <c>lseek</c>'s <c>SEEK_DATA</c>/<c>SEEK_HOLE</c>
/// and <c>flock</c> (<c>aops mkswap</c>'s calls are the library's, in <c>Mkswap.Format(path)</c>). Every call returns 0 (or a value) or the negative errno, as the kernel does.
/// </summary>
internal static partial class Posix
{
    private static readonly bool Arm = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm;
    public const int ORdOnly = 0, ORdWr = 2, OCreat = 0x40, OExcl = 0x80, ONonBlock = 0x800, OCloExec = 0x80000;
    public static readonly int ONoFollow = Arm ? 0x8000 : 0x20000;
    public static readonly int ODirectory = Arm ? 0x4000 : 0x10000;
    private const int SeekData = 3, SeekHole = 4;
    private const int LockEx = 2, LockNb = 4;
    private const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100, AtEmptyPath = 0x1000, StatxBasicStats = 0x7FF;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenRaw(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatxRaw(int dirfd, string path, int flags, uint mask, Span<byte> buffer);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static partial long LSeekRaw(int fd, long offset, int whence);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int FlockRaw(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int FtruncateRaw(int fd, long length);

    private static int Error() => -Marshal.GetLastPInvokeError();

    /// <summary><c>open(path, flags | O_CLOEXEC, mode)</c>: the descriptor as a handle that closes it, or -errno.</summary>
    public static int Open(string path, int flags, int mode, out SafeFileHandle? handle)
    {
        handle = null;
        if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
        {
            return -(int)Errno.ENOENT;
        }
        int fd = OpenRaw(path, flags | OCloExec, mode);
        if (fd < 0)
        {
            return Error();
        }
        handle = new SafeFileHandle(fd, ownsHandle: true);
        return 0;
    }

    /// <summary><c>statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW)</c>: what is at <paramref name="path"/> itself (a
    /// symbolic link is reported as one unless <paramref name="followLinks"/>), without opening it.</summary>
    public static int StatPath(string path, out FileStatus status, bool followLinks = false)
    {
        status = default;
        if (path.Length == 0 || path.Contains('\0', StringComparison.Ordinal))
        {
            return -(int)Errno.ENOENT;
        }
        Span<byte> buffer = stackalloc byte[256];
        buffer.Clear();
        return StatxRaw(AtFdCwd, path, followLinks ? 0 : AtSymlinkNoFollow, StatxBasicStats, buffer) != 0 ? Error() : Parse(buffer, out status);
    }

    /// <summary><c>statx(fd, "", AT_EMPTY_PATH)</c>: the open file's own status (its layout is the same on every
    /// architecture, unlike <c>struct stat</c>).</summary>
    public static int Stat(SafeFileHandle handle, out FileStatus status)
    {
        Span<byte> buffer = stackalloc byte[256];
        buffer.Clear();
        status = default;
        return StatxRaw(Fd(handle), "", AtEmptyPath, StatxBasicStats, buffer) != 0 ? Error() : Parse(buffer, out status);
    }

    // struct statx: stx_uid at 20, stx_mode at 28, stx_ino at 32, stx_size at 40, stx_blocks at 48, stx_dev_major/minor at 136/140.
    private static int Parse(ReadOnlySpan<byte> buffer, out FileStatus status)
    {
        status = new FileStatus(
            Mode: BitConverter.ToUInt16(buffer[28..]),
            Uid: BitConverter.ToUInt32(buffer[20..]),
            Size: BitConverter.ToInt64(buffer[40..]),
            Blocks: BitConverter.ToInt64(buffer[48..]),
            Inode: BitConverter.ToUInt64(buffer[32..]),
            Device: ((ulong)BitConverter.ToUInt32(buffer[136..]) << 32) | BitConverter.ToUInt32(buffer[140..]));
        return 0;
    }

    public static int Truncate(SafeFileHandle handle, long length) => FtruncateRaw(Fd(handle), length) == 0 ? 0 : Error();

    /// <summary><c>flock(fd, LOCK_EX | LOCK_NB)</c>: 0, or -EWOULDBLOCK (-EAGAIN) when another process holds it.</summary>
    public static int TryLockExclusive(SafeFileHandle handle) => FlockRaw(Fd(handle), LockEx | LockNb) == 0 ? 0 : Error();

    /// <summary>
    /// <c>flock(LOCK_EX | LOCK_NB)</c> on the regular file at <paramref name="path"/>, opened read-only without waiting
    /// (O_NONBLOCK; no link followed unless <paramref name="followLinks"/>): the lock a command holds on a file it
    /// uses — the demo's swap file and images, <c>aops mount</c>'s image — and the one <c>aops mkswap</c> takes before
    /// it writes, as the kernel keeps a mounted device or an active swap file from being overwritten (EBUSY,
    /// ETXTBSY). 0 with <paramref name="held"/> holding the lock until disposed (null when the path is not a regular
    /// file, or cannot be opened: the caller's own open says why), or -EBUSY when another process holds a lock on it.
    /// </summary>
    public static int LockFile(string path, bool followLinks, out SafeFileHandle? held)
    {
        held = null;
        if (StatPath(path, out FileStatus status, followLinks) != 0 || !status.IsRegular
            || Open(path, ORdOnly | ONonBlock | (followLinks ? 0 : ONoFollow), 0, out SafeFileHandle? handle) != 0)
        {
            return 0;
        }
        if (Stat(handle!, out status) != 0 || !status.IsRegular)
        {
            handle!.Dispose();
            return 0;
        }
        int rc = TryLockExclusive(handle!);
        if (rc != 0)
        {
            handle!.Dispose();
            return rc == -(int)Errno.EAGAIN ? -(int)Errno.EBUSY : 0;
        }
        held = handle;
        return 0;
    }

    /// <summary>The bytes of [0, <paramref name="end"/>) that are holes, and in how many ranges. util-linux swapon's
    /// test first (<c>st_blocks * 512 &lt; st_size</c>: allocated but unwritten extents count as blocks, which the
    /// kernel's swapon accepts); only a file that fails it is walked with <c>SEEK_HOLE</c>/<c>SEEK_DATA</c>.
    /// -errno when the file system cannot say.</summary>
    public static int Holes(SafeFileHandle handle, long end, out long holeBytes, out int ranges)
    {
        holeBytes = 0;
        ranges = 0;
        int rc = Stat(handle, out FileStatus status);
        if (rc != 0 || !status.IsRegular || status.Blocks * 512 >= status.Size)
        {
            return rc;
        }
        end = Math.Min(end, status.Size);
        int fd = Fd(handle);
        long position = 0;
        while (position < end)
        {
            long hole = LSeekRaw(fd, position, SeekHole);
            if (hole < 0)
            {
                int error = Error();
                return error == -(int)Errno.ENXIO ? 0 : error;
            }
            if (hole >= end)
            {
                break;
            }
            long data = LSeekRaw(fd, hole, SeekData);
            if (data < 0)
            {
                int error = Error();
                if (error != -(int)Errno.ENXIO)
                {
                    return error;
                }
                data = end;   // a hole to the end of the file
            }
            data = Math.Min(data, end);
            holeBytes += data - hole;
            ranges++;
            position = data;
        }
        return 0;
    }

    private static int Fd(SafeFileHandle handle) => (int)handle.DangerousGetHandle();
}

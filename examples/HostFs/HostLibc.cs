using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace AopsGen.Examples;

/// <summary>The libc calls HostFs makes, through <c>LibraryImport</c>: no managed allocation per call. Errors come
/// back as the kernel's negative errno. Linux on x86-64 and arm64 only (the open flags below differ by
/// architecture); <see cref="ThrowIfUnsupported"/> refuses every other system.</summary>
[SupportedOSPlatform("linux")]
internal static unsafe partial class HostLibc
{
    public const int ORdOnly = 0x0;
    public const int ORdWr = 0x2;
    public const int OCreat = 0x40;
    public const int OExcl = 0x80;
    public const int OCloExec = 0x80000;
    /// <summary>O_PATH (010000000 on x86-64 and arm64): a descriptor that only names the object (a symbolic link here).</summary>
    public const int OPath = 0x200000;
    /// <summary>AT_FDCWD.</summary>
    public const int AtFdCwd = -100;
    /// <summary>AT_SYMLINK_NOFOLLOW, AT_REMOVEDIR, AT_SYMLINK_FOLLOW (include/uapi/linux/fcntl.h).</summary>
    public const int AtSymlinkNoFollow = 0x100;
    public const int AtRemoveDir = 0x200;
    public const int AtSymlinkFollow = 0x400;
    private static readonly bool s_arm64 = RuntimeInformation.ProcessArchitecture == Architecture.Arm64;
    /// <summary>O_DIRECTORY, O_NOFOLLOW and O_DIRECT differ between x86-64 (glibc bits/fcntl-linux.h) and arm64
    /// (arch/arm64/include/uapi/asm/fcntl.h).</summary>
    public static readonly int ODirectory = s_arm64 ? 0x4000 : 0x10000;
    public static readonly int ONoFollow = s_arm64 ? 0x8000 : 0x20000;
    public static readonly int ODirect = s_arm64 ? 0x10000 : 0x4000;

    /// <summary>AT_EMPTY_PATH (include/uapi/linux/fcntl.h): the call acts on the descriptor itself.</summary>
    public const int AtEmptyPath = 0x1000;
    /// <summary>STATX_TYPE | STATX_MODE | STATX_UID | STATX_SIZE | STATX_BLOCKS (include/uapi/linux/stat.h).</summary>
    private const uint StatxWanted = 0x1 | 0x2 | 0x8 | 0x200 | 0x400;
    /// <summary>STATX_BASIC_STATS: type, mode, nlink, uid, gid, times, ino, size, blocks.</summary>
    private const uint StatxBasicStats = 0x7FF;
    /// <summary>include/uapi/linux/stat.h: UTIME_OMIT, a time <c>utimensat</c> leaves as it is.</summary>
    public const long UtimeOmit = (1L << 30) - 2;

    /// <summary>FS_IOC_FIEMAP: _IOWR('f', 11, struct fiemap).</summary>
    public const uint FsIocFiemap = 0xC020660B;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int OpenAt(int dirfd, string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    public static partial nint PRead(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    public static partial nint PWrite(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport("libc", EntryPoint = "pwritev", SetLastError = true)]
    public static partial nint PWriteV(int fd, IoVec* iov, int iovcnt, long offset);

    [LibraryImport("libc", EntryPoint = "preadv", SetLastError = true)]
    public static partial nint PReadV(int fd, IoVec* iov, int iovcnt, long offset);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    public static partial int FDataSync(int fd);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, void* argument);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int UnlinkAt(int dirfd, string path, int flags);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatX(int dirfd, string path, int flags, uint mask, out StatxBuffer statx);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int MkdirAt(int dirfd, string path, uint mode);

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int RenameAt2(int oldDirfd, string oldPath, int newDirfd, string newPath, uint flags);

    [LibraryImport("libc", EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int LinkAt(int oldDirfd, string oldPath, int newDirfd, string newPath, int flags);

    [LibraryImport("libc", EntryPoint = "symlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SymlinkAt(string target, int newDirfd, string linkPath);

    [LibraryImport("libc", EntryPoint = "readlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint ReadLinkAt(int dirfd, string path, byte* buffer, nuint size);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    public static partial int FChmod(int fd, uint mode);

    [LibraryImport("libc", EntryPoint = "fchownat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int FChownAt(int dirfd, string path, uint uid, uint gid, int flags);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int FTruncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int UtimensAt(int dirfd, string path, long* times, int flags);

    [LibraryImport("libc", EntryPoint = "getdents64", SetLastError = true)]
    public static partial nint GetDents64(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "fstatvfs", SetLastError = true)]
    public static partial int FStatVfs(int fd, ulong* statvfs);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    public static partial uint GetEuid();

    /// <summary><c>statx(dirfd, path, flags, STATX_BASIC_STATS)</c>: what <c>getattr</c> reports. With an empty
    /// <paramref name="path"/>, pass AT_EMPTY_PATH for the descriptor itself; with a name, AT_SYMLINK_NOFOLLOW.
    /// Returns 0 or a negative errno.</summary>
    public static int StatAt(int dirfd, string path, int flags, out HostStat stat)
    {
        stat = default;
        if (StatX(dirfd, path, flags, StatxBasicStats, out StatxBuffer statx) != 0)
        {
            return LastError();
        }
        stat = new HostStat(statx.Ino, ((ulong)statx.DevMajor << 32) | statx.DevMinor, statx.Mode, statx.NLink, statx.Uid, statx.Gid,
            (long)statx.Size, (long)statx.Blocks, Time(statx.AtimeSec, statx.AtimeNsec), Time(statx.MtimeSec, statx.MtimeNsec), Time(statx.CtimeSec, statx.CtimeNsec));
        return 0;
    }

    private static DateTime Time(long seconds, uint nanoseconds) => DateTime.UnixEpoch.AddTicks(seconds * TimeSpan.TicksPerSecond + nanoseconds / 100);

    /// <summary>
    /// <c>statx(fd, "", AT_EMPTY_PATH, ...)</c> (glibc 2.28, Linux 4.11): the fields HostFs uses. <c>struct statx</c>
    /// has one layout on every architecture, unlike <c>struct stat</c>. Returns 0 or a negative errno.
    /// </summary>
    public static int Stat(int fd, out uint mode, out uint uid, out long size, out long blocks)
    {
        mode = uid = 0;
        size = blocks = 0;
        if (StatX(fd, string.Empty, AtEmptyPath, StatxWanted, out StatxBuffer statx) != 0)
        {
            return LastError();
        }
        mode = statx.Mode;
        uid = statx.Uid;
        size = (long)statx.Size;
        blocks = (long)statx.Blocks;
        return 0;
    }

    /// <summary>Throws <see cref="PlatformNotSupportedException"/> unless this is Linux on x86-64 or arm64.</summary>
    public static void ThrowIfUnsupported()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64))
        {
            throw new PlatformNotSupportedException(
                $"HostFs (O_DIRECT, FIEMAP and statx through libc) supports Linux on x64 and arm64; this process runs {RuntimeInformation.OSDescription} on {RuntimeInformation.ProcessArchitecture}.");
        }
    }

    /// <summary>include/uapi/linux/stat.h: <c>struct statx</c>, 256 bytes; the fields after the device numbers
    /// (mount id, direct-I/O alignment, spare) are not read.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct StatxBuffer
    {
        public uint Mask;
        public uint BlkSize;
        public ulong Attributes;
        public uint NLink;
        public uint Uid;
        public uint Gid;
        public ushort Mode;
        public ushort Spare0;
        public ulong Ino;
        public ulong Size;
        public ulong Blocks;
        public ulong AttributesMask;
        public long AtimeSec;
        public uint AtimeNsec;
        public int Reserved0;
        public long BtimeSec;
        public uint BtimeNsec;
        public int Reserved1;
        public long CtimeSec;
        public uint CtimeNsec;
        public int Reserved2;
        public long MtimeSec;
        public uint MtimeNsec;
        public int Reserved3;
        public uint RdevMajor;
        public uint RdevMinor;
        public uint DevMajor;
        public uint DevMinor;
        public fixed ulong Rest[14];
    }

    /// <summary>The errno of the last failed call, negated as the kernel returns it.</summary>
    public static int LastError() => -Marshal.GetLastPInvokeError();
}

/// <summary>What <c>statx</c> says of a host object (<see cref="HostLibc.StatAt"/>): <paramref name="Dev"/> is
/// major &lt;&lt; 32 | minor; times are UTC.</summary>
internal readonly record struct HostStat(ulong Ino, ulong Dev, uint Mode, uint Links, uint Uid, uint Gid, long Size, long Blocks,
    DateTime AccessTime, DateTime ModifyTime, DateTime ChangeTime);

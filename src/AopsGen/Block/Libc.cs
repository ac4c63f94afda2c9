using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace AopsGen.Block;

/// <summary>The few libc calls the runtime needs: for the block layer, vectored, positioned, unbuffered I/O on a file
/// descriptor with no managed allocation per call (the <c>RandomAccess</c> vectored overloads allocate); for
/// <see cref="Swap.Mkswap"/> on a file, a look at what is at a path before it is touched (<c>statx</c> without
/// following links, <c>open</c> with <c>O_NOFOLLOW</c>/<c>O_NONBLOCK</c>/<c>O_EXCL</c>), <c>fallocate</c>,
/// <c>SEEK_HOLE</c> and <c>fsync</c>.
/// Written for Linux on x86-64 and arm64 (LP64: <c>off_t</c>, <c>ssize_t</c> and <c>struct iovec</c>'s fields are
/// 64-bit); <see cref="ThrowIfUnsupported"/> refuses every other system before a call is made.</summary>
[SupportedOSPlatform("linux")]
internal static unsafe partial class Libc
{
    public const int ORdWr = 0x2;
    public const int ORdOnly = 0x0;
    public const int OCloExec = 0x80000;
    public const int OCreat = 0x40;
    public const int OExcl = 0x80;
    public const int ONonBlock = 0x800;

    /// <summary>O_NOFOLLOW: 0400000 on x86-64 (asm-generic/fcntl.h), 0100000 on arm64 (arm64's uapi fcntl.h).</summary>
    public static int ONoFollow => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 0x20000,
        Architecture.Arm64 => 0x8000,
        _ => throw Unsupported(),
    };

    /// <summary>O_DIRECT, which differs by architecture: 040000 on x86-64 (glibc bits/fcntl-linux.h, the kernel's
    /// asm-generic/fcntl.h), 0200000 on arm64 (arch/arm64/include/uapi/asm/fcntl.h).</summary>
    public static int ODirect => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 0x4000,
        Architecture.Arm64 => 0x10000,
        _ => throw Unsupported(),
    };

    public const int SeekEnd = 2;
    public const int SeekHole = 4;
    /// <summary>IOV_MAX.</summary>
    public const int IovMax = 1024;

    /// <summary>Throws <see cref="PlatformNotSupportedException"/> unless this process runs on Linux on x86-64 or
    /// arm64, the systems whose flag values and struct layouts this class uses.</summary>
    public static void ThrowIfUnsupported()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64))
        {
            throw Unsupported();
        }
    }

    private static PlatformNotSupportedException Unsupported() => new(
        $"AopsGen's block device (O_DIRECT, pwritev/preadv through libc) supports Linux on x64 and arm64; this process runs {RuntimeInformation.OSDescription} on {RuntimeInformation.ProcessArchitecture}.");

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "pwritev", SetLastError = true)]
    public static partial nint PWriteV(int fd, IoVec* iov, int iovcnt, long offset);

    [LibraryImport("libc", EntryPoint = "preadv", SetLastError = true)]
    public static partial nint PReadV(int fd, IoVec* iov, int iovcnt, long offset);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    public static partial long LSeek(int fd, long offset, int whence);

    /// <summary>FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE: what a loop device does for a discard.</summary>
    public const int FallocPunchHole = 0x01 | 0x02;

    [LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    public static partial int FAllocate(int fd, int mode, long offset, long length);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    public static partial int FDataSync(int fd);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    public static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int FTruncate(int fd, long length);

    private const int AtFdCwd = -100, AtSymlinkNoFollow = 0x100, AtEmptyPath = 0x1000, StatxBasicStats = 0x7FF;

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);

    /// <summary><c>statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW)</c>: what is at <paramref name="path"/> itself (a
    /// symbolic link is reported as one), without opening it. 0 or the negative errno.</summary>
    public static int LStat(string path, out FileStat status) => Stat(AtFdCwd, path, AtSymlinkNoFollow, out status);

    /// <summary><c>statx(fd, "", AT_EMPTY_PATH)</c>: the open file's own status. 0 or the negative errno.</summary>
    public static int FStat(int fd, out FileStat status) => Stat(fd, "", AtEmptyPath, out status);

    // struct statx (its layout is the same on every architecture, unlike struct stat): stx_mode at 28, stx_ino at 32,
    // stx_size at 40, stx_blocks at 48, stx_dev_major/minor at 136/140.
    private static int Stat(int dirfd, string path, int flags, out FileStat status)
    {
        status = default;
        byte* buffer = stackalloc byte[256];
        new Span<byte>(buffer, 256).Clear();
        if (Statx(dirfd, path, flags, StatxBasicStats, buffer) != 0)
        {
            return LastError();
        }
        status = new FileStat(*(ushort*)(buffer + 28), *(long*)(buffer + 40), *(long*)(buffer + 48),
            *(ulong*)(buffer + 32), ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140));
        return 0;
    }

    /// <summary>The errno of the last failed call, negated as the kernel returns it.</summary>
    public static int LastError() => -Marshal.GetLastPInvokeError();
}

/// <summary>What <c>statx(2)</c> says of a file: its type and permissions (<c>st_mode</c>), size, allocated 512-byte
/// blocks, and the inode and device that name it.</summary>
internal readonly record struct FileStat(uint Mode, long Size, long Blocks, ulong Inode, ulong Device)
{
    public const uint TypeMask = 0xF000, Regular = 0x8000, Directory = 0x4000, BlockDevice = 0x6000,
        CharDevice = 0x2000, Fifo = 0x1000, Socket = 0xC000, SymbolicLink = 0xA000;

    public uint Type => Mode & TypeMask;
    public uint Permissions => Mode & 0xFFF;
    public bool IsRegular => Type == Regular;

    /// <summary>Both name the same inode on the same device.</summary>
    public bool SameFile(FileStat other) => Inode == other.Inode && Device == other.Device;

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

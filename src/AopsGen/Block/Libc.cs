using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace AopsGen.Block;

/// <summary>The few libc calls the block layer needs: vectored, positioned, unbuffered I/O on a file
/// descriptor with no managed allocation per call (the <c>RandomAccess</c> vectored overloads allocate).
/// Written for Linux on x86-64 and arm64 (LP64: <c>off_t</c>, <c>ssize_t</c> and <c>struct iovec</c>'s fields are
/// 64-bit); <see cref="ThrowIfUnsupported"/> refuses every other system before a call is made.</summary>
[SupportedOSPlatform("linux")]
internal static unsafe partial class Libc
{
    public const int ORdWr = 0x2;
    public const int ORdOnly = 0x0;
    public const int OCloExec = 0x80000;

    /// <summary>O_DIRECT, which differs by architecture: 040000 on x86-64 (glibc bits/fcntl-linux.h, the kernel's
    /// asm-generic/fcntl.h), 0200000 on arm64 (arch/arm64/include/uapi/asm/fcntl.h).</summary>
    public static int ODirect => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 0x4000,
        Architecture.Arm64 => 0x10000,
        _ => throw Unsupported(),
    };

    public const int SeekEnd = 2;
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

    /// <summary>The errno of the last failed call, negated as the kernel returns it.</summary>
    public static int LastError() => -Marshal.GetLastPInvokeError();
}

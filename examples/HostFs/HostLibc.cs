using System.Runtime.InteropServices;

namespace AopsGen.Examples;

/// <summary>The libc calls HostFs makes, through <c>LibraryImport</c>: no managed allocation per call. Errors come
/// back as the kernel's negative errno.</summary>
internal static unsafe partial class HostLibc
{
    public const int ORdOnly = 0x0;
    public const int ORdWr = 0x2;
    public const int OCreat = 0x40;
    public const int OExcl = 0x80;
    public const int OCloExec = 0x80000;
    private static readonly bool s_arm = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm;
    /// <summary>O_DIRECTORY, O_NOFOLLOW and O_DIRECT differ between x86-64 and arm64.</summary>
    public static readonly int ODirectory = s_arm ? 0x4000 : 0x10000;
    public static readonly int ONoFollow = s_arm ? 0x8000 : 0x20000;
    public static readonly int ODirect = s_arm ? 0x10000 : 0x4000;

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

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    public static partial int FStat(int fd, byte* stat);

    /// <summary><c>fstat</c>: the fields of struct stat HostFs uses (their offsets differ between x86-64 and arm64).</summary>
    public static int Stat(int fd, out uint mode, out uint uid, out long size, out long blocks)
    {
        byte* buffer = stackalloc byte[256];
        mode = uid = 0;
        size = blocks = 0;
        if (FStat(fd, buffer) != 0)
        {
            return LastError();
        }
        mode = *(uint*)(buffer + (s_arm ? 16 : 24));
        uid = *(uint*)(buffer + (s_arm ? 24 : 28));
        size = *(long*)(buffer + 48);
        blocks = *(long*)(buffer + 64);
        return 0;
    }

    /// <summary>The errno of the last failed call, negated as the kernel returns it.</summary>
    public static int LastError() => -Marshal.GetLastPInvokeError();
}

using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;

namespace AopsGen.Examples;

/// <summary>One extent of a host file, as FIEMAP reports it (bytes).</summary>
/// <param name="Logical">Offset in the file.</param>
/// <param name="Physical">Offset on the host's device.</param>
/// <param name="Length">Length.</param>
/// <param name="Flags">FIEMAP_EXTENT_* flags.</param>
public readonly record struct HostExtent(long Logical, long Physical, long Length, HostExtentFlags Flags);

/// <summary>linux/fiemap.h: FIEMAP_EXTENT_* (the ones swap cares about).</summary>
[Flags]
public enum HostExtentFlags : uint
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary>FIEMAP_EXTENT_LAST: the file's last extent.</summary>
    Last = 0x1,
    /// <summary>FIEMAP_EXTENT_UNKNOWN: data location unknown.</summary>
    Unknown = 0x2,
    /// <summary>FIEMAP_EXTENT_DELALLOC: allocation not yet decided.</summary>
    Delalloc = 0x4,
    /// <summary>FIEMAP_EXTENT_DATA_INLINE: data inside the metadata.</summary>
    Inline = 0x200,
    /// <summary>FIEMAP_EXTENT_UNWRITTEN: allocated but never written (reads as zeros; the first write converts it).</summary>
    Unwritten = 0x800,
    /// <summary>FIEMAP_EXTENT_SHARED: shared with another file (reflink).</summary>
    Shared = 0x2000,
}

/// <summary>
/// A host object open under HostFs (in <c>Inode.Private</c>): its descriptor — for a regular file a buffered one
/// (<c>readpage</c>, <c>write_end</c>) beside an O_DIRECT one (<c>direct_IO</c>); for a directory an O_DIRECTORY one
/// the <c>*at()</c> calls of its names are relative to; for a symbolic link an O_PATH one — closed by <see cref="Dispose"/>.
/// </summary>
public sealed unsafe class HostFile : IDisposable
{
    private int _fd;
    private int _directFd;

    internal HostFile(string hostPath, int fd, int directFd)
    {
        HostPath = hostPath;
        _fd = fd;
        _directFd = directFd;
    }

    /// <summary>The file's path on the host, for messages (never opened: the descriptors are).</summary>
    public string HostPath { get; internal set; }

    /// <summary>Whether the file backs an active swap area (between swap_activate and swap_deactivate).</summary>
    public bool SwapActive { get; internal set; }

    internal int Fd => _fd;

    internal int DirectFd => _directFd;

    /// <summary>The host file's mtime and size when HostFs last looked (<c>getattr</c>): a change means another
    /// program wrote the file, and the pages cached from it are stale.</summary>
    internal (DateTime ModifyTime, long Size) Seen { get; set; }

    /// <summary>The host's device and inode number: the key of the mount's inode table.</summary>
    internal (ulong Dev, ulong Ino) Key { get; set; }

    /// <summary>
    /// The file's extents from FIEMAP (<c>FS_IOC_FIEMAP</c> with FIEMAP_FLAG_SYNC, as util-linux and filefrag ask),
    /// or -errno (-EOPNOTSUPP where the host filesystem has no FIEMAP).
    /// </summary>
    public int Extents(out List<HostExtent> extents)
    {
        const int Batch = 128;
        const int HeaderBytes = 32;
        const int ExtentBytes = 56;
        extents = new List<HostExtent>();
        byte* buffer = (byte*)NativeMemory.AllocZeroed(HeaderBytes + Batch * ExtentBytes);
        try
        {
            ulong start = 0;
            while (true)
            {
                NativeMemory.Clear(buffer, HeaderBytes + Batch * ExtentBytes);
                *(ulong*)buffer = start;                 // fm_start
                *(ulong*)(buffer + 8) = ulong.MaxValue;  // fm_length: to the end
                *(uint*)(buffer + 16) = 1;               // fm_flags: FIEMAP_FLAG_SYNC
                *(uint*)(buffer + 24) = Batch;           // fm_extent_count
                if (HostLibc.Ioctl(_fd, HostLibc.FsIocFiemap, buffer) != 0)
                {
                    return HostLibc.LastError();
                }
                uint mapped = *(uint*)(buffer + 20);
                if (mapped == 0)
                {
                    return 0;
                }
                for (int i = 0; i < mapped; i++)
                {
                    byte* e = buffer + HeaderBytes + i * ExtentBytes;
                    var extent = new HostExtent((long)*(ulong*)e, (long)*(ulong*)(e + 8), (long)*(ulong*)(e + 16), (HostExtentFlags)(*(uint*)(e + 40)));
                    extents.Add(extent);
                    if ((extent.Flags & HostExtentFlags.Last) != 0)
                    {
                        return 0;
                    }
                    start = (ulong)(extent.Logical + extent.Length);
                }
            }
        }
        finally
        {
            NativeMemory.Free(buffer);
        }
    }

    /// <summary>Closes both descriptors.</summary>
    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        int directFd = Interlocked.Exchange(ref _directFd, -1);
        if (fd >= 0)
        {
            HostLibc.Close(fd);
        }
        if (directFd >= 0)
        {
            HostLibc.Close(directFd);
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Closes the descriptors of a file nobody disposed.</summary>
    ~HostFile()
    {
        if (_fd >= 0)
        {
            HostLibc.Close(_fd);
        }
        if (_directFd >= 0)
        {
            HostLibc.Close(_directFd);
        }
    }
}

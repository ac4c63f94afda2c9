using System.Runtime.InteropServices;

namespace AopsGen.Fuse;

/// <summary>
/// libfuse 3 (<c>libfuse3.so.3</c>, Debian's libfuse3-3), its low-level API through <c>LibraryImport</c>: a session
/// reads requests from <c>/dev/fuse</c> and calls the <see cref="FuseLowlevelOps"/> table — libfuse's own ops table —
/// whose replies go back with <c>fuse_reply_*</c>. Layouts from <c>fuse3/fuse_lowlevel.h</c> and <c>fuse_common.h</c>
/// of 3.14 on x86_64/arm64 Linux.
/// </summary>
internal static unsafe partial class LibFuse
{
    public const string Library = "libfuse3.so.3";

    /// <summary>FUSE_ROOT_ID: the node id of the mounted root.</summary>
    public const ulong RootId = 1;

    public const int SetAttrMode = 1 << 0;
    public const int SetAttrUid = 1 << 1;
    public const int SetAttrGid = 1 << 2;
    public const int SetAttrSize = 1 << 3;
    public const int SetAttrAtime = 1 << 4;
    public const int SetAttrMtime = 1 << 5;
    public const int SetAttrAtimeNow = 1 << 7;
    public const int SetAttrMtimeNow = 1 << 8;
    public const int SetAttrCtime = 1 << 10;

    /// <summary>RENAME_NOREPLACE.</summary>
    public const uint RenameNoReplace = 1;

    [LibraryImport(Library, EntryPoint = "fuse_session_new")]
    public static partial nint SessionNew(FuseArgs* args, FuseLowlevelOps* ops, nuint opSize, nint userdata);

    [LibraryImport(Library, EntryPoint = "fuse_session_mount", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SessionMount(nint session, string mountPoint);

    [LibraryImport(Library, EntryPoint = "fuse_session_loop_mt_312")]
    public static partial int SessionLoopMt(nint session, nint config);

    [LibraryImport(Library, EntryPoint = "fuse_session_exit")]
    public static partial void SessionExit(nint session);

    [LibraryImport(Library, EntryPoint = "fuse_session_unmount")]
    public static partial void SessionUnmount(nint session);

    [LibraryImport(Library, EntryPoint = "fuse_session_destroy")]
    public static partial void SessionDestroy(nint session);

    [LibraryImport(Library, EntryPoint = "fuse_loop_cfg_create")]
    public static partial nint LoopConfigCreate();

    [LibraryImport(Library, EntryPoint = "fuse_loop_cfg_destroy")]
    public static partial void LoopConfigDestroy(nint config);

    [LibraryImport(Library, EntryPoint = "fuse_loop_cfg_set_max_threads")]
    public static partial void LoopConfigSetMaxThreads(nint config, uint maxThreads);

    [LibraryImport(Library, EntryPoint = "fuse_req_userdata")]
    public static partial nint ReqUserdata(nint req);

    [LibraryImport(Library, EntryPoint = "fuse_req_ctx")]
    public static partial FuseCtx* ReqCtx(nint req);

    [LibraryImport(Library, EntryPoint = "fuse_reply_err")]
    public static partial int ReplyErr(nint req, int err);

    [LibraryImport(Library, EntryPoint = "fuse_reply_none")]
    public static partial void ReplyNone(nint req);

    [LibraryImport(Library, EntryPoint = "fuse_reply_entry")]
    public static partial int ReplyEntry(nint req, FuseEntryParam* entry);

    [LibraryImport(Library, EntryPoint = "fuse_reply_create")]
    public static partial int ReplyCreate(nint req, FuseEntryParam* entry, FuseFileInfo* fi);

    [LibraryImport(Library, EntryPoint = "fuse_reply_attr")]
    public static partial int ReplyAttr(nint req, Stat* attr, double timeout);

    [LibraryImport(Library, EntryPoint = "fuse_reply_readlink")]
    public static partial int ReplyReadlink(nint req, byte* link);

    [LibraryImport(Library, EntryPoint = "fuse_reply_open")]
    public static partial int ReplyOpen(nint req, FuseFileInfo* fi);

    [LibraryImport(Library, EntryPoint = "fuse_reply_write")]
    public static partial int ReplyWrite(nint req, nuint count);

    [LibraryImport(Library, EntryPoint = "fuse_reply_buf")]
    public static partial int ReplyBuf(nint req, byte* buf, nuint size);

    [LibraryImport(Library, EntryPoint = "fuse_reply_statfs")]
    public static partial int ReplyStatfs(nint req, StatVfs* stbuf);

    [LibraryImport(Library, EntryPoint = "fuse_reply_bmap")]
    public static partial int ReplyBmap(nint req, ulong idx);

    [LibraryImport(Library, EntryPoint = "fuse_add_direntry")]
    public static partial nuint AddDirentry(nint req, byte* buf, nuint bufsize, byte* name, Stat* stbuf, long off);
}

/// <summary><c>struct fuse_args</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseArgs
{
    public int Argc;
    public byte** Argv;
    public int Allocated;
}

/// <summary><c>struct fuse_ctx</c>: who made the request.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseCtx
{
    public uint Uid;
    public uint Gid;
    public int Pid;
    public uint Umask;
}

/// <summary><c>struct fuse_file_info</c> (the bit fields as one word: direct_io is bit 1, keep_cache bit 2).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseFileInfo
{
    public int Flags;
    public uint Bits;
    public uint Padding2;
    public ulong Fh;
    public ulong LockOwner;
    public uint PollEvents;
}

/// <summary><c>struct stat</c> of x86_64 and arm64 glibc (144 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Stat
{
    public ulong Dev;
    public ulong Ino;
    public ulong Nlink;
    public uint Mode;
    public uint Uid;
    public uint Gid;
    public int Pad0;
    public ulong Rdev;
    public long Size;
    public long Blksize;
    public long Blocks;
    public long Atime;
    public long AtimeNsec;
    public long Mtime;
    public long MtimeNsec;
    public long Ctime;
    public long CtimeNsec;
    public long Reserved0;
    public long Reserved1;
    public long Reserved2;
}

/// <summary><c>struct statvfs</c> (112 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct StatVfs
{
    public ulong Bsize;
    public ulong Frsize;
    public ulong Blocks;
    public ulong Bfree;
    public ulong Bavail;
    public ulong Files;
    public ulong Ffree;
    public ulong Favail;
    public ulong Fsid;
    public ulong Flag;
    public ulong Namemax;
    public fixed int Spare[6];
}

/// <summary><c>struct fuse_entry_param</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct FuseEntryParam
{
    public ulong Ino;
    public ulong Generation;
    public Stat Attr;
    public double AttrTimeout;
    public double EntryTimeout;
}

/// <summary><c>struct fuse_lowlevel_ops</c> of libfuse 3.14: 44 function pointers in the header's order; the bridge
/// fills the ones it serves, libfuse answers ENOSYS for the rest.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct FuseLowlevelOps
{
    public delegate* unmanaged<nint, nint, void> Init;
    public delegate* unmanaged<nint, void> Destroy;
    public delegate* unmanaged<nint, ulong, byte*, void> Lookup;
    public delegate* unmanaged<nint, ulong, ulong, void> Forget;
    public delegate* unmanaged<nint, ulong, FuseFileInfo*, void> Getattr;
    public delegate* unmanaged<nint, ulong, Stat*, int, FuseFileInfo*, void> Setattr;
    public delegate* unmanaged<nint, ulong, void> Readlink;
    public nint Mknod;
    public delegate* unmanaged<nint, ulong, byte*, uint, void> Mkdir;
    public delegate* unmanaged<nint, ulong, byte*, void> Unlink;
    public delegate* unmanaged<nint, ulong, byte*, void> Rmdir;
    public delegate* unmanaged<nint, byte*, ulong, byte*, void> Symlink;
    public delegate* unmanaged<nint, ulong, byte*, ulong, byte*, uint, void> Rename;
    public delegate* unmanaged<nint, ulong, ulong, byte*, void> Link;
    public delegate* unmanaged<nint, ulong, FuseFileInfo*, void> Open;
    public delegate* unmanaged<nint, ulong, nuint, long, FuseFileInfo*, void> Read;
    public delegate* unmanaged<nint, ulong, byte*, nuint, long, FuseFileInfo*, void> Write;
    public delegate* unmanaged<nint, ulong, FuseFileInfo*, void> Flush;
    public delegate* unmanaged<nint, ulong, FuseFileInfo*, void> Release;
    public delegate* unmanaged<nint, ulong, int, FuseFileInfo*, void> Fsync;
    public delegate* unmanaged<nint, ulong, FuseFileInfo*, void> Opendir;
    public delegate* unmanaged<nint, ulong, nuint, long, FuseFileInfo*, void> Readdir;
    public delegate* unmanaged<nint, ulong, FuseFileInfo*, void> Releasedir;
    public delegate* unmanaged<nint, ulong, int, FuseFileInfo*, void> Fsyncdir;
    public delegate* unmanaged<nint, ulong, void> Statfs;
    public nint Setxattr;
    public nint Getxattr;
    public nint Listxattr;
    public nint Removexattr;
    public nint Access;
    public delegate* unmanaged<nint, ulong, byte*, uint, FuseFileInfo*, void> Create;
    public nint Getlk;
    public nint Setlk;
    public delegate* unmanaged<nint, ulong, nuint, ulong, void> Bmap;
    public nint Ioctl;
    public nint Poll;
    public nint WriteBuf;
    public nint RetrieveReply;
    public nint ForgetMulti;
    public nint Flock;
    public nint Fallocate;
    public nint Readdirplus;
    public nint CopyFileRange;
    public nint Lseek;
}

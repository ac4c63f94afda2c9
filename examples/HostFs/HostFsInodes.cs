using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using AopsGen.Mm;

namespace AopsGen.Examples;

/// <summary>
/// HostFs's <c>inode_operations</c>, a passthrough as libfuse's passthrough_ll is one: each is an <c>*at()</c> call
/// relative to the descriptor of the directory it acts in (<see cref="HostFile"/> in <c>Inode.Private</c>), with the
/// name as its one path component — never a path built from names — and O_NOFOLLOW wherever the kernel would not
/// follow a link; the host's errno comes back unchanged. The names live on the host (<c>ListsDcache</c> is false):
/// <c>lookup</c> is <c>statx</c> + <c>openat</c>, <c>readdir</c> is <c>getdents64</c>, and what another program puts
/// in the host directory shows up. After each change the inodes it touched take the host's attributes again (link
/// counts, times, sizes), as <c>getattr</c> does.
/// </summary>
internal sealed unsafe class HostFsInodes : InodeOperations
{
    public static readonly HostFsInodes Instance = new();

    /// <summary>linux/dirent.h: DT_* of <c>linux_dirent64.d_type</c> (DT_UNKNOWN is 0: the entry is <c>statx</c>ed).</summary>
    private static readonly FileType[] s_direntTypes =
    [
        0, FileType.Fifo, FileType.CharDevice, 0, FileType.Directory, 0, FileType.BlockDevice, 0,
        FileType.Regular, 0, FileType.Symlink, 0, FileType.Socket,
    ];

    private static readonly bool s_root = HostLibc.GetEuid() == 0;

    public override bool ListsDcache => false;

    /// <summary><c>lookup</c>: <c>statx</c> of the name (not followed); a missing name is a negative answer.</summary>
    public override int Lookup(Inode dir, string name, out Inode? inode)
    {
        inode = null;
        int error = HostLibc.StatAt(FdOf(dir), name, HostLibc.AtSymlinkNoFollow, out HostStat st);
        if (error == Errnos.Neg(Errno.ENOENT))
        {
            return 0;
        }
        if (error != 0 || HostFs.Known(dir.SuperBlock, st, out inode))
        {
            return error;
        }
        return OpenNode(dir, name, (FileType)(st.Mode & 0xF000), out inode);
    }

    /// <summary><c>create</c>: <c>openat(O_CREAT|O_EXCL|O_NOFOLLOW)</c>, then the exact mode (the host's umask is not
    /// the caller's) and, for a daemon running as root, the caller's owner.</summary>
    public override int Create(Inode dir, string name, uint mode, uint uid, uint gid, out Inode? inode)
    {
        inode = null;
        int fd = HostLibc.OpenAt(FdOf(dir), name, HostLibc.ORdWr | HostLibc.OCreat | HostLibc.OExcl | HostLibc.ONoFollow | HostLibc.OCloExec, (int)mode);
        if (fd < 0)
        {
            return HostLibc.LastError();
        }
        int error = Own(fd, mode, uid, gid, chmod: true);
        if (error != 0)
        {
            HostLibc.Close(fd);
            HostLibc.UnlinkAt(FdOf(dir), name, 0);
            return error;
        }
        int directFd = HostLibc.OpenAt(FdOf(dir), name, HostLibc.ORdWr | HostLibc.ONoFollow | HostLibc.OCloExec | HostLibc.ODirect, 0);
        error = HostFs.Intern(dir.SuperBlock, new HostFile(HostPathOf(dir, name), fd, directFd), out inode);
        return Touched(dir, error);
    }

    /// <summary><c>mkdir</c>: <c>mkdirat</c>, then the directory opened (O_NOFOLLOW), its exact mode and owner.</summary>
    public override int Mkdir(Inode dir, string name, uint mode, uint uid, uint gid, out Inode? inode)
    {
        inode = null;
        if (HostLibc.MkdirAt(FdOf(dir), name, mode) != 0)
        {
            return HostLibc.LastError();
        }
        int fd = HostLibc.OpenAt(FdOf(dir), name, HostLibc.ORdOnly | HostLibc.ODirectory | HostLibc.ONoFollow | HostLibc.OCloExec, 0);
        int error = fd < 0 ? HostLibc.LastError() : Own(fd, mode, uid, gid, chmod: true);
        if (error != 0)
        {
            if (fd >= 0)
            {
                HostLibc.Close(fd);
            }
            HostLibc.UnlinkAt(FdOf(dir), name, HostLibc.AtRemoveDir);
            return error;
        }
        error = HostFs.Intern(dir.SuperBlock, new HostFile(HostPathOf(dir, name), fd, -1), out inode);
        return Touched(dir, error);
    }

    /// <summary><c>symlink</c>: <c>symlinkat</c>, then the link opened O_PATH|O_NOFOLLOW and given the caller's owner.</summary>
    public override int Symlink(Inode dir, string name, string target, uint uid, uint gid, out Inode? inode)
    {
        inode = null;
        if (HostLibc.SymlinkAt(target, FdOf(dir), name) != 0)
        {
            return HostLibc.LastError();
        }
        int fd = HostLibc.OpenAt(FdOf(dir), name, HostLibc.OPath | HostLibc.ONoFollow | HostLibc.OCloExec, 0);
        int error = fd < 0 ? HostLibc.LastError() : Own(fd, 0, uid, gid, chmod: false);
        if (error != 0)
        {
            if (fd >= 0)
            {
                HostLibc.Close(fd);
            }
            HostLibc.UnlinkAt(FdOf(dir), name, 0);
            return error;
        }
        error = HostFs.Intern(dir.SuperBlock, new HostFile(HostPathOf(dir, name), fd, -1), out inode);
        if (error == 0)
        {
            inode!.LinkTarget = target;
        }
        return Touched(dir, error);
    }

    /// <summary><c>link</c>: <c>linkat</c> of the inode's own descriptor (through /proc/self/fd, as passthrough_ll
    /// does: AT_EMPTY_PATH would need CAP_DAC_READ_SEARCH).</summary>
    public override int Link(Inode inode, Inode dir, string name)
    {
        if (HostLibc.LinkAt(HostLibc.AtFdCwd, $"/proc/self/fd/{FdOf(inode)}", FdOf(dir), name, HostLibc.AtSymlinkFollow) != 0)
        {
            return HostLibc.LastError();
        }
        Refresh(inode);
        return Touched(dir, 0);
    }

    /// <summary><c>unlink</c>: <c>unlinkat</c>; the inode keeps its descriptors (open files still read it) until evicted.</summary>
    public override int Unlink(Inode dir, string name, Inode inode)
    {
        if (HostLibc.UnlinkAt(FdOf(dir), name, 0) != 0)
        {
            return HostLibc.LastError();
        }
        Refresh(inode);
        return Touched(dir, 0);
    }

    /// <summary><c>rmdir</c>: <c>unlinkat(AT_REMOVEDIR)</c>.</summary>
    public override int Rmdir(Inode dir, string name, Inode inode)
    {
        if (HostLibc.UnlinkAt(FdOf(dir), name, HostLibc.AtRemoveDir) != 0)
        {
            return HostLibc.LastError();
        }
        Refresh(inode);
        return Touched(dir, 0);
    }

    /// <summary><c>rename</c>: <c>renameat2</c> between the two directories' descriptors. The VFS has checked
    /// RENAME_NOREPLACE itself and passes no flags; the descriptors of the moved inode stay valid.</summary>
    public override int Rename(Inode oldDir, string oldName, Inode inode, Inode newDir, string newName, Inode? target)
    {
        if (HostLibc.RenameAt2(FdOf(oldDir), oldName, FdOf(newDir), newName, 0) != 0)
        {
            return HostLibc.LastError();
        }
        HostFs.FileOf(inode).HostPath = HostPathOf(newDir, newName);
        Refresh(inode);
        if (target != null)
        {
            Refresh(target);
        }
        Refresh(newDir);
        return Touched(oldDir, 0);
    }

    /// <summary><c>setattr</c> on the inode's descriptor: <c>fchmod</c> (not on a symbolic link: Linux has no mode
    /// for one, -EOPNOTSUPP), <c>fchownat(AT_EMPTY_PATH)</c>, <c>ftruncate</c>, <c>utimensat</c>; then the host's
    /// attributes. The first failure is returned; what was already applied stays, as with separate system calls.</summary>
    public override int SetAttr(Inode inode, in InodeAttr attr)
    {
        int fd = FdOf(inode);
        bool symlink = inode.Type == FileType.Symlink;
        int error = 0;
        if ((attr.Valid & AttrValid.Mode) != 0)
        {
            error = symlink ? Errnos.Neg(Errno.EOPNOTSUPP) : Check(HostLibc.FChmod(fd, attr.Mode & 0xFFF));
        }
        if (error == 0 && (attr.Valid & (AttrValid.Uid | AttrValid.Gid)) != 0)
        {
            uint uid = (attr.Valid & AttrValid.Uid) != 0 ? attr.Uid : uint.MaxValue;
            uint gid = (attr.Valid & AttrValid.Gid) != 0 ? attr.Gid : uint.MaxValue;
            error = Check(HostLibc.FChownAt(fd, string.Empty, uid, gid, HostLibc.AtEmptyPath | HostLibc.AtSymlinkNoFollow));
        }
        if (error == 0 && (attr.Valid & AttrValid.Size) != 0)
        {
            error = Check(HostLibc.FTruncate(fd, attr.Size));
        }
        if (error == 0 && (attr.Valid & (AttrValid.AccessTime | AttrValid.ModifyTime)) != 0)
        {
            long* times = stackalloc long[4];
            SetTime(times, (attr.Valid & AttrValid.AccessTime) != 0, attr.AccessTime);
            SetTime(times + 2, (attr.Valid & AttrValid.ModifyTime) != 0, attr.ModifyTime);
            error = Check(HostLibc.UtimensAt(fd, string.Empty, times, HostLibc.AtEmptyPath));
        }
        int refreshed = Refresh(inode);
        return error != 0 ? error : refreshed;
    }

    /// <summary><c>getattr</c>: <c>statx</c> of the inode's descriptor. When a regular file's mtime or size is not
    /// what the last look saw, the file changed on the host, and its cached pages are dropped
    /// (<c>invalidate_inode_pages2</c>, as NFS revalidates a mapping); HostFs writes through, so none is dirty.</summary>
    public override int GetAttr(Inode inode)
    {
        HostFile file = HostFs.FileOf(inode);
        int error = HostLibc.StatAt(file.Fd, string.Empty, HostLibc.AtEmptyPath, out HostStat st);
        if (error != 0)
        {
            return error;
        }
        bool changed = file.Seen != (st.ModifyTime, st.Size);
        file.Seen = (st.ModifyTime, st.Size);
        if (changed && inode.Type == FileType.Regular)
        {
            PageCache.TruncatePages(inode.Mapping, 0);
        }
        HostFs.Apply(inode, st);
        return 0;
    }

    /// <summary><c>evict_inode</c>: the descriptors are closed.</summary>
    public override void Evict(Inode inode) => HostFs.Forget(inode);

    /// <summary><c>iterate_shared</c>: <c>getdents64</c> on a descriptor of its own (a directory's offset is per
    /// descriptor, and several requests may list one directory at once); DT_UNKNOWN entries are <c>statx</c>ed.</summary>
    public override int ReadDir(Inode dir, List<DirectoryEntry> entries)
    {
        const int BufferBytes = 32 << 10;
        int fd = HostLibc.OpenAt(FdOf(dir), ".", HostLibc.ORdOnly | HostLibc.ODirectory | HostLibc.OCloExec, 0);
        if (fd < 0)
        {
            return HostLibc.LastError();
        }
        byte* buffer = (byte*)NativeMemory.Alloc(BufferBytes);
        try
        {
            while (true)
            {
                nint n = HostLibc.GetDents64(fd, buffer, BufferBytes);
                if (n <= 0)
                {
                    return n < 0 ? HostLibc.LastError() : 0;
                }
                for (nint at = 0; at < n;)
                {
                    // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
                    byte* entry = buffer + at;
                    ulong ino = *(ulong*)entry;
                    ushort length = *(ushort*)(entry + 16);
                    byte type = entry[18];
                    string name = Marshal.PtrToStringUTF8((nint)(entry + 19)) ?? string.Empty;
                    at += length;
                    if (name is "." or "..")
                    {
                        continue;
                    }
                    FileType fileType = type < s_direntTypes.Length ? s_direntTypes[type] : 0;
                    if (fileType == 0 && HostLibc.StatAt(fd, name, HostLibc.AtSymlinkNoFollow, out HostStat st) == 0)
                    {
                        fileType = (FileType)(st.Mode & 0xF000);
                    }
                    entries.Add(new DirectoryEntry(name, ino, fileType));
                }
            }
        }
        finally
        {
            NativeMemory.Free(buffer);
            HostLibc.Close(fd);
        }
    }

    /// <summary>
    /// The inode of the host object <paramref name="name"/> in <paramref name="dir"/>, opened as its type asks —
    /// a regular file read-write (read-only where the host refuses writing) and once more O_DIRECT, a directory
    /// O_DIRECTORY, anything else O_PATH — always O_NOFOLLOW. A symbolic link's target is read once
    /// (<c>readlinkat</c>): a link never changes.
    /// </summary>
    internal static int OpenNode(Inode dir, string name, FileType type, out Inode? inode)
    {
        inode = null;
        int dirFd = FdOf(dir);
        int fd;
        int directFd = -1;
        if (type == FileType.Regular)
        {
            int access = HostLibc.ORdWr;
            fd = HostLibc.OpenAt(dirFd, name, access | HostLibc.ONoFollow | HostLibc.OCloExec, 0);
            if (fd < 0 && WriteRefused(HostLibc.LastError()))
            {
                access = HostLibc.ORdOnly;
                fd = HostLibc.OpenAt(dirFd, name, access | HostLibc.ONoFollow | HostLibc.OCloExec, 0);
            }
            if (fd >= 0)
            {
                directFd = HostLibc.OpenAt(dirFd, name, access | HostLibc.ONoFollow | HostLibc.OCloExec | HostLibc.ODirect, 0);
            }
        }
        else if (type == FileType.Directory)
        {
            fd = HostLibc.OpenAt(dirFd, name, HostLibc.ORdOnly | HostLibc.ODirectory | HostLibc.ONoFollow | HostLibc.OCloExec, 0);
        }
        else
        {
            fd = HostLibc.OpenAt(dirFd, name, HostLibc.OPath | HostLibc.ONoFollow | HostLibc.OCloExec, 0);
        }
        if (fd < 0)
        {
            return HostLibc.LastError();
        }
        int error = HostFs.Intern(dir.SuperBlock, new HostFile(HostPathOf(dir, name), fd, directFd), out inode);
        if (error == 0 && inode!.Type == FileType.Symlink && inode.LinkTarget == null)
        {
            error = ReadLink(FdOf(inode), out string? target);
            inode.LinkTarget = target;
        }
        return error;
    }

    // The host lets the daemon read the file but not write it: a mode without w (and no CAP_DAC_OVERRIDE), a
    // read-only filesystem, a running program.
    private static bool WriteRefused(int error)
        => error == Errnos.Neg(Errno.EACCES) || error == Errnos.Neg(Errno.EROFS) || error == Errnos.Neg(Errno.ETXTBSY);

    private static int ReadLink(int fd, out string? target)
    {
        const int Size = 4096; // PATH_MAX
        byte* buffer = stackalloc byte[Size];
        nint n = HostLibc.ReadLinkAt(fd, string.Empty, buffer, Size);
        target = n < 0 ? null : Encoding.UTF8.GetString(buffer, (int)n);
        return n < 0 ? HostLibc.LastError() : 0;
    }

    // The exact mode of a new object (the host applied its own umask; the kernel already applied the caller's) and,
    // where the daemon runs as root, the caller as owner.
    private static int Own(int fd, uint mode, uint uid, uint gid, bool chmod)
    {
        if (chmod && HostLibc.FChmod(fd, mode & 0xFFF) != 0)
        {
            return HostLibc.LastError();
        }
        if (s_root && (uid != 0 || gid != 0) && HostLibc.FChownAt(fd, string.Empty, uid, gid, HostLibc.AtEmptyPath | HostLibc.AtSymlinkNoFollow) != 0)
        {
            return HostLibc.LastError();
        }
        return 0;
    }

    // The directory's new times and link count after a change in it.
    private static int Touched(Inode dir, int error)
    {
        Refresh(dir);
        return error;
    }

    private static int Refresh(Inode inode)
    {
        int error = HostLibc.StatAt(FdOf(inode), string.Empty, HostLibc.AtEmptyPath, out HostStat st);
        if (error == 0)
        {
            HostFs.Apply(inode, st);
        }
        return error;
    }

    private static void SetTime(long* timespec, bool set, DateTime time)
    {
        if (!set)
        {
            timespec[0] = 0;
            timespec[1] = HostLibc.UtimeOmit;
            return;
        }
        long ticks = time.ToUniversalTime().Ticks - DateTime.UnixEpoch.Ticks;
        timespec[0] = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long rest);
        if (rest < 0)
        {
            timespec[0]--;
            rest += TimeSpan.TicksPerSecond;
        }
        timespec[1] = rest * 100;
    }

    private static int Check(int rc) => rc == 0 ? 0 : HostLibc.LastError();

    private static int FdOf(Inode inode) => HostFs.FileOf(inode).Fd;

    private static string HostPathOf(Inode dir, string name) => Path.Join(HostFs.FileOf(dir).HostPath, name);
}

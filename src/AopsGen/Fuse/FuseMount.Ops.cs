using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using AopsGen.Mm;
using AopsGen.Vfs;

namespace AopsGen.Fuse;

// The fuse_lowlevel_ops callbacks: each finds its FuseMount from the request's userdata, turns the request into the
// namespace's operation and replies. A callback never lets an exception out (it would end the process): an
// unexpected one is answered with EIO. Read and write use per-thread native buffers and the open file's handle, so
// they allocate no managed memory.
public sealed unsafe partial class FuseMount
{
    [ThreadStatic]
    private static byte* t_buffer;

    [ThreadStatic]
    private static int t_bufferSize;

    private static void FillOps(FuseLowlevelOps* ops)
    {
        ops->Lookup = &OnLookup;
        ops->Forget = &OnForget;
        ops->Getattr = &OnGetattr;
        ops->Setattr = &OnSetattr;
        ops->Readlink = &OnReadlink;
        ops->Mkdir = &OnMkdir;
        ops->Unlink = &OnUnlink;
        ops->Rmdir = &OnRmdir;
        ops->Symlink = &OnSymlink;
        ops->Rename = &OnRename;
        ops->Link = &OnLink;
        ops->Open = &OnOpen;
        ops->Read = &OnRead;
        ops->Write = &OnWrite;
        ops->Flush = &OnFlush;
        ops->Release = &OnRelease;
        ops->Fsync = &OnFsync;
        ops->Opendir = &OnOpendir;
        ops->Readdir = &OnReaddir;
        ops->Releasedir = &OnReleasedir;
        ops->Fsyncdir = &OnFsyncdir;
        ops->Statfs = &OnStatfs;
        ops->Create = &OnCreate;
        ops->Bmap = &OnBmap;
    }

    private static FuseMount Of(nint req) => (FuseMount)GCHandle.FromIntPtr(LibFuse.ReqUserdata(req)).Target!;

    private static Credentials CredOf(nint req)
    {
        FuseCtx* ctx = LibFuse.ReqCtx(req);
        return ctx->Uid == 0 ? Credentials.Root : Credentials.User(ctx->Uid, ctx->Gid);
    }

    private static string NameOf(byte* name) => Marshal.PtrToStringUTF8((nint)name) ?? string.Empty;

    private static void Fail(nint req, long error) => LibFuse.ReplyErr(req, (int)-error);

    private static T Handle<T>(FuseFileInfo* fi) where T : class => (T)GCHandle.FromIntPtr((nint)fi->Fh).Target!;

    private static void Guard(nint req, Exception e)
    {
        Console.Error.WriteLine($"aopsgen fuse: {e.GetType().Name}: {e.Message}");
        LibFuse.ReplyErr(req, (int)Errno.EIO);
    }

    // generic_fillattr
    private void FillStat(Inode inode, ulong id, Stat* st)
    {
        *st = default;
        st->Ino = inode.Number;
        st->Mode = inode.Mode;
        st->Nlink = inode.Links;
        st->Uid = inode.Uid;
        st->Gid = inode.Gid;
        st->Size = inode.Type == FileType.Symlink && inode.LinkTarget != null ? Encoding.UTF8.GetByteCount(inode.LinkTarget) : inode.Size;
        st->Blksize = inode.SuperBlock.BlockSize;
        st->Blocks = inode.Blocks != 0 ? inode.Blocks : (inode.Size + 511) / 512;
        (st->Atime, st->AtimeNsec) = UnixTime(inode.AccessTime);
        (st->Mtime, st->MtimeNsec) = UnixTime(inode.ModifyTime);
        (st->Ctime, st->CtimeNsec) = UnixTime(inode.ChangeTime);
        _ = id;
    }

    private static (long Seconds, long Nanoseconds) UnixTime(DateTime time)
    {
        long ticks = time.ToUniversalTime().Ticks - DateTime.UnixEpoch.Ticks;
        long seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long rest);
        if (rest < 0)
        {
            seconds--;
            rest += TimeSpan.TicksPerSecond;
        }
        return (seconds, rest * 100);
    }

    private static DateTime FromUnix(long seconds, long nanoseconds)
        => DateTime.UnixEpoch.AddTicks(seconds * TimeSpan.TicksPerSecond + nanoseconds / 100);

    private void ReplyEntry(nint req, Dentry child)
    {
        FuseEntryParam entry = default;
        entry.Ino = Remember(child);
        FillStat(child.Inode, entry.Ino, &entry.Attr);
        entry.AttrTimeout = _options.AttrTimeout;
        entry.EntryTimeout = _options.AttrTimeout;
        LibFuse.ReplyEntry(req, &entry);
    }

    private static byte* Buffer(int size)
    {
        if (t_bufferSize < size)
        {
            NativeMemory.AlignedFree(t_buffer);
            t_bufferSize = Math.Max(size, 1 << 20);
            t_buffer = (byte*)NativeMemory.AlignedAlloc((nuint)t_bufferSize, Page.Size);
        }
        return t_buffer;
    }

    [UnmanagedCallersOnly]
    private static void OnLookup(nint req, ulong parent, byte* name)
    {
        try
        {
            FuseMount m = Of(req);
            Dentry? dir = m.DentryOf(parent);
            if (dir == null)
            {
                Fail(req, Errnos.Neg(Errno.ESTALE));
                return;
            }
            int rc = m.Vfs.LookupAt(dir, NameOf(name), out Dentry? child);
            if (rc != 0)
            {
                Fail(req, rc);
                return;
            }
            m.ReplyEntry(req, child!);
        }
        catch (Exception e)
        {
            Guard(req, e);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnForget(nint req, ulong ino, ulong nlookup)
    {
        try
        {
            Of(req).Forget(ino, nlookup);
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"aopsgen fuse: forget: {e.Message}");
        }
        LibFuse.ReplyNone(req);
    }

    [UnmanagedCallersOnly]
    private static void OnGetattr(nint req, ulong ino, FuseFileInfo* fi)
    {
        try
        {
            FuseMount m = Of(req);
            Dentry? d = m.DentryOf(ino);
            if (d == null)
            {
                Fail(req, Errnos.Neg(Errno.ESTALE));
                return;
            }
            int rc = MountNamespace.GetAttr(d.Inode);
            if (rc != 0)
            {
                Fail(req, rc);
                return;
            }
            Stat st;
            m.FillStat(d.Inode, ino, &st);
            LibFuse.ReplyAttr(req, &st, m._options.AttrTimeout);
        }
        catch (Exception e)
        {
            Guard(req, e);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnSetattr(nint req, ulong ino, Stat* attr, int toSet, FuseFileInfo* fi)
    {
        try
        {
            FuseMount m = Of(req);
            Dentry? d = m.DentryOf(ino);
            if (d == null)
            {
                Fail(req, Errnos.Neg(Errno.ESTALE));
                return;
            }
            AttrValid valid = AttrValid.None;
            DateTime now = DateTime.UtcNow;
            if ((toSet & LibFuse.SetAttrMode) != 0)
            {
                valid |= AttrValid.Mode;
            }
            if ((toSet & LibFuse.SetAttrUid) != 0)
            {
                valid |= AttrValid.Uid;
            }
            if ((toSet & LibFuse.SetAttrGid) != 0)
            {
                valid |= AttrValid.Gid;
            }
            if ((toSet & LibFuse.SetAttrSize) != 0)
            {
                valid |= AttrValid.Size | AttrValid.ModifyTime;
            }
            if ((toSet & (LibFuse.SetAttrAtime | LibFuse.SetAttrAtimeNow)) != 0)
            {
                valid |= AttrValid.AccessTime;
            }
            if ((toSet & (LibFuse.SetAttrMtime | LibFuse.SetAttrMtimeNow)) != 0)
            {
                valid |= AttrValid.ModifyTime;
            }
            var change = new InodeAttr(valid, attr->Mode, attr->Uid, attr->Gid, attr->Size,
                (toSet & LibFuse.SetAttrAtime) != 0 ? FromUnix(attr->Atime, attr->AtimeNsec) : now,
                (toSet & LibFuse.SetAttrMtime) != 0 ? FromUnix(attr->Mtime, attr->MtimeNsec) : now,
                now);
            int rc = m.Vfs.SetAttr(d.Inode, change, CredOf(req));
            if (rc != 0)
            {
                Fail(req, rc);
                return;
            }
            Stat st;
            m.FillStat(d.Inode, ino, &st);
            LibFuse.ReplyAttr(req, &st, m._options.AttrTimeout);
        }
        catch (Exception e)
        {
            Guard(req, e);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnReadlink(nint req, ulong ino)
    {
        try
        {
            Dentry? d = Of(req).DentryOf(ino);
            if (d?.Inode.LinkTarget is not string target)
            {
                Fail(req, Errnos.Neg(d == null ? Errno.ESTALE : Errno.EINVAL));
                return;
            }
            byte* text = (byte*)Marshal.StringToCoTaskMemUTF8(target);
            LibFuse.ReplyReadlink(req, text);
            Marshal.FreeCoTaskMem((nint)text);
        }
        catch (Exception e)
        {
            Guard(req, e);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnMkdir(nint req, ulong parent, byte* name, uint mode)
    {
        try
        {
            FuseMount m = Of(req);
            Dentry? dir = m.DentryOf(parent);
            if (dir == null)
            {
                Fail(req, Errnos.Neg(Errno.ESTALE));
                return;
            }
            int rc = m.Vfs.MkdirAt(dir, NameOf(name), mode, CredOf(req), out Dentry? child);
            if (rc != 0)
            {
                Fail(req, rc);
                return;
            }
            m.ReplyEntry(req, child!);
        }
        catch (Exception e)
        {
            Guard(req, e);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnUnlink(nint req, ulong parent, byte* name) => Remove(req, parent, name, directory: false);

    [UnmanagedCallersOnly]
    private static void OnRmdir(nint req, ulong parent, byte* name) => Remove(req, parent, name, directory: true);

    private static void Remove(nint req, ulong parent, byte* name, bool directory)
    {
        try
        {
            FuseMount m = Of(req);
            Dentry? dir = m.DentryOf(parent);
            if (dir == null)
            {
                Fail(req, Errnos.Neg(Errno.ESTALE));
                return;
            }
            string child = NameOf(name);
            int rc = directory ? m.Vfs.RmdirAt(dir, child, CredOf(req)) : m.Vfs.UnlinkAt(dir, child, CredOf(req));
            LibFuse.ReplyErr(req, -rc);
        }
        catch (Exception e)
        {
            Guard(req, e);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnSymlink(nint req, byte* link, ulong parent, byte* name)
    {
        try
        {
            FuseMount m = Of(req);
            Dentry? dir = m.DentryOf(parent);
            if (dir == null)
            {
                Fail(req, Errnos.Neg(Errno.ESTALE));
                return;
            }
            int rc = m.Vfs.SymlinkAt(dir, NameOf(name), NameOf(link), CredOf(req), out Dentry? child);
            if (rc != 0)
            {
                Fail(req, rc);
                return;
            }
            m.ReplyEntry(req, child!);
        }
        catch (Exception e)
        {
            Guard(req, e);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnRename(nint req, ulong parent, byte* name, ulong newParent, byte* newName, uint flags)
    {
        try
        {
            FuseMount m = Of(req);
            Dentry? from = m.DentryOf(parent);
            Dentry? to = m.DentryOf(newParent);
            if (from == null || to == null)
            {
                Fail(req, Errnos.Neg(Errno.ESTALE));
                return;
            }
            string target = NameOf(newName);
            if ((flags & ~LibFuse.RenameNoReplace) != 0)
            {
                Fail(req, Errnos.Neg(Errno.EINVAL)); // RENAME_EXCHANGE, RENAME_WHITEOUT
                return;
            }
            if ((flags & LibFuse.RenameNoReplace) != 0 && m.Vfs.LookupAt(to, target, out _) == 0)
            {
                Fail(req, Errnos.Neg(Errno.EEXIST));
                return;
            }
            LibFuse.ReplyErr(req, -m.Vfs.RenameAt(from, NameOf(name), to, target, CredOf(req)));
        }
        catch (Exception e)
        {
            Guard(req, e);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnLink(nint req, ulong ino, ulong newParent, byte* newName)
    {
        try
        {
            FuseMount m = Of(req);
            Dentry? old = m.DentryOf(ino);
            Dentry? dir = m.DentryOf(newParent);
            if (old == null || dir == null)
            {
                Fail(req, Errnos.Neg(Errno.ESTALE));
                return;
            }
            int rc = m.Vfs.LinkAt(old, dir, NameOf(newName), CredOf(req), out Dentry? child);
            if (rc != 0)
            {
                Fail(req, rc);
                return;
            }
            m.ReplyEntry(req, child!);
        }
        catch (Exception e)
        {
            Guard(req, e);
        }
    }

    // The open flags the model knows; O_CREAT/O_EXCL/O_TRUNC were handled by the kernel before the open.
    private static OpenFlags FlagsOf(FuseFileInfo* fi)
        => (OpenFlags)fi->Flags & (OpenFlags.WriteOnly | OpenFlags.ReadWrite | OpenFlags.Append | OpenFlags.Direct);

    [UnmanagedCallersOnly]
    private static void OnOpen(nint req, ulong ino, FuseFileInfo* fi)
    {
        try
        {
            FuseMount m = Of(req);
            Dentry? d = m.DentryOf(ino);
            if (d == null)
            {
                Fail(req, Errnos.Neg(Errno.ESTALE));
                return;
            }
            // Close-to-open, as nfs_open revalidates: the filesystem's getattr first (a passthrough drops pages that
            // another program changed under it), then the open.
            OpenFile? file = null;
            int rc = MountNamespace.GetAttr(d.Inode);
            rc = rc == 0 ? m.Vfs.OpenAt(d, FlagsOf(fi), CredOf(req), out file) : rc;
            if (rc != 0)
            {
                Fail(req, rc);
                return;
            }
            fi->Fh = (ulong)GCHandle.ToIntPtr(GCHandle.Alloc(file));
            LibFuse.ReplyOpen(req, fi);
        }
        catch (Exception e)
        {
            Guard(req, e);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnCreate(nint req, ulong parent, byte* name, uint mode, FuseFileInfo* fi)
    {
        try
        {
            FuseMount m = Of(req);
            Dentry? dir = m.DentryOf(parent);
            if (dir == null)
            {
                Fail(req, Errnos.Neg(Errno.ESTALE));
                return;
            }
            Credentials cred = CredOf(req);
            int rc = m.Vfs.CreateAt(dir, NameOf(name), mode, cred, out Dentry? child);
            OpenFile? file = null;
            if (rc == 0)
            {
                // open(2) with O_CREAT may open for writing a file whose new mode denies it (fs/namei.c: may_open
                // is skipped for a file this open created); the creator opens it as root would.
                rc = m.Vfs.OpenAt(child!, FlagsOf(fi), Credentials.Root, out file);
            }
            if (rc != 0)
            {
                Fail(req, rc);
                return;
            }
            fi->Fh = (ulong)GCHandle.ToIntPtr(GCHandle.Alloc(file));
            FuseEntryParam entry = default;
            entry.Ino = m.Remember(child!);
            m.FillStat(child!.Inode, entry.Ino, &entry.Attr);
            entry.AttrTimeout = m._options.AttrTimeout;
            entry.EntryTimeout = m._options.AttrTimeout;
            LibFuse.ReplyCreate(req, &entry, fi);
        }
        catch (Exception e)
        {
            Guard(req, e);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnRead(nint req, ulong ino, nuint size, long off, FuseFileInfo* fi)
    {
        try
        {
            FuseMount m = Of(req);
            OpenFile file = Handle<OpenFile>(fi);
            byte* buffer = Buffer((int)size);
            long n = m.PageCache.Read(file, off, new Span<byte>(buffer, (int)size));
            if (n < 0)
            {
                Fail(req, n);
                return;
            }
            LibFuse.ReplyBuf(req, buffer, (nuint)n);
        }
        catch (Exception e)
        {
            Guard(req, e);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnWrite(nint req, ulong ino, byte* buf, nuint size, long off, FuseFileInfo* fi)
    {
        try
        {
            FuseMount m = Of(req);
            OpenFile file = Handle<OpenFile>(fi);
            long n = m.PageCache.Write(file, off, new ReadOnlySpan<byte>(buf, (int)size));
            if (n < 0)
            {
                Fail(req, n);
                return;
            }
            LibFuse.ReplyWrite(req, (nuint)n);
        }
        catch (Exception e)
        {
            Guard(req, e);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnFlush(nint req, ulong ino, FuseFileInfo* fi) => LibFuse.ReplyErr(req, 0);

    [UnmanagedCallersOnly]
    private static void OnRelease(nint req, ulong ino, FuseFileInfo* fi)
    {
        try
        {
            FuseMount m = Of(req);
            GCHandle handle = GCHandle.FromIntPtr((nint)fi->Fh);
            var file = (OpenFile)handle.Target!;
            handle.Free();
            int rc = (file.Flags & (OpenFlags.WriteOnly | OpenFlags.ReadWrite)) != 0 ? PageCache.Fsync(file) : 0;
            m.Vfs.Close(file);
            LibFuse.ReplyErr(req, -rc);
        }
        catch (Exception e)
        {
            Guard(req, e);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnFsync(nint req, ulong ino, int datasync, FuseFileInfo* fi)
    {
        try
        {
            LibFuse.ReplyErr(req, -PageCache.Fsync(Handle<OpenFile>(fi)));
        }
        catch (Exception e)
        {
            Guard(req, e);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnOpendir(nint req, ulong ino, FuseFileInfo* fi)
    {
        try
        {
            FuseMount m = Of(req);
            Dentry? d = m.DentryOf(ino);
            if (d == null)
            {
                Fail(req, Errnos.Neg(Errno.ESTALE));
                return;
            }
            // The listing is taken at opendir, as a snapshot; "." and ".." lead it.
            var entries = new List<DirectoryEntry>
            {
                new(".", d.Inode.Number, FileType.Directory),
                new("..", d.Parent?.Inode.Number ?? d.Inode.Number, FileType.Directory),
            };
            int rc = m.Vfs.ReadDir(d, entries);
            if (rc != 0)
            {
                Fail(req, rc);
                return;
            }
            fi->Fh = (ulong)GCHandle.ToIntPtr(GCHandle.Alloc(entries));
            LibFuse.ReplyOpen(req, fi);
        }
        catch (Exception e)
        {
            Guard(req, e);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnReaddir(nint req, ulong ino, nuint size, long off, FuseFileInfo* fi)
    {
        try
        {
            List<DirectoryEntry> entries = Handle<List<DirectoryEntry>>(fi);
            byte* buffer = Buffer((int)size + MountNamespace.NameMax + 1);
            byte* name = buffer + size;
            nuint used = 0;
            for (long i = Math.Max(off, 0); i < entries.Count; i++)
            {
                DirectoryEntry entry = entries[(int)i];
                int length = Encoding.UTF8.GetBytes(entry.Name, new Span<byte>(name, MountNamespace.NameMax));
                name[length] = 0;
                Stat st = default;
                st.Ino = entry.Number;
                st.Mode = (uint)entry.Type;
                nuint needed = LibFuse.AddDirentry(req, buffer + used, size - used, name, &st, i + 1);
                if (needed > size - used)
                {
                    break;
                }
                used += needed;
            }
            LibFuse.ReplyBuf(req, buffer, used);
        }
        catch (Exception e)
        {
            Guard(req, e);
        }
    }

    [UnmanagedCallersOnly]
    private static void OnReleasedir(nint req, ulong ino, FuseFileInfo* fi)
    {
        GCHandle.FromIntPtr((nint)fi->Fh).Free();
        LibFuse.ReplyErr(req, 0);
    }

    [UnmanagedCallersOnly]
    private static void OnFsyncdir(nint req, ulong ino, int datasync, FuseFileInfo* fi) => LibFuse.ReplyErr(req, 0);

    [UnmanagedCallersOnly]
    private static void OnStatfs(nint req, ulong ino)
    {
        try
        {
            FuseMount m = Of(req);
            FsStatistics stats = m._options.StatFs?.Invoke() ?? new FsStatistics(Page.Size, 1UL << 28, 1UL << 28, 1UL << 24, 1UL << 24);
            StatVfs st = default;
            st.Bsize = (ulong)stats.BlockSize;
            st.Frsize = (ulong)stats.BlockSize;
            st.Blocks = stats.Blocks;
            st.Bfree = stats.FreeBlocks;
            st.Bavail = stats.FreeBlocks;
            st.Files = stats.Files;
            st.Ffree = stats.FreeFiles;
            st.Favail = stats.FreeFiles;
            st.Namemax = MountNamespace.NameMax;
            LibFuse.ReplyStatfs(req, &st);
        }
        catch (Exception e)
        {
            Guard(req, e);
        }
    }

    // FUSE_BMAP (fuseblk mounts): the filesystem's bmap, for a block size equal to the filesystem's.
    [UnmanagedCallersOnly]
    private static void OnBmap(nint req, ulong ino, nuint blocksize, ulong idx)
    {
        try
        {
            Dentry? d = Of(req).DentryOf(ino);
            if (d == null || (int)blocksize != d.Inode.SuperBlock.BlockSize)
            {
                Fail(req, Errnos.Neg(d == null ? Errno.ESTALE : Errno.EINVAL));
                return;
            }
            LibFuse.ReplyBmap(req, AopsCalls.Bmap(d.Inode.Mapping.Aops, d.Inode.Mapping, idx));
        }
        catch (Exception e)
        {
            Guard(req, e);
        }
    }
}

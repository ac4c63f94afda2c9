using System.Collections.Generic;
using AopsGen.Mm;

namespace AopsGen.Vfs;

// fs/namei.c and fs/namespace.c on dentries: the operations that reach the filesystem through its inode
// operations (Inode.Operations), for callers that hold dentries rather than paths (the FUSE bridge, as the
// kernel's own syscalls do after the walk), their path forms, and umount.
public sealed partial class MountNamespace
{
    private readonly Dictionary<SuperBlock, int> _openFiles = new();

    /// <summary><c>kern_path</c> to the dentry: the dentry at <paramref name="path"/> (a mounted root where a
    /// filesystem is mounted), or -ENOENT, -ENOTDIR, -ENAMETOOLONG, -EINVAL.</summary>
    public int LookupDentry(string path, out Dentry? dentry)
    {
        lock (_lock)
        {
            return Walk(path, out dentry);
        }
    }

    /// <summary><c>lookup_one_len</c>: the child <paramref name="name"/> of the directory <paramref name="dir"/>, from
    /// the dcache or the filesystem's <c>lookup</c>. Returns 0, -ENOENT, -ENOTDIR, -ENAMETOOLONG, -EINVAL.</summary>
    public int LookupAt(Dentry dir, string name, out Dentry? child)
    {
        ArgumentNullException.ThrowIfNull(dir);
        child = null;
        int error = CheckName(dir, name);
        if (error != 0)
        {
            return error;
        }
        lock (_lock)
        {
            error = LookupChild(dir, name, out Dentry? found);
            child = found == null ? null : Enter(found);
            return error;
        }
    }

    /// <summary><c>vfs_open</c> of a dentry: see <see cref="Open(string, OpenFlags, Credentials, out OpenFile?)"/>.</summary>
    public int OpenAt(Dentry dentry, OpenFlags flags, Credentials cred, out OpenFile? file)
    {
        ArgumentNullException.ThrowIfNull(dentry);
        ArgumentNullException.ThrowIfNull(cred);
        return OpenInode(PathOf(dentry.Parent ?? dentry, dentry.Name), dentry.Inode, flags, cred, out file);
    }

    /// <summary><c>vfs_create</c>: a new regular file <paramref name="name"/> in <paramref name="dir"/>, made by the
    /// filesystem's <c>create</c>. Returns 0, -EEXIST, -EACCES, -ENAMETOOLONG, -ENOTDIR or the filesystem's error.</summary>
    public int CreateAt(Dentry dir, string name, uint mode, Credentials cred, out Dentry? child)
        => MakeNode(dir, name, cred, out child, (ops, d) => (ops.Create(d, name, mode & 0xFFF, cred.Uid, cred.Gid, out Inode? i), i));

    /// <summary><c>vfs_mkdir</c>: a new directory. Returns 0, -EEXIST, -EACCES, -EPERM (no <c>mkdir</c>) or the filesystem's error.</summary>
    public int MkdirAt(Dentry dir, string name, uint mode, Credentials cred, out Dentry? child)
        => MakeNode(dir, name, cred, out child, (ops, d) => (ops.Mkdir(d, name, mode & 0xFFF, cred.Uid, cred.Gid, out Inode? i), i));

    /// <summary><c>vfs_symlink</c>: a symbolic link to <paramref name="target"/>. Returns 0, -EEXIST, -EACCES,
    /// -EPERM (no <c>symlink</c>), -ENAMETOOLONG (a target over PATH_MAX) or the filesystem's error.</summary>
    public int SymlinkAt(Dentry dir, string name, string target, Credentials cred, out Dentry? child)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Length == 0)
        {
            child = null;
            return Errnos.Neg(Errno.ENOENT);
        }
        if (System.Text.Encoding.UTF8.GetByteCount(target) >= PathMax)
        {
            child = null;
            return Errnos.Neg(Errno.ENAMETOOLONG);
        }
        return MakeNode(dir, name, cred, out child, (ops, d) => (ops.Symlink(d, name, target, cred.Uid, cred.Gid, out Inode? i), i));
    }

    /// <summary><c>vfs_link</c>: one more name for the inode of <paramref name="old"/>. Returns 0, -EEXIST, -EPERM
    /// (a directory, or no <c>link</c>), -EXDEV (another filesystem), -EACCES or the filesystem's error.</summary>
    public int LinkAt(Dentry old, Dentry dir, string name, Credentials cred, out Dentry? child)
    {
        ArgumentNullException.ThrowIfNull(old);
        if (old.Inode.Type == FileType.Directory)
        {
            child = null;
            return Errnos.Neg(Errno.EPERM);
        }
        if (!ReferenceEquals(old.Inode.SuperBlock, dir.Inode.SuperBlock))
        {
            child = null;
            return Errnos.Neg(Errno.EXDEV);
        }
        return MakeNode(dir, name, cred, out child, (ops, d) => (ops.Link(old.Inode, d, name), old.Inode));
    }

    /// <summary><c>vfs_unlink</c> on a dentry: see <see cref="Unlink(string, Credentials)"/>.</summary>
    public int UnlinkAt(Dentry dir, string name, Credentials cred) => Unlink(PathOf(dir, name), cred);

    /// <summary><c>vfs_rmdir</c>: remove the empty directory <paramref name="name"/>. Returns 0, -ENOENT, -ENOTDIR,
    /// -ENOTEMPTY, -EBUSY (a mount point), -EACCES, -EPERM (no <c>rmdir</c>) or the filesystem's error.</summary>
    public int RmdirAt(Dentry dir, string name, Credentials cred)
    {
        ArgumentNullException.ThrowIfNull(dir);
        ArgumentNullException.ThrowIfNull(cred);
        int error = CheckName(dir, name);
        if (error != 0)
        {
            return name == "." ? Errnos.Neg(Errno.EINVAL) : name == ".." ? Errnos.Neg(Errno.ENOTEMPTY) : error;
        }
        lock (_lock)
        {
            error = LookupChild(dir, name, out Dentry? victim);
            if (error != 0)
            {
                return error;
            }
            if (victim!.Inode.Type != FileType.Directory)
            {
                return Errnos.Neg(Errno.ENOTDIR);
            }
            error = MayDelete(dir, victim, cred);
            if (error != 0)
            {
                return error;
            }
            if (!IsEmptyDirectory(victim))
            {
                return Errnos.Neg(Errno.ENOTEMPTY);
            }
            error = dir.Inode.Operations?.Rmdir(dir.Inode, name, victim.Inode) ?? 0;
            if (error == 0)
            {
                dir.Children.Remove(name);
            }
            return error;
        }
    }

    /// <summary><c>vfs_rename</c> on dentries: see <see cref="Rename(string, string, Credentials)"/>; also -ENOTEMPTY
    /// for a directory onto a non-empty one.</summary>
    public int RenameAt(Dentry oldDir, string oldName, Dentry newDir, string newName, Credentials cred)
        => Rename(PathOf(oldDir, oldName), PathOf(newDir, newName), cred);

    /// <summary>
    /// <c>notify_change</c>: change the attributes of <paramref name="inode"/> through the filesystem's <c>setattr</c>
    /// (fs/attr.c <c>setattr_prepare</c> first): only the owner or root changes mode and times, only root the owner;
    /// a size needs write permission, is -EISDIR on a directory, -EINVAL when negative, -ETXTBSY on an active swap
    /// file that would not grow; the page cache past a new size is dropped (<c>truncate_pagecache</c>).
    /// </summary>
    public int SetAttr(Inode inode, in InodeAttr attr, Credentials cred)
    {
        ArgumentNullException.ThrowIfNull(inode);
        ArgumentNullException.ThrowIfNull(cred);
        bool owner = cred.OverridesPermissions || cred.Uid == inode.Uid;
        if ((attr.Valid & AttrValid.Size) != 0)
        {
            if (inode.Type == FileType.Directory)
            {
                return Errnos.Neg(Errno.EISDIR);
            }
            if (attr.Size < 0)
            {
                return Errnos.Neg(Errno.EINVAL);
            }
            if (!MayAccess(inode, cred, write: true))
            {
                return Errnos.Neg(Errno.EACCES);
            }
            if (inode.IsSwapFile && attr.Size <= inode.Size)
            {
                return Errnos.Neg(Errno.ETXTBSY);
            }
        }
        if ((attr.Valid & (AttrValid.Uid | AttrValid.Gid)) != 0 && !cred.OverridesPermissions
            && ((attr.Valid & AttrValid.Uid) != 0 && attr.Uid != inode.Uid || !owner))
        {
            return Errnos.Neg(Errno.EPERM);
        }
        if ((attr.Valid & (AttrValid.Mode | AttrValid.AccessTime | AttrValid.ModifyTime)) != 0 && !owner)
        {
            return Errnos.Neg(Errno.EPERM);
        }
        lock (_lock)
        {
            return ApplySetAttr(inode, attr);
        }
    }

    /// <summary><c>vfs_getattr</c>: the filesystem's <c>getattr</c> refreshes <paramref name="inode"/> (nothing to do
    /// where it has none), then the caller reads it. Returns 0 or the filesystem's error.</summary>
    public static int GetAttr(Inode inode)
    {
        ArgumentNullException.ThrowIfNull(inode);
        return inode.Operations?.GetAttr(inode) ?? 0;
    }

    /// <summary><c>iterate_dir</c>: the entries of the directory <paramref name="dir"/> but "." and "..", from the
    /// dcache (<c>dcache_readdir</c>) or the filesystem's own <c>readdir</c>. Returns 0, -ENOTDIR or its error.</summary>
    public int ReadDir(Dentry dir, List<DirectoryEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(dir);
        ArgumentNullException.ThrowIfNull(entries);
        if (dir.Inode.Type != FileType.Directory)
        {
            return Errnos.Neg(Errno.ENOTDIR);
        }
        lock (_lock)
        {
            InodeOperations? ops = dir.Inode.Operations;
            if (ops != null && !ops.ListsDcache)
            {
                return ops.ReadDir(dir.Inode, entries);
            }
            foreach (Dentry child in dir.Children.Values)
            {
                Inode inode = Enter(child).Inode;
                entries.Add(new DirectoryEntry(child.Name, inode.Number, inode.Type));
            }
            return 0;
        }
    }

    /// <summary>Path forms of <see cref="MkdirAt"/> (<c>mkdir(2)</c>).</summary>
    public int Mkdir(string path, uint mode, Credentials cred)
        => AtParent(path, (dir, name) => MkdirAt(dir, name, mode, cred, out _));

    /// <summary><c>open(O_CREAT|O_EXCL)</c> without the open: <see cref="CreateAt"/> by path.</summary>
    public int CreateFile(string path, uint mode, Credentials cred, out Inode? inode)
    {
        Inode? made = null;
        int error = AtParent(path, (dir, name) =>
        {
            int e = CreateAt(dir, name, mode, cred, out Dentry? child);
            made = child?.Inode;
            return e;
        });
        inode = made;
        return error;
    }

    /// <summary><c>rmdir(2)</c>.</summary>
    public int Rmdir(string path, Credentials cred) => AtParent(path, (dir, name) => RmdirAt(dir, name, cred));

    /// <summary><c>symlink(2)</c>: <paramref name="path"/> becomes a link to <paramref name="target"/>.</summary>
    public int Symlink(string target, string path, Credentials cred)
        => AtParent(path, (dir, name) => SymlinkAt(dir, name, target, cred, out _));

    /// <summary><c>link(2)</c>.</summary>
    public int Link(string oldPath, string newPath, Credentials cred)
    {
        int error = LookupDentry(oldPath, out Dentry? old);
        return error != 0 ? error : AtParent(newPath, (dir, name) => LinkAt(old!, dir, name, cred, out _));
    }

    /// <summary><c>fput</c>'s last reference: the open file no longer keeps its filesystem busy.</summary>
    public void Close(OpenFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        CountOpen(file.Inode.SuperBlock, -1);
    }

    /// <summary>
    /// <c>umount(2)</c> (fs/namespace.c <c>do_umount</c>): detach the filesystem mounted at <paramref name="path"/>.
    /// Returns 0, -EINVAL (not a mount point, or the namespace's root), -EBUSY while a file on it is open, a swap
    /// file on it is active (S_SWAPFILE) or another filesystem is mounted inside it, or the walk's error. The
    /// filesystem's own teardown (<c>kill_sb</c>) is its caller's, after this succeeds.
    /// </summary>
    public int Umount(string path)
    {
        lock (_lock)
        {
            int error = Walk(path, out Dentry? root);
            if (error != 0)
            {
                return error;
            }
            Dentry? mountPoint = null;
            if (root!.Parent != null && root.Parent.Children.TryGetValue(root.Name, out Dentry? below))
            {
                for (Dentry d = below; d.MountedRoot != null; d = d.MountedRoot)
                {
                    if (ReferenceEquals(d.MountedRoot, root))
                    {
                        mountPoint = d;
                        break;
                    }
                }
            }
            if (mountPoint == null)
            {
                return Errnos.Neg(Errno.EINVAL);
            }
            if (_openFiles.GetValueOrDefault(root.Inode.SuperBlock) > 0 || IsBusy(root))
            {
                return Errnos.Neg(Errno.EBUSY);
            }
            mountPoint.MountedRoot = null;
            return 0;
        }
    }

    /// <summary>PATH_MAX.</summary>
    public const int PathMax = 4096;

    // The filesystem's setattr (simple_setattr where it has no inode operations), then truncate_pagecache.
    private static int ApplySetAttr(Inode inode, in InodeAttr attr)
    {
        long oldSize = inode.Size;
        int error;
        if (inode.Operations != null)
        {
            error = inode.Operations.SetAttr(inode, attr);
        }
        else
        {
            attr.CopyTo(inode);
            error = 0;
        }
        if (error == 0 && (attr.Valid & AttrValid.Size) != 0 && attr.Size < oldSize)
        {
            PageCache.TruncatePages(inode.Mapping, attr.Size);
        }
        return error;
    }

    // lookup_fast: d_lookup, then d_revalidate where the filesystem has it; lookup_slow on a miss or an invalid name
    // (d_alloc_parallel + i_op->lookup). Negative answers are not kept. A name something is mounted on stays (the kernel's
    // d_invalidate would detach the mount).
    private int LookupChild(Dentry dir, string name, out Dentry? child)
    {
        if (dir.Inode.Type != FileType.Directory)
        {
            child = null;
            return Errnos.Neg(Errno.ENOTDIR);
        }
        if (dir.Children.TryGetValue(name, out child))
        {
            if (child.MountedRoot != null || dir.Inode.SuperBlock.DentryOperations is not { } dops)
            {
                return 0;
            }
            int valid = dops.Revalidate(dir.Inode, name, child);
            if (valid > 0)
            {
                return 0;
            }
            child = null;
            if (valid < 0)
            {
                return valid;
            }
            dir.Children.Remove(name);
        }
        InodeOperations? ops = dir.Inode.Operations;
        if (ops == null)
        {
            return Errnos.Neg(Errno.ENOENT);
        }
        int error = ops.Lookup(dir.Inode, name, out Inode? inode);
        if (error != 0)
        {
            return error;
        }
        if (inode == null)
        {
            return Errnos.Neg(Errno.ENOENT);
        }
        child = new Dentry(name, inode, dir);
        dir.Children.Add(name, child);
        return 0;
    }

    // may_create and the dcache side of vfs_create/mkdir/symlink/link: the name is free, the parent writable; the
    // filesystem makes (or links) the inode; the namespace binds the name.
    private int MakeNode(Dentry dir, string name, Credentials cred, out Dentry? child, Func<InodeOperations, Inode, (int Error, Inode? Inode)> make)
    {
        ArgumentNullException.ThrowIfNull(dir);
        ArgumentNullException.ThrowIfNull(cred);
        child = null;
        int error = CheckName(dir, name);
        if (error != 0)
        {
            return name is "." or ".." ? Errnos.Neg(Errno.EEXIST) : error;
        }
        lock (_lock)
        {
            if (LookupChild(dir, name, out _) == 0)
            {
                return Errnos.Neg(Errno.EEXIST);
            }
            if (!MayAccess(dir.Inode, cred, write: true))
            {
                return Errnos.Neg(Errno.EACCES);
            }
            InodeOperations? ops = dir.Inode.Operations;
            if (ops == null)
            {
                return Errnos.Neg(Errno.EPERM);
            }
            (error, Inode? inode) = make(ops, dir.Inode);
            if (error != 0)
            {
                return error;
            }
            child = new Dentry(name, inode!, dir);
            dir.Children.Add(name, child);
            return 0;
        }
    }

    private static int CheckName(Dentry dir, string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (dir.Inode.Type != FileType.Directory)
        {
            return Errnos.Neg(Errno.ENOTDIR);
        }
        if (name.Length == 0 || name.Contains('/'))
        {
            return Errnos.Neg(Errno.ENOENT);
        }
        if (System.Text.Encoding.UTF8.GetByteCount(name) > NameMax)
        {
            return Errnos.Neg(Errno.ENAMETOOLONG);
        }
        return name is "." or ".." ? Errnos.Neg(Errno.EINVAL) : 0;
    }

    // simple_empty on the dcache, or the filesystem's own listing.
    private bool IsEmptyDirectory(Dentry dir)
    {
        InodeOperations? ops = dir.Inode.Operations;
        if (ops != null && !ops.ListsDcache)
        {
            var entries = new List<DirectoryEntry>();
            return ops.ReadDir(dir.Inode, entries) == 0 && entries.Count == 0;
        }
        return dir.Children.Count == 0;
    }

    // Any active swap file or mount inside the tree below root keeps it busy.
    private static bool IsBusy(Dentry root)
    {
        foreach (Dentry child in root.Children.Values)
        {
            if (child.MountedRoot != null || child.Inode.IsSwapFile || IsBusy(child))
            {
                return true;
            }
        }
        return false;
    }

    private void CountOpen(SuperBlock sb, int delta)
    {
        lock (_lock)
        {
            int count = _openFiles.GetValueOrDefault(sb) + delta;
            if (count > 0)
            {
                _openFiles[sb] = count;
            }
            else
            {
                _openFiles.Remove(sb);
            }
        }
    }

    private int AtParent(string path, Func<Dentry, string, int> operation)
    {
        Dentry? parent;
        string name;
        lock (_lock)
        {
            int error = WalkParent(path, out parent, out name);
            if (error != 0)
            {
                return error;
            }
        }
        return operation(parent!, name);
    }

    // d_path: the absolute path of name in dir, for the path-based operations this forwards to.
    private string PathOf(Dentry dir, string name)
    {
        var parts = new List<string> { name };
        lock (_lock)
        {
            for (Dentry? d = dir; d != null && d.Parent != null; d = d.Parent)
            {
                parts.Add(d.Name);
            }
        }
        parts.Reverse();
        return "/" + string.Join('/', parts);
    }
}

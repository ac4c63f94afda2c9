using System.Collections.Generic;

namespace AopsGen.Vfs;

/// <summary>fs/dcache.c: <c>struct dentry</c>, one name in the tree, bound to its inode.</summary>
public sealed class Dentry
{
    private readonly Dictionary<string, Dentry> _children = new(StringComparer.Ordinal);

    internal Dentry(string name, Inode inode, Dentry? parent)
    {
        Name = name;
        Inode = inode;
        Parent = parent;
    }

    /// <summary><c>d_name</c>.</summary>
    public string Name { get; internal set; }

    /// <summary><c>d_inode</c>.</summary>
    public Inode Inode { get; }

    /// <summary><c>d_parent</c>; null for a filesystem's root.</summary>
    public Dentry? Parent { get; internal set; }

    /// <summary>The root of the filesystem mounted on this directory, if any (<c>d_mountpoint</c>).</summary>
    public Dentry? MountedRoot { get; internal set; }

    internal Dictionary<string, Dentry> Children => _children;
}

/// <summary>
/// The path side of the VFS (fs/namei.c, fs/open.c, fs/namespace.c): a tree of names over the filesystems
/// mounted into it, path lookup, open, and the namespace operations with the kernel's errno — including the
/// rules for an active swap file (S_SWAPFILE): truncating it to its size or less is ETXTBSY
/// (<c>inode_newsize_ok</c>), unlinking or renaming it is EPERM (<c>may_delete</c>), and writing to it through
/// the VFS is ETXTBSY (<c>generic_write_checks</c>, the rule since Linux 5.2; 3.6 did not stop writes).
/// File data moves through the file's <see cref="AddressSpace.Aops"/>: writes use <c>write_begin</c> /
/// <c>write_end</c> via <see cref="AopsCalls"/>. Paths are absolute; symbolic links are not followed.
/// Thread-safe: one lock guards the tree.
/// </summary>
public sealed partial class MountNamespace
{
    /// <summary>NAME_MAX.</summary>
    public const int NameMax = 255;

    private readonly object _lock = new();
    private readonly Dentry _root;

    /// <summary>A namespace whose "/" is <paramref name="rootDirectory"/>, a directory of the root filesystem.</summary>
    public MountNamespace(Inode rootDirectory)
    {
        ArgumentNullException.ThrowIfNull(rootDirectory);
        if (rootDirectory.Type != FileType.Directory)
        {
            throw new ArgumentException("The root must be a directory.", nameof(rootDirectory));
        }
        _root = new Dentry("/", rootDirectory, null);
    }

    /// <summary><c>do_mount</c>: mount the filesystem whose root directory is <paramref name="root"/> on the
    /// directory <paramref name="path"/>; as in Linux, a mount on a mount point stacks on top and hides the one
    /// below. Returns 0, -ENOENT or -ENOTDIR.</summary>
    public int Mount(string path, Inode root)
    {
        ArgumentNullException.ThrowIfNull(root);
        if (root.Type != FileType.Directory)
        {
            return Errnos.Neg(Errno.ENOTDIR);
        }
        lock (_lock)
        {
            int error = Walk(path, out Dentry? target);
            if (error != 0)
            {
                return error;
            }
            if (target!.Inode.Type != FileType.Directory)
            {
                return Errnos.Neg(Errno.ENOTDIR);
            }
            // ".." from the mounted root leads out of the mount, to the mount point's parent (follow_dotdot).
            target.MountedRoot = new Dentry(target.Name, root, target.Parent);
            return 0;
        }
    }

    /// <summary><c>kern_path</c>: the inode at <paramref name="path"/>, or -ENOENT, -ENOTDIR, -ENAMETOOLONG, -EINVAL (not absolute).</summary>
    public int Lookup(string path, out Inode? inode)
    {
        lock (_lock)
        {
            int error = Walk(path, out Dentry? dentry);
            inode = dentry?.Inode;
            return error;
        }
    }

    /// <summary><c>vfs_create</c>/<c>vfs_mkdir</c>: bind <paramref name="inode"/>, made by its filesystem, to
    /// <paramref name="path"/>. Returns 0, -EEXIST, -ENOENT (no parent), -ENOTDIR, -EXDEV (the inode belongs to
    /// another filesystem than the parent directory), -EACCES (no write permission on the parent).</summary>
    public int Create(string path, Inode inode, Credentials cred)
    {
        ArgumentNullException.ThrowIfNull(inode);
        ArgumentNullException.ThrowIfNull(cred);
        lock (_lock)
        {
            int error = WalkParent(path, out Dentry? parent, out string name);
            if (error != 0)
            {
                return error;
            }
            if (!ReferenceEquals(parent!.Inode.SuperBlock, inode.SuperBlock))
            {
                return Errnos.Neg(Errno.EXDEV);
            }
            if (!MayAccess(parent.Inode, cred, write: true))
            {
                return Errnos.Neg(Errno.EACCES);
            }
            if (parent.Children.ContainsKey(name))
            {
                return Errnos.Neg(Errno.EEXIST);
            }
            parent.Children.Add(name, new Dentry(name, inode, parent));
            return 0;
        }
    }

    /// <summary>
    /// <c>do_filp_open</c>: open <paramref name="path"/>. Returns 0 with the file, or -ENOENT, -ENOTDIR, -EISDIR
    /// (a directory opened for writing), -EACCES (permission bits), -EINVAL (O_DIRECT on a filesystem without
    /// <c>direct_IO</c>, fs/open.c:636).
    /// </summary>
    public int Open(string path, OpenFlags flags, Credentials cred, out OpenFile? file)
    {
        ArgumentNullException.ThrowIfNull(cred);
        file = null;
        Inode? inode;
        lock (_lock)
        {
            int error = Walk(path, out Dentry? dentry);
            if (error != 0)
            {
                return error;
            }
            inode = dentry!.Inode;
        }
        return OpenInode(path, inode, flags, cred, out file);
    }

    // may_open and the file itself (do_dentry_open).
    private int OpenInode(string path, Inode inode, OpenFlags flags, Credentials cred, out OpenFile? file)
    {
        file = null;
        bool write = (flags & (OpenFlags.WriteOnly | OpenFlags.ReadWrite)) != 0;
        if (inode.Type == FileType.Directory && write)
        {
            return Errnos.Neg(Errno.EISDIR);
        }
        bool read = (flags & OpenFlags.WriteOnly) == 0;
        if ((read && !MayAccess(inode, cred, write: false)) || (write && !MayAccess(inode, cred, write: true)))
        {
            return Errnos.Neg(Errno.EACCES);
        }
        if ((flags & OpenFlags.Direct) != 0 && !inode.Mapping.Aops.Has(AddressSpaceOp.DirectIO))
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        file = new OpenFile(path, inode, flags);
        CountOpen(inode.SuperBlock, +1);
        return 0;
    }

    /// <summary><c>do_truncate</c>: set the file's size. Returns 0, -ENOENT, -EISDIR, -EACCES, -EINVAL (negative
    /// size), or -ETXTBSY when the file is an active swap file and the size does not grow (<c>inode_newsize_ok</c>).</summary>
    public int Truncate(string path, long size, Credentials cred)
    {
        ArgumentNullException.ThrowIfNull(cred);
        if (size < 0)
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        int error = Lookup(path, out Inode? inode);
        if (error != 0)
        {
            return error;
        }
        if (inode!.Type == FileType.Directory)
        {
            return Errnos.Neg(Errno.EISDIR);
        }
        if (!MayAccess(inode, cred, write: true))
        {
            return Errnos.Neg(Errno.EACCES);
        }
        if (inode.IsSwapFile && size <= inode.Size)
        {
            return Errnos.Neg(Errno.ETXTBSY);
        }
        return ApplySetAttr(inode, new InodeAttr(AttrValid.Size | AttrValid.ModifyTime, Size: size, ModifyTime: DateTime.UtcNow));
    }

    /// <summary><c>vfs_unlink</c>: remove the name. Returns 0, -ENOENT, -EISDIR, -EACCES, -EBUSY (a mount point),
    /// or -EPERM for an active swap file (<c>may_delete</c>: IS_SWAPFILE).</summary>
    public int Unlink(string path, Credentials cred)
    {
        ArgumentNullException.ThrowIfNull(cred);
        lock (_lock)
        {
            int error = WalkParent(path, out Dentry? parent, out string name);
            if (error != 0)
            {
                return error;
            }
            error = LookupChild(parent!, name, out Dentry? found);
            if (error != 0)
            {
                return error;
            }
            Dentry victim = found!;
            error = MayDelete(parent!, victim, cred);
            if (error != 0)
            {
                return error;
            }
            if (victim.Inode.Type == FileType.Directory)
            {
                return Errnos.Neg(Errno.EISDIR);
            }
            error = parent!.Inode.Operations?.Unlink(parent.Inode, name, victim.Inode) ?? 0;
            if (error == 0)
            {
                parent.Children.Remove(name);
            }
            return error;
        }
    }

    /// <summary><c>vfs_rename</c>: move <paramref name="oldPath"/> to <paramref name="newPath"/>, replacing a file
    /// there. Returns 0, -ENOENT, -EXDEV (across filesystems), -EACCES, -EISDIR/-ENOTDIR (type mismatch with the
    /// target), or -EPERM when either is an active swap file.</summary>
    public int Rename(string oldPath, string newPath, Credentials cred)
    {
        ArgumentNullException.ThrowIfNull(cred);
        lock (_lock)
        {
            int error = WalkParent(oldPath, out Dentry? oldParent, out string oldName);
            if (error != 0)
            {
                return error;
            }
            error = WalkParent(newPath, out Dentry? newParent, out string newName);
            if (error != 0)
            {
                return error;
            }
            error = LookupChild(oldParent!, oldName, out Dentry? found);
            if (error != 0)
            {
                return error;
            }
            Dentry source = found!;
            if (!ReferenceEquals(oldParent!.Inode.SuperBlock, newParent!.Inode.SuperBlock))
            {
                return Errnos.Neg(Errno.EXDEV);
            }
            error = MayDelete(oldParent!, source, cred);
            if (error != 0)
            {
                return error;
            }
            Dentry? target = LookupChild(newParent, newName, out Dentry? existing) == 0 ? existing : null;
            if (target != null)
            {
                if (ReferenceEquals(target, source))
                {
                    return 0;
                }
                error = MayDelete(newParent, target, cred);
                if (error != 0)
                {
                    return error;
                }
                if (target.Inode.Type == FileType.Directory && source.Inode.Type != FileType.Directory)
                {
                    return Errnos.Neg(Errno.EISDIR);
                }
                if (target.Inode.Type != FileType.Directory && source.Inode.Type == FileType.Directory)
                {
                    return Errnos.Neg(Errno.ENOTDIR);
                }
            }
            else if (!MayAccess(newParent.Inode, cred, write: true))
            {
                return Errnos.Neg(Errno.EACCES);
            }
            for (Dentry? ancestor = newParent; ancestor != null; ancestor = ancestor.Parent)
            {
                if (ReferenceEquals(ancestor, source))
                {
                    return Errnos.Neg(Errno.EINVAL); // a directory into its own subtree
                }
            }
            if (target != null && target.Inode.Type == FileType.Directory && !IsEmptyDirectory(target))
            {
                return Errnos.Neg(Errno.ENOTEMPTY);
            }
            if (oldParent.Inode.Operations != null)
            {
                error = oldParent.Inode.Operations.Rename(oldParent.Inode, oldName, source.Inode, newParent.Inode, newName, target?.Inode);
                if (error != 0)
                {
                    return error;
                }
            }
            oldParent.Children.Remove(oldName);
            source.Name = newName;
            source.Parent = newParent;
            newParent.Children[newName] = source;
            return 0;
        }
    }

    /// <summary>
    /// <c>generic_perform_write</c> behind <c>generic_write_checks</c>: write <paramref name="data"/> at
    /// <paramref name="position"/> page by page through the filesystem's <c>write_begin</c> (which returns a locked
    /// page) and <c>write_end</c> (which commits and unlocks it), then grow <c>i_size</c>. Returns the bytes
    /// written, or -EBADF (not open for writing), -EINVAL, -ETXTBSY for an active swap file (Linux 5.2+), or the
    /// filesystem's error (-EINVAL when it has no <c>write_begin</c>).
    /// </summary>
    public static long Write(OpenFile file, long position, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(file);
        if ((file.Flags & (OpenFlags.WriteOnly | OpenFlags.ReadWrite)) == 0)
        {
            return Errnos.Neg(Errno.EBADF);
        }
        if (position < 0)
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        Inode inode = file.Inode;
        if (inode.IsSwapFile)
        {
            return Errnos.Neg(Errno.ETXTBSY);
        }
        AddressSpace mapping = file.Mapping;
        long written = 0;
        while (written < data.Length)
        {
            long pos = position + written;
            int offset = (int)(pos & (Page.Size - 1));
            uint length = (uint)Math.Min(Page.Size - offset, data.Length - written);
            int status = AopsCalls.WriteBegin(mapping.Aops, file, mapping, pos, length, 0, out Page? page, out object? fsData);
            if (status < 0)
            {
                return written > 0 ? written : status;
            }
            data.Slice((int)written, (int)length).CopyTo(page!.Bytes.Slice(offset));
            status = AopsCalls.WriteEnd(mapping.Aops, file, mapping, pos, length, length, page, fsData);
            if (status < 0)
            {
                return written > 0 ? written : status;
            }
            written += status;
            if (pos + status > inode.Size)
            {
                inode.Size = pos + status;
            }
            if (status == 0)
            {
                break;
            }
        }
        return written;
    }

    // may_delete: sticky bits aside, write permission on the parent; an active swap file cannot go (-EPERM);
    // a mount point is busy.
    private static int MayDelete(Dentry parent, Dentry victim, Credentials cred)
    {
        if (!MayAccess(parent.Inode, cred, write: true))
        {
            return Errnos.Neg(Errno.EACCES);
        }
        if (victim.Inode.IsSwapFile)
        {
            return Errnos.Neg(Errno.EPERM);
        }
        if (victim.MountedRoot != null)
        {
            return Errnos.Neg(Errno.EBUSY);
        }
        return 0;
    }

    // generic_permission over the owner/group/other bits; uid 0 overrides them.
    private static bool MayAccess(Inode inode, Credentials cred, bool write)
    {
        if (cred.OverridesPermissions)
        {
            return true;
        }
        uint bits = cred.Uid == inode.Uid ? inode.Permissions >> 6 : cred.Gid == inode.Gid ? inode.Permissions >> 3 : inode.Permissions;
        return (bits & (write ? 2u : 4u)) != 0;
    }

    private int Walk(string path, out Dentry? result)
    {
        result = null;
        if (string.IsNullOrEmpty(path) || path[0] != '/')
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        Dentry current = Enter(_root);
        foreach (string component in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (component.Length > NameMax)
            {
                return Errnos.Neg(Errno.ENAMETOOLONG);
            }
            if (current.Inode.Type != FileType.Directory)
            {
                return Errnos.Neg(Errno.ENOTDIR);
            }
            if (component == ".")
            {
                continue;
            }
            if (component == "..")
            {
                current = Enter(current.Parent ?? current);
                continue;
            }
            int error = LookupChild(current, component, out Dentry? next);
            if (error != 0)
            {
                return error;
            }
            current = Enter(next!);
        }
        result = current;
        return 0;
    }

    private int WalkParent(string path, out Dentry? parent, out string name)
    {
        parent = null;
        name = string.Empty;
        if (string.IsNullOrEmpty(path) || path[0] != '/')
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        string trimmed = path.TrimEnd('/');
        int slash = trimmed.LastIndexOf('/');
        name = trimmed[(slash + 1)..];
        if (name.Length == 0 || name == "." || name == "..")
        {
            return Errnos.Neg(name.Length == 0 ? Errno.EBUSY : Errno.EINVAL);
        }
        if (name.Length > NameMax)
        {
            return Errnos.Neg(Errno.ENAMETOOLONG);
        }
        int error = Walk(slash == 0 ? "/" : trimmed[..slash], out parent);
        if (error == 0 && parent!.Inode.Type != FileType.Directory)
        {
            return Errnos.Neg(Errno.ENOTDIR);
        }
        return error;
    }

    // Crossing into a mounted filesystem (follow_mount).
    private static Dentry Enter(Dentry dentry)
    {
        while (dentry.MountedRoot != null)
        {
            dentry = dentry.MountedRoot;
        }
        return dentry;
    }
}

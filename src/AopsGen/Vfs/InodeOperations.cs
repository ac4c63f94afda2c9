using System.Collections.Generic;

namespace AopsGen;

/// <summary>
/// include/linux/fs.h: <c>struct inode_operations</c>, what the VFS asks of a filesystem about names and
/// attributes. <see cref="Vfs.MountNamespace"/> checks permissions, types and busy files first (fs/namei.c
/// <c>may_create</c>, <c>may_delete</c>) and then calls these, under its lock. Each default is what the kernel
/// does when the op is NULL: no <c>create</c> is -EACCES (<c>vfs_create</c>), no <c>mkdir</c>, <c>unlink</c>,
/// <c>rmdir</c>, <c>rename</c>, <c>link</c> or <c>symlink</c> is -EPERM; <c>lookup</c> answers "no such name"
/// (<c>simple_lookup</c>: the names live in the dcache); <c>setattr</c> is <c>simple_setattr</c>.
/// A filesystem's <c>create</c>/<c>mkdir</c>/<c>symlink</c> make the inode (with <c>i_op</c> set) and the
/// namespace binds the name; <c>unlink</c>/<c>rmdir</c>/<c>rename</c>/<c>link</c> update the filesystem's own
/// directory and link counts, and the namespace its dcache.
/// </summary>
public abstract class InodeOperations
{
    /// <summary><c>lookup</c>: the inode named <paramref name="name"/> in <paramref name="dir"/>, or null (a
    /// negative dentry). Returns 0 or a negative errno.</summary>
    public virtual int Lookup(Inode dir, string name, out Inode? inode)
    {
        inode = null;
        return 0;
    }

    /// <summary><c>create</c>: a new regular file of mode <paramref name="mode"/> (permission bits) owned by
    /// <paramref name="uid"/>/<paramref name="gid"/>. Returns 0 or a negative errno (-ENOSPC, …).</summary>
    public virtual int Create(Inode dir, string name, uint mode, uint uid, uint gid, out Inode? inode)
    {
        inode = null;
        return Errnos.Neg(Errno.EACCES);
    }

    /// <summary><c>mkdir</c>: a new, empty directory.</summary>
    public virtual int Mkdir(Inode dir, string name, uint mode, uint uid, uint gid, out Inode? inode)
    {
        inode = null;
        return Errnos.Neg(Errno.EPERM);
    }

    /// <summary><c>symlink</c>: a new symbolic link to <paramref name="target"/>.</summary>
    public virtual int Symlink(Inode dir, string name, string target, uint uid, uint gid, out Inode? inode)
    {
        inode = null;
        return Errnos.Neg(Errno.EPERM);
    }

    /// <summary><c>link</c>: one more name, <paramref name="name"/> in <paramref name="dir"/>, for <paramref name="inode"/>.</summary>
    public virtual int Link(Inode inode, Inode dir, string name) => Errnos.Neg(Errno.EPERM);

    /// <summary><c>unlink</c>: remove the name <paramref name="name"/> of <paramref name="inode"/> from <paramref name="dir"/>.</summary>
    public virtual int Unlink(Inode dir, string name, Inode inode) => Errnos.Neg(Errno.EPERM);

    /// <summary><c>rmdir</c>: remove the empty directory <paramref name="inode"/> (the namespace has checked it is empty).</summary>
    public virtual int Rmdir(Inode dir, string name, Inode inode) => Errnos.Neg(Errno.EPERM);

    /// <summary><c>rename</c>: move <paramref name="inode"/> from <paramref name="oldDir"/>/<paramref name="oldName"/> to
    /// <paramref name="newDir"/>/<paramref name="newName"/>, replacing <paramref name="target"/> when there is one.</summary>
    public virtual int Rename(Inode oldDir, string oldName, Inode inode, Inode newDir, string newName, Inode? target) => Errnos.Neg(Errno.EPERM);

    /// <summary>
    /// <c>setattr</c>; the default is fs/libfs.c <c>simple_setattr</c>: a new size goes through
    /// <c>truncate_setsize</c> (the namespace drops the page cache past it), the other attributes are copied.
    /// </summary>
    public virtual int SetAttr(Inode inode, in InodeAttr attr)
    {
        ArgumentNullException.ThrowIfNull(inode);
        attr.CopyTo(inode);
        return 0;
    }

    /// <summary><c>getattr</c>: bring <paramref name="inode"/>'s attributes up to date before <c>stat</c> reports
    /// them (a passthrough or network filesystem asks the object behind it). The default is the kernel's with a NULL
    /// op, <c>generic_fillattr</c>: the inode as it is (0). Returns 0 or a negative errno.</summary>
    public virtual int GetAttr(Inode inode) => 0;

    /// <summary><c>super_operations.evict_inode</c>: the last user of <paramref name="inode"/>, which has no link
    /// left, went away (its page cache is already truncated); the filesystem frees what the inode still holds.
    /// The default does nothing (ramfs: the memory goes with the object).</summary>
    public virtual void Evict(Inode inode)
    {
    }

    /// <summary>Whether <see cref="ReadDir"/> lists the dcache (<c>simple_dir_operations</c>, <c>dcache_readdir</c>:
    /// every name lives in memory) rather than the filesystem's own directory.</summary>
    public virtual bool ListsDcache => true;

    /// <summary><c>file_operations.iterate_shared</c> of a directory (kept here: the model has no per-file
    /// operations table): append every entry of <paramref name="dir"/> but "." and "..". Called only when
    /// <see cref="ListsDcache"/> is false.</summary>
    public virtual int ReadDir(Inode dir, List<DirectoryEntry> entries) => Errnos.Neg(Errno.ENOTDIR);
}

/// <summary>include/linux/fs.h: the <c>ATTR_*</c> bits of <c>ia_valid</c>: which fields of an <see cref="InodeAttr"/> to set.</summary>
[Flags]
public enum AttrValid
{
    /// <summary>Nothing.</summary>
    None = 0,
    /// <summary>ATTR_MODE.</summary>
    Mode = 1,
    /// <summary>ATTR_UID.</summary>
    Uid = 2,
    /// <summary>ATTR_GID.</summary>
    Gid = 4,
    /// <summary>ATTR_SIZE.</summary>
    Size = 8,
    /// <summary>ATTR_ATIME.</summary>
    AccessTime = 16,
    /// <summary>ATTR_MTIME.</summary>
    ModifyTime = 32,
    /// <summary>ATTR_CTIME.</summary>
    ChangeTime = 64,
}

/// <summary>include/linux/fs.h: <c>struct iattr</c>, a change of attributes for <c>notify_change</c>/<c>setattr</c>.</summary>
public readonly record struct InodeAttr(AttrValid Valid, uint Mode = 0, uint Uid = 0, uint Gid = 0, long Size = 0,
    DateTime AccessTime = default, DateTime ModifyTime = default, DateTime ChangeTime = default)
{
    /// <summary><c>setattr_copy</c> and <c>i_size_write</c>: the valid fields onto <paramref name="inode"/>.</summary>
    public void CopyTo(Inode inode)
    {
        ArgumentNullException.ThrowIfNull(inode);
        if ((Valid & AttrValid.Mode) != 0)
        {
            inode.Permissions = Mode & 0xFFF;
        }
        if ((Valid & AttrValid.Uid) != 0)
        {
            inode.Uid = Uid;
        }
        if ((Valid & AttrValid.Gid) != 0)
        {
            inode.Gid = Gid;
        }
        if ((Valid & AttrValid.Size) != 0)
        {
            inode.Size = Size;
        }
        if ((Valid & AttrValid.AccessTime) != 0)
        {
            inode.AccessTime = AccessTime;
        }
        if ((Valid & AttrValid.ModifyTime) != 0)
        {
            inode.ModifyTime = ModifyTime;
        }
        inode.ChangeTime = (Valid & AttrValid.ChangeTime) != 0 ? ChangeTime : DateTime.UtcNow;
    }
}

/// <summary>One entry <c>readdir</c> reports (<c>dir_emit</c>'s name, inode number and type).</summary>
public readonly record struct DirectoryEntry(string Name, ulong Number, FileType Type);

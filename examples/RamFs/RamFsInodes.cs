using AopsGen.Vfs;

namespace AopsGen.Examples;

/// <summary>
/// fs/ramfs/inode.c: RamFs's <c>inode_operations</c>. Names live in the dcache (<c>simple_lookup</c>,
/// <c>dcache_readdir</c>), so these only make inodes and keep link counts and times, as <c>ramfs_mknod</c>,
/// <c>simple_link</c>, <c>simple_unlink</c>, <c>simple_rmdir</c> and <c>simple_rename</c> do. A regular file's bytes
/// are a <see cref="RamFile"/>, freed when the last reference to the inode goes.
/// </summary>
internal sealed class RamFsInodes : InodeOperations
{
    public static readonly RamFsInodes Instance = new();

    public override int Create(Inode dir, string name, uint mode, uint uid, uint gid, out Inode? inode)
    {
        inode = RamFs.NewInode(dir.SuperBlock, FileType.Regular, mode, uid, gid);
        inode.Private = new RamFile(0);
        Touch(dir);
        return 0;
    }

    public override int Mkdir(Inode dir, string name, uint mode, uint uid, uint gid, out Inode? inode)
    {
        inode = RamFs.NewInode(dir.SuperBlock, FileType.Directory, mode, uid, gid);
        inode.Links = 2;
        dir.Links++;
        Touch(dir);
        return 0;
    }

    public override int Symlink(Inode dir, string name, string target, uint uid, uint gid, out Inode? inode)
    {
        inode = RamFs.NewInode(dir.SuperBlock, FileType.Symlink, 0x1FF, uid, gid);
        inode.LinkTarget = target;
        Touch(dir);
        return 0;
    }

    public override int Link(Inode inode, Inode dir, string name)
    {
        inode.Links++;
        inode.ChangeTime = DateTime.UtcNow;
        Touch(dir);
        return 0;
    }

    public override int Unlink(Inode dir, string name, Inode inode)
    {
        inode.Links--;
        inode.ChangeTime = DateTime.UtcNow;
        Touch(dir);
        return 0;
    }

    public override int Rmdir(Inode dir, string name, Inode inode)
    {
        inode.Links = 0;
        dir.Links--;
        Touch(dir);
        return 0;
    }

    public override int Rename(Inode oldDir, string oldName, Inode inode, Inode newDir, string newName, Inode? target)
    {
        bool directory = inode.Type == FileType.Directory;
        if (target != null)
        {
            target.Links = target.Type == FileType.Directory ? 0 : target.Links - 1;
            if (target.Type == FileType.Directory)
            {
                newDir.Links--;
            }
        }
        if (directory && !ReferenceEquals(oldDir, newDir))
        {
            oldDir.Links--;
            newDir.Links++;
        }
        inode.ChangeTime = DateTime.UtcNow;
        Touch(oldDir);
        Touch(newDir);
        return 0;
    }

    /// <summary><c>simple_setattr</c>; a smaller size zeroes the bytes past it, so that growing again reads zeros.</summary>
    public override int SetAttr(Inode inode, in InodeAttr attr)
    {
        if ((attr.Valid & AttrValid.Size) != 0 && inode.Private is RamFile data)
        {
            if (attr.Size < inode.Size)
            {
                data.Truncate(attr.Size);
            }
            inode.Blocks = (attr.Size + 511) / 512;
        }
        return base.SetAttr(inode, attr);
    }

    private static void Touch(Inode dir) => dir.ModifyTime = dir.ChangeTime = DateTime.UtcNow;
}

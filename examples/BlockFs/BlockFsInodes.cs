using AopsGen.Vfs;

namespace AopsGen.Examples;

/// <summary>
/// fs/ext2/namei.c and fs/ext2/inode.c: BlockFs's <c>inode_operations</c>. The names live in the namespace's dcache
/// (loaded from the image at mount, as <c>ListsDcache</c> says), so <c>lookup</c> and <c>readdir</c> are the VFS's;
/// these change the image — inode records, directory records, link counts, times, sizes — and write the change
/// through before they return (the mount's <c>FlushMetadataLocked</c>), so an image whose daemon dies keeps every
/// name made before. Each op returns 0 or the kernel's errno (-ENOSPC, -ENAMETOOLONG, -EFBIG, -ENXIO once unmounted).
/// </summary>
internal sealed class BlockFsInodes : InodeOperations
{
    public static readonly BlockFsInodes Instance = new();

    public override int Create(Inode dir, string name, uint mode, uint uid, uint gid, out Inode? inode)
        => MountOf(dir).MakeInode(dir, name, FileType.Regular, mode, uid, gid, null, out inode);

    public override int Mkdir(Inode dir, string name, uint mode, uint uid, uint gid, out Inode? inode)
        => MountOf(dir).MakeInode(dir, name, FileType.Directory, mode, uid, gid, null, out inode);

    public override int Symlink(Inode dir, string name, string target, uint uid, uint gid, out Inode? inode)
        => MountOf(dir).MakeInode(dir, name, FileType.Symlink, 0x1FF, uid, gid, target, out inode);

    public override int Link(Inode inode, Inode dir, string name) => MountOf(dir).Link(inode, dir, name);

    public override int Unlink(Inode dir, string name, Inode inode) => MountOf(dir).Unlink(dir, name, inode);

    public override int Rmdir(Inode dir, string name, Inode inode) => MountOf(dir).Rmdir(dir, name, inode);

    public override int Rename(Inode oldDir, string oldName, Inode inode, Inode newDir, string newName, Inode? target)
        => MountOf(oldDir).Rename(oldDir, oldName, inode, newDir, newName, target);

    public override int SetAttr(Inode inode, in InodeAttr attr) => MountOf(inode).SetAttr(inode, attr);

    public override void Evict(Inode inode) => MountOf(inode).Evict(inode);

    private static BlockFsMount MountOf(Inode inode) => BlockFs.MountOf(inode)!;
}

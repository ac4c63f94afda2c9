namespace AopsGen.Examples;

/// <summary>
/// HostFs's <c>dentry_operations</c>: another program may rename, remove or replace a name in the host directory at
/// any time, so a cached name is checked again at each lookup, as FUSE's and NFS's <c>d_revalidate</c> check theirs
/// (fs/fuse/dir.c <c>fuse_dentry_revalidate</c>: a fresh LOOKUP, valid when it finds the same node). Here: a
/// <c>statx</c> of the name (not followed) in its directory, valid when it is the host file the inode stands for.
/// </summary>
internal sealed class HostFsDentries : DentryOperations
{
    public static readonly HostFsDentries Instance = new();

    /// <inheritdoc/>
    public override int Revalidate(Inode dir, string name, Vfs.Dentry dentry)
    {
        int error = HostLibc.StatAt(HostFs.FileOf(dir).Fd, name, HostLibc.AtSymlinkNoFollow, out HostStat st);
        if (error == Errnos.Neg(Errno.ENOENT) || error == Errnos.Neg(Errno.ENOTDIR))
        {
            return 0;
        }
        if (error != 0)
        {
            return error;
        }
        return HostFs.Known(dir.SuperBlock, st, out Inode? inode) && ReferenceEquals(inode, dentry.Inode) ? 1 : 0;
    }
}

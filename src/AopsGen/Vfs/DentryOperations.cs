namespace AopsGen;

/// <summary>
/// include/linux/dcache.h: <c>struct dentry_operations</c>, what the VFS asks a filesystem about a name it has
/// cached. A filesystem whose names can change without the VFS seeing it (a network or passthrough filesystem: another
/// program renames or removes a file on the server or the host) sets <see cref="SuperBlock.DentryOperations"/>
/// (<c>s_d_op</c>). Without it (<c>d_op</c> NULL) a cached name is always right, as for a filesystem the VFS alone
/// changes.
/// </summary>
public abstract class DentryOperations
{
    /// <summary>
    /// <c>d_revalidate</c> (fs/namei.c <c>lookup_fast</c>, the 6.14 form with the parent and the name): whether
    /// <paramref name="dentry"/>, cached as <paramref name="name"/> in <paramref name="dir"/>, still names its inode.
    /// 1: it does. 0: it does not; the VFS drops it from the dcache (<c>d_invalidate</c>) and looks the name up again
    /// (<c>lookup_slow</c>). A negative errno fails the lookup. The default keeps every name.
    /// </summary>
    public virtual int Revalidate(Inode dir, string name, Vfs.Dentry dentry) => 1;
}

using System.IO;
using AopsGen.Examples;
using AopsGen.Vfs;

namespace AopsGen.Fuse.Tests;

/// <summary>A RamFs in a fresh namespace, mounted on a fresh temporary directory of the host; disposing unmounts
/// and removes the directory.</summary>
internal sealed class MountedRamFs : IDisposable
{
    public MountedRamFs(FuseMountOptions? options = null)
    {
        Vfs = RamFs.NewNamespace(out _);
        Check(RamFs.Mkdir(Vfs, Vfs.LookupDentry("/", out Dentry? root) == 0 ? root!.Inode.SuperBlock : throw new InvalidOperationException(), "/mnt", Credentials.Root));
        Check(RamFs.Mount(Vfs, "/mnt", out _));
        Dir = Directory.CreateTempSubdirectory("aopsgen-fuse-").FullName;
        int rc = FuseMount.Mount(Vfs, "/mnt", Dir, options ?? new FuseMountOptions { FsName = "ramfs" }, out FuseMount? mount, out string? error);
        if (rc != 0)
        {
            Directory.Delete(Dir);
            throw new InvalidOperationException($"mount failed: {error} ({rc})");
        }
        Mount = mount!;
    }

    public MountNamespace Vfs { get; }

    public FuseMount Mount { get; }

    /// <summary>The host directory it is mounted on.</summary>
    public string Dir { get; }

    public string PathOf(string name) => Path.Combine(Dir, name);

    public void Dispose()
    {
        Mount.Dispose();
        Directory.Delete(Dir);
    }

    private static void Check(int rc)
    {
        if (rc != 0)
        {
            throw new InvalidOperationException($"setup failed: {rc}");
        }
    }
}

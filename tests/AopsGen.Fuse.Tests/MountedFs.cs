using System.IO;
using AopsGen.Examples;
using AopsGen.Vfs;

[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]

namespace AopsGen.Fuse.Tests;

/// <summary>
/// An example filesystem in a fresh namespace, mounted through FUSE on a fresh temporary directory of the host:
/// "ram" (RamFs), "block" (BlockFs on a new sparse image in a temporary directory) or "host" (HostFs over a temporary
/// host directory, <see cref="HostDir"/>). <see cref="Remount"/> unmounts and mounts the same image or directory again;
/// disposing unmounts and removes the directories.
/// </summary>
internal sealed class MountedFs : IDisposable
{
    public const long ImageBytes = 256L << 20;

    private readonly string _work;
    private BlockFsMount? _block;
    private SuperBlock? _host;

    /// <summary>Mounts <paramref name="fs"/>; for "host", <paramref name="fillHostDir"/> first fills the host directory.</summary>
    public MountedFs(string fs, Action<string>? fillHostDir = null)
    {
        Fs = fs;
        _work = Directory.CreateTempSubdirectory("aopsgen-fuse-").FullName;
        Dir = Directory.CreateDirectory(Path.Combine(_work, "mnt")).FullName;
        ImagePath = Path.Combine(_work, "blockfs.img");
        HostDir = Directory.CreateDirectory(Path.Combine(_work, "host")).FullName;
        if (fs == "block")
        {
            Check(BlockFs.Mkfs(ImagePath, ImageBytes, null, out string? error), error);
        }
        fillHostDir?.Invoke(HostDir);
        Mount = Start();
    }

    /// <summary>"ram", "block" or "host".</summary>
    public string Fs { get; }

    public MountNamespace Vfs { get; private set; } = null!;

    public FuseMount Mount { get; private set; }

    /// <summary>The host directory it is mounted on.</summary>
    public string Dir { get; }

    /// <summary>BlockFs's image (unused for RamFs).</summary>
    public string ImagePath { get; }

    /// <summary>HostFs's host directory (unused for the others).</summary>
    public string HostDir { get; }

    public string PathOf(string name) => Path.Combine(Dir, name);

    /// <summary>Unmount (FUSE, then BlockFs's image synced and closed, HostFs's descriptors closed) and mount the image
    /// or host directory again in a new namespace.</summary>
    public void Remount()
    {
        Unmount();
        Mount = Start();
    }

    public void Dispose()
    {
        Unmount();
        Directory.Delete(_work, recursive: true);
    }

    private FuseMount Start()
    {
        Vfs = RamFs.NewNamespace(out SuperBlock rootFs);
        Check(RamFs.Mkdir(Vfs, rootFs, "/mnt", Credentials.Root), null);
        if (Fs == "block")
        {
            Check(BlockFs.Mount(Vfs, "/mnt", ImagePath, new BlockFsMountOptions { CacheFrames = 256 }, out _block, out string? error), error);
        }
        else if (Fs == "host")
        {
            Check(HostFs.Mount(Vfs, "/mnt", HostDir, out _host), HostDir);
        }
        else
        {
            Check(RamFs.Mount(Vfs, "/mnt", out _), null);
        }
        var options = new FuseMountOptions { FsName = Fs };
        if (_host is { } sb)
        {
            options = options with { StatFs = () => HostFs.StatFs(sb, out FsStatistics stats) == 0 ? stats : default };
        }
        int rc = FuseMount.Mount(Vfs, "/mnt", Dir, options, out FuseMount? mount, out string? message);
        if (rc != 0)
        {
            _block?.Dispose();
            if (_host != null)
            {
                HostFs.Release(_host);
            }
            throw new InvalidOperationException($"mount failed: {message} ({rc})");
        }
        return mount!;
    }

    private void Unmount()
    {
        Mount.Dispose();
        if (_block != null)
        {
            Check(_block.Unmount(), "the final sync of the image");
            _block = null;
        }
        if (_host != null)
        {
            HostFs.Release(_host);
            _host = null;
        }
    }

    private static void Check(int rc, string? what)
    {
        if (rc != 0)
        {
            throw new InvalidOperationException($"setup failed: {what} ({rc})");
        }
    }
}

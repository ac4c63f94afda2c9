using System.IO;

namespace AopsGen.Examples.Aops.Demo;

/// <summary>The example filesystem a demo swaps to.</summary>
internal enum DemoFs
{
    /// <summary>RamFs: SWP_FILE through swap_activate and direct_IO (the default).</summary>
    Ram,
    /// <summary>BlockFs on a disk image: the generic bmap/extent path straight to the block device.</summary>
    Block,
}

/// <summary>
/// A namespace with a swap file ready for swapon on the chosen filesystem — made, formatted and, for BlockFs, on
/// an image in a temporary directory — and everything to tear down afterwards.
/// </summary>
internal sealed class DemoSwapArea : IDisposable
{
    private readonly BlockFsMount? _mount;
    private readonly string? _directory;

    private DemoSwapArea(Vfs vfs, string swapPath, string description, BlockFsMount? mount = null, string? directory = null)
    {
        Vfs = vfs;
        SwapPath = swapPath;
        Description = description;
        _mount = mount;
        _directory = directory;
    }

    public Vfs Vfs { get; }

    /// <summary>The swap file's path in <see cref="Vfs"/>.</summary>
    public string SwapPath { get; }

    /// <summary>Where the swap file lives, for the summary.</summary>
    public string Description { get; }

    /// <summary>Makes a swap file of <paramref name="swapPages"/> pages on <paramref name="fs"/> (an image under
    /// <paramref name="directory"/>, or a new temporary directory, for BlockFs). Returns 0 or -errno with
    /// <paramref name="error"/> saying what failed.</summary>
    public static int Create(DemoFs fs, long swapPages, string? directory, out DemoSwapArea? area, out string? error)
    {
        area = null;
        error = null;
        Vfs vfs = RamFs.NewNamespace(out SuperBlock rootFs);
        long bytes = swapPages << Page.Shift;
        var mkswap = new MkswapOptions { Label = "aops-demo" };
        if (fs == DemoFs.Ram)
        {
            int rc = RamFs.CreateSwapFile(vfs, rootFs, "/swapfile", bytes, mkswap, out _, out MkswapResult result);
            if (rc != 0)
            {
                error = $"mkswap /swapfile on ramfs: {result.Error}";
                return rc;
            }
            area = new DemoSwapArea(vfs, "/swapfile", "/swapfile on ramfs");
            return 0;
        }

        string dir = directory ?? Directory.CreateTempSubdirectory("aops-demo-").FullName;
        string image = Path.Combine(dir, "blockfs.img");
        int status = RamFs.Mkdir(vfs, rootFs, "/mnt", Credentials.Root);
        // The image: the swap file plus room for BlockFs's metadata and indirect blocks (one per 1024 pages).
        long imageBytes = bytes + ((swapPages / 1024 + 64) << Page.Shift);
        if (status == 0)
        {
            status = BlockFs.Mkfs(image, imageBytes, new MkfsOptions { InodeCount = 16 }, out error);
        }
        BlockFsMount? mount = null;
        if (status == 0)
        {
            status = BlockFs.Mount(vfs, "/mnt", image, null, out mount, out error);
        }
        if (status == 0)
        {
            status = mount!.CreateSwapFile("swapfile", bytes, out _, "aops-demo");
            error = status == 0 ? null : $"creating /mnt/swapfile on blockfs ({image}): {Errnos.FromReturn(status).Message()}";
        }
        if (status != 0)
        {
            mount?.Dispose();
            DeleteDirectory(directory == null ? dir : null, image);
            error ??= $"blockfs on {image}: {Errnos.FromReturn(status).Message()}";
            return status;
        }
        area = new DemoSwapArea(vfs, "/mnt/swapfile", $"/mnt/swapfile on blockfs ({image})", mount, directory == null ? dir : null);
        return 0;
    }

    /// <summary>Unmounts and removes what <see cref="Create"/> made.</summary>
    public void Dispose()
    {
        if (_mount != null)
        {
            string image = _mount.ImagePath;
            _mount.Dispose();
            DeleteDirectory(_directory, image);
        }
    }

    private static void DeleteDirectory(string? temporary, string image)
    {
        if (temporary != null)
        {
            Directory.Delete(temporary, recursive: true);
        }
        else
        {
            System.IO.File.Delete(image);
        }
    }
}

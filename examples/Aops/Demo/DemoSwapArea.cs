using System.Collections.Generic;
using System.IO;
using AopsGen.Block;
using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;
using Microsoft.Win32.SafeHandles;

namespace AopsGen.Examples.Aops.Demo;

/// <summary>The example filesystem a demo swaps to, and the swap backend swapon chooses for it.</summary>
internal enum DemoFs
{
    /// <summary>RamFs: SWP_FILE, direct_IO writes and readpage reads (the default; the seed's routing).</summary>
    Ram,
    /// <summary>RamFs with its 5.19+ table: SWP_FS_OPS, every batch a swap_rw.</summary>
    RamSwapRw,
    /// <summary>BlockFs on a disk image: swap_activate adds extents; I/O straight to the block device.</summary>
    Block,
    /// <summary>A block device node over an image file: SWP_BLKDEV.</summary>
    BlkDev,
    /// <summary>HostFs on a host directory: SWP_FILE, direct_IO as O_DIRECT pwritev/preadv on a real file.</summary>
    Host,
    /// <summary>NfsFs on an NFSv3 server: SWP_FS_OPS, swap_rw as one READ or one FILE_SYNC WRITE per batch, completed
    /// asynchronously above queue depth 1.</summary>
    Nfs,
}

/// <summary>The names <c>--fs</c> takes and <c>--json</c> prints.</summary>
internal static class DemoFsNames
{
    public static readonly string[] All = ["ram", "ram-swaprw", "block", "blkdev", "host", "nfs"];

    public static string Name(this DemoFs fs) => All[(int)fs];

    public static DemoFs Parse(string name) => (DemoFs)Array.IndexOf(All, name);

    /// <summary>The <c>swapMode</c> of <c>--json</c>: the kernel's flag name of the backend.</summary>
    public static string Name(this SwapIoMode mode) => mode switch
    {
        SwapIoMode.File => "SWP_FILE",
        SwapIoMode.FsOps => "SWP_FS_OPS",
        SwapIoMode.Extents => "extents",
        SwapIoMode.BlockDevice => "SWP_BLKDEV",
        _ => "none",
    };
}

/// <summary>
/// A namespace with a swap file ready for swapon on the chosen filesystem — made and formatted, for BlockFs on an
/// image and for HostFs as a file in <c>--dir</c> or a new temporary directory — and what tears it all down.
/// </summary>
internal sealed class DemoSwapArea : IDisposable
{
    private const string Label = "aops-demo";
    private readonly Action _teardown;

    private DemoSwapArea(MountNamespace vfs, string swapPath, string description, IReadOnlyList<string> warnings, Action teardown)
    {
        Vfs = vfs;
        SwapPath = swapPath;
        Description = description;
        Warnings = warnings;
        _teardown = teardown;
    }

    public MountNamespace Vfs { get; }

    /// <summary>The swap file's path in <see cref="MountNamespace"/>.</summary>
    public string SwapPath { get; }

    /// <summary>Where the swap file lives, for the summary.</summary>
    public string Description { get; }

    /// <summary>What util-linux swapon would warn about (HostFs: permissions, owner).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Makes a swap file of <paramref name="swapPages"/> pages on <paramref name="fs"/> (BlockFs's image
    /// and HostFs's file under <paramref name="directory"/>, or a new temporary directory removed afterwards).
    /// Returns 0 or -errno with <paramref name="error"/> saying what failed.</summary>
    public static int Create(DemoFs fs, long swapPages, string? directory, out DemoSwapArea? area, out string? error, string? nfsUrl = null)
    {
        area = null;
        error = null;
        MountNamespace vfs = RamFs.NewNamespace(out SuperBlock rootFs);
        long bytes = swapPages << Page.Shift;
        var mkswap = new MkswapOptions { Label = Label };
        if (fs == DemoFs.Nfs)
        {
            int rc = RamFs.Mkdir(vfs, rootFs, "/mnt", Credentials.Root);
            return rc != 0 ? rc : CreateOnNfs(vfs, nfsUrl!, bytes, mkswap, out area, out error);
        }
        if (fs is DemoFs.Ram or DemoFs.RamSwapRw)
        {
            int rc = RamFs.CreateSwapFile(vfs, rootFs, "/swapfile", bytes, mkswap, out _, out MkswapResult result,
                fs == DemoFs.RamSwapRw ? RamFsSwapRw.Operations : RamFs.Operations);
            error = rc == 0 ? null : $"mkswap /swapfile on ramfs: {result.Error ?? Errnos.FromReturn(rc).Message()}";
            area = rc == 0 ? new DemoSwapArea(vfs, "/swapfile", "/swapfile on ramfs", [], () => { }) : null;
            return rc;
        }

        string dir = directory ?? Directory.CreateTempSubdirectory("aops-demo-").FullName;
        void RemoveTemporary()
        {
            if (directory == null)
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        int status = RamFs.Mkdir(vfs, rootFs, fs == DemoFs.BlkDev ? "/dev" : "/mnt", Credentials.Root);
        status = status != 0 ? status : fs switch
        {
            DemoFs.Block => CreateOnBlockFs(vfs, dir, swapPages, directory == null, out area, out error),
            DemoFs.BlkDev => CreateBlockDeviceNode(vfs, rootFs, dir, bytes, mkswap, directory == null, out area, out error),
            _ => CreateOnHostFs(vfs, dir, bytes, mkswap, directory == null, out area, out error),
        };
        if (status != 0)
        {
            RemoveTemporary();
        }
        return status;
    }

    private static int CreateOnBlockFs(MountNamespace vfs, string dir, long swapPages, bool temporary, out DemoSwapArea? area, out string? error)
    {
        area = null;
        string image = Path.Combine(dir, "aops-demo-blockfs.img");
        int created = CreateImage(image, "blockfs", out SafeFileHandle? imageFile, out string device, out error);
        if (created != 0)
        {
            return created;
        }
        // The image: the swap file plus room for BlockFs's metadata and indirect blocks (one per 1024 pages).
        long imageBytes = (swapPages + swapPages / 1024 + 64) << Page.Shift;
        int status = BlockFs.Mkfs(device, imageBytes, new MkfsOptions { InodeCount = 16 }, out error);
        // Locked once mkfs (whose FileStream takes a flock of its own) is done: aops mkswap keeps off it while in use.
        status = status != 0 ? status : Posix.TryLockExclusive(imageFile!);
        BlockFsMount? mount = null;
        status = status != 0 ? status : BlockFs.Mount(vfs, "/mnt", device, null, out mount, out error);
        status = status != 0 ? status : mount!.CreateSwapFile("swapfile", swapPages << Page.Shift, out _, Label);
        if (status != 0)
        {
            mount?.Dispose();
            RemoveOwn(image, imageFile!);
            error ??= $"blockfs on {image}: {Errnos.FromReturn(status).Message()}";
            return status;
        }
        area = new DemoSwapArea(vfs, "/mnt/swapfile", $"/mnt/swapfile on blockfs ({image})", [], () =>
        {
            mount!.Dispose();
            RemoveOwn(image, imageFile!);
            if (temporary)
            {
                Directory.Delete(dir, recursive: true);
            }
        });
        return 0;
    }

    /// <summary>
    /// Creates the image file <paramref name="image"/> exclusively and without following a link (O_CREAT|O_EXCL|
    /// O_NOFOLLOW), mode 0600. mkfs, mount and the block device reach it through this descriptor
    /// (<paramref name="path"/>, /proc/self/fd/N), so nothing else that appears at its name is ever written, and
    /// teardown removes the name only while it is still this file (<see cref="RemoveOwn"/>). A raw open: .NET's own
    /// would flock the file, and mkfs's open of the same file would then be refused.
    /// </summary>
    private static int CreateImage(string image, string what, out SafeFileHandle? imageFile, out string path, out string? error)
    {
        int created = Posix.Open(image, Posix.ORdWr | Posix.OCreat | Posix.OExcl | Posix.ONoFollow, 0x180, out imageFile);
        path = created == 0 ? $"/proc/self/fd/{imageFile!.DangerousGetHandle()}" : "";
        error = created == 0 ? null : $"creating the {what} image {image}: {Errnos.FromReturn(created).Message()}";
        return created;
    }

    /// <summary>Removes <paramref name="path"/> if it is still the file <paramref name="own"/> holds, then closes it.</summary>
    private static void RemoveOwn(string path, SafeFileHandle own)
    {
        if (Posix.StatPath(path, out FileStatus named) == 0 && Posix.Stat(own, out FileStatus held) == 0 && named.SameFile(held))
        {
            System.IO.File.Delete(path);
        }
        own.Dispose();
    }

    // An image file of the swap area's size (CreateImage), opened as a block device, mkswap'd, with a node /dev/aops0 for it.
    private static int CreateBlockDeviceNode(MountNamespace vfs, SuperBlock rootFs, string dir, long bytes, MkswapOptions mkswap, bool temporary,
        out DemoSwapArea? area, out string? error)
    {
        area = null;
        error = null;
        string image = Path.Combine(dir, "aops-demo-blkdev.img");
        int status = CreateImage(image, "block device", out SafeFileHandle? imageFile, out string path, out error);
        if (status != 0)
        {
            return status;
        }
        // Locked while in use, so that aops mkswap keeps off it.
        status = Posix.TryLockExclusive(imageFile!);
        status = status != 0 ? status : Posix.Truncate(imageFile!, bytes);
        BlockDevice? device = null;
        status = status != 0 ? status : BlockDevice.Open(path, out device);
        if (status == 0)
        {
            using var frames = new PageFrames(1);
            Page header = frames.AllocZeroed()!;
            MkswapResult result = AopsGen.Swap.Mkswap.Format(header.Bytes, bytes, mkswap);
            IoVec segment = IoVec.ForPage(header);
            long written = result.Succeeded ? device!.Write(new ReadOnlySpan<IoVec>(in segment), 0) : result.ReturnValue;
            status = written == Page.Size ? 0 : written < 0 ? (int)written : Errnos.Neg(Errno.EIO);
            frames.Free(header);
            error = status == 0 ? null : $"mkswap {image}: {result.Error ?? Errnos.FromReturn(status).Message()}";
        }
        status = status != 0 ? status : RamFs.Mknod(vfs, rootFs, "/dev/aops0", device!, Credentials.Root);
        if (status != 0)
        {
            device?.Dispose();
            RemoveOwn(image, imageFile!);
            error ??= $"block device on {image}: {Errnos.FromReturn(status).Message()}";
            return status;
        }
        area = new DemoSwapArea(vfs, "/dev/aops0", $"/dev/aops0, a block device on {image}", [], () =>
        {
            device!.Dispose();
            RemoveOwn(image, imageFile!);
            if (temporary)
            {
                Directory.Delete(dir, recursive: true);
            }
        });
        return 0;
    }

    private static int CreateOnHostFs(MountNamespace vfs, string dir, long bytes, MkswapOptions mkswap, bool temporary, out DemoSwapArea? area, out string? error)
    {
        area = null;
        const string Name = "aops-demo.swap";
        int status = HostFs.Mount(vfs, "/mnt", dir, out SuperBlock? sb);
        if (status != 0)
        {
            error = $"hostfs on {dir}: {Errnos.FromReturn(status).Message()}";
            return status;
        }
        status = HostFs.CreateSwapFile(vfs, sb!, "/mnt/" + Name, bytes, mkswap, out Inode? inode, out MkswapResult result);
        if (status != 0)
        {
            HostFs.Release(sb!);
            error = $"creating {Path.Combine(dir, Name)} on hostfs: {result.Error ?? Errnos.FromReturn(status).Message()}";
            return status;
        }
        error = null;
        SwaponCheck check = HostFs.SwaponChecks(inode!, Path.Combine(dir, Name));
        // Locked while in use, so that aops mkswap keeps off it (the kernel: ETXTBSY for an active swap file).
        Posix.LockFile(Path.Combine(dir, Name), followLinks: false, out SafeFileHandle? locked);
        area = new DemoSwapArea(vfs, "/mnt/" + Name, $"/mnt/{Name} on hostfs ({Path.Combine(dir, Name)})", check.Warnings, () =>
        {
            locked?.Dispose();
            HostFs.Release(sb!);
            DeleteAll(dir, Path.Combine(dir, Name), temporary);
        });
        return 0;
    }

    private static int CreateOnNfs(MountNamespace vfs, string exportUrl, long bytes, MkswapOptions mkswap, out DemoSwapArea? area, out string? error)
    {
        area = null;
        string name = $"aops-demo-{Environment.ProcessId}.swap";
        string fileUrl = NfsFs.FileUrl(exportUrl, name);
        int status = NfsFs.Mount(vfs, "/mnt", exportUrl, out SuperBlock? sb);
        if (status != 0)
        {
            error = $"--nfs-url {exportUrl}: not an nfs:// URL with {NfsFs.FilePlaceholder} for the file name";
            return status;
        }
        status = NfsFs.Mkswap(fileUrl, bytes, mkswap, out MkswapResult? result, out error);
        status = status != 0 ? status : NfsFs.Open(vfs, sb!, "/mnt/" + name, Credentials.Root, out _);
        if (status != 0)
        {
            NfsFs.Release(sb!);
            NfsConnection.Remove(fileUrl);
            error = $"mkswap {fileUrl}: {result?.Error ?? error ?? Errnos.FromReturn(status).Message()}";
            return status;
        }
        area = new DemoSwapArea(vfs, "/mnt/" + name, $"/mnt/{name} on nfs ({fileUrl})", [], () =>
        {
            NfsFs.Release(sb!);
            NfsConnection.Remove(fileUrl);
        });
        return 0;
    }

    private static void DeleteAll(string dir, string file, bool temporary)
    {
        if (temporary)
        {
            Directory.Delete(dir, recursive: true);
        }
        else
        {
            System.IO.File.Delete(file);
        }
    }

    /// <summary>Unmounts and removes what <see cref="Create"/> made.</summary>
    public void Dispose() => _teardown();
}

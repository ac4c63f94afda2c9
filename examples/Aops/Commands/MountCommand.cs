using System.CommandLine;
using System.IO;
using AopsGen.Fuse;
using AopsGen.Vfs;
using Microsoft.Win32.SafeHandles;

namespace AopsGen.Examples.Aops.Commands;

/// <summary>
/// <c>aops mount --fs ram|block|host [--image FILE] [--size SIZE] [--dir DIR] MOUNTPOINT</c>: an example filesystem
/// mounted on a host directory through FUSE (<see cref="FuseMount"/>), in the foreground until Ctrl-C, SIGTERM or an
/// outside <c>fusermount3 -u</c>; then it unmounts (a BlockFs image is synced and closed, HostFs's descriptors closed)
/// and exits 0. <c>--image</c> of a path that does not exist makes a new BlockFs there (<c>--size</c>, 1 GiB by
/// default, sparse), created exclusively; an existing file is mounted, and one that is not a BlockFs is refused
/// untouched. <c>--fs host</c> passes through to <c>--dir</c> (the current directory by default), which may be neither
/// the mount point, nor inside it, nor hold it (the daemon would serve its own mount: EINVAL). Where <c>/dev/fuse</c>
/// or libfuse is missing it says, in one line, what to install.
/// </summary>
internal static class MountCommand
{
    /// <summary>The size of a new image when <c>--size</c> is not given.</summary>
    public const long DefaultImageSize = 1L << 30;

    public static Command Create(CliContext context)
    {
        var mountPoint = new Argument<string>("MOUNTPOINT") { Description = "An existing, empty directory of the host to mount on." };
        var fs = new Option<string>("--fs")
        {
            Description = "The filesystem: ram (RamFs, in memory, gone at unmount), block (BlockFs on --image) or host (HostFs over --dir).",
            DefaultValueFactory = _ => "ram",
        };
        fs.AcceptOnlyFromAmong("ram", "block", "host");
        var image = new Option<string?>("--image") { Description = "--fs block: the image; a path that does not exist gets a new BlockFs of --size." };
        var size = new Option<string?>("--size") { Description = "The size of a new image (K, M, G, T; KiB, MB, …): 1G by default, sparse." };
        var dir = new Option<string?>("--dir") { Description = "--fs host: the host directory passed through (the current directory by default)." };
        var threads = new Option<int>("--threads") { Description = "Threads serving requests.", DefaultValueFactory = _ => 4 };
        var command = new Command("mount", "Mount an example filesystem on a host directory through FUSE, in the foreground.") { mountPoint, fs, image, size, dir, threads };
        command.SetAction(parse => Run(context, parse.GetValue(mountPoint)!, parse.GetValue(fs)!, parse.GetValue(image), parse.GetValue(size),
            parse.GetValue(dir), parse.GetValue(threads)));
        return command;
    }

    private static int Run(CliContext context, string mountPoint, string fsName, string? imagePath, string? sizeText, string? hostDir, int threads)
    {
        if (threads < 1)
        {
            return context.Fail("mount", $"--threads {threads}: at least one thread serves requests");
        }
        if (fsName == "block" && imagePath == null)
        {
            return context.Fail("mount", "--fs block needs --image FILE (a BlockFs image, or a path where a new one is made)");
        }
        if (fsName != "block" && (imagePath ?? sizeText) != null)
        {
            return context.Fail("mount", $"--image and --size are for --fs block, not --fs {fsName}");
        }
        if (fsName != "host" && hostDir != null)
        {
            return context.Fail("mount", $"--dir is for --fs host, not --fs {fsName}");
        }
        long imageSize = DefaultImageSize;
        if (sizeText != null && !MkswapCommand.TryParseSize(sizeText, out imageSize))
        {
            return context.Fail("mount", $"--size {sizeText}: not a size (a number of bytes, with K, M, G, T or KiB, MB, …)");
        }
        if (FuseMount.Unavailable() is string reason)
        {
            return context.Fail("mount", reason, Errno.ENODEV);
        }
        if (!Directory.Exists(mountPoint))
        {
            return context.Fail("mount", mountPoint, File.Exists(mountPoint) ? Errno.ENOTDIR : Errno.ENOENT);
        }

        // From here on SIGINT/SIGTERM wait for their turn: a new image is made whole and a mount completes, then the
        // wait below sees the signal and unmounts (a signal in between killed the process, leaving a half-made image
        // or a dead mount).
        using Interruption interruption = Interruption.Catch();
        MountNamespace vfs = RamFs.NewNamespace(out SuperBlock rootFs);
        int rc = RamFs.Mkdir(vfs, rootFs, "/mnt", Credentials.Root);
        if (rc != 0)
        {
            return context.Fail("mount", "/mnt", Errnos.FromReturn(rc));
        }
        BlockFsMount? block = null;
        SafeFileHandle? imageLock = null;
        SuperBlock? host = null;
        var options = new FuseMountOptions { FsName = fsName switch { "block" => BlockFs.FsType, "host" => HostFs.FsType, _ => RamFs.FsType }, Threads = threads };
        if (fsName == "host")
        {
            hostDir ??= Directory.GetCurrentDirectory();
            if ((rc = CheckHostDir(context, hostDir, mountPoint)) != 0)
            {
                return rc;
            }
            if ((rc = HostFs.Mount(vfs, "/mnt", hostDir, out host)) != 0)
            {
                return context.Fail("mount", $"--dir {hostDir}", Errnos.FromReturn(rc));
            }
            SuperBlock sb = host!;
            options = options with { StatFs = () => HostFs.StatFs(sb, out FsStatistics stats) == 0 ? stats : default };
        }
        else if (fsName == "block")
        {
            rc = MountImage(context, vfs, imagePath!, sizeText != null ? imageSize : null, out block, out imageLock);
            if (rc != 0)
            {
                return rc;
            }
            BlockFsGeometry g = block!.Geometry;
            options = options with { StatFs = () => new FsStatistics(BlockFs.BlockSize, g.BlockCount - g.DataStart, block.FreeBlocks, g.InodeCount, block.FreeInodes) };
        }
        else if ((rc = RamFs.Mount(vfs, "/mnt", out _)) != 0)
        {
            return context.Fail("mount", "ram", Errnos.FromReturn(rc));
        }

        try
        {
            rc = FuseMount.Mount(vfs, "/mnt", mountPoint, options, out FuseMount? mount, out string? error);
            if (rc != 0)
            {
                return context.Fail("mount", error ?? mountPoint, Errnos.FromReturn(rc));
            }
            using (mount)
            {
                string what = block != null ? $"block ({block.ImagePath})" : host != null ? $"host ({hostDir})" : fsName;
                context.Output.WriteLine($"aops mount: {what} on {mount!.MountPoint}; Ctrl-C or SIGTERM unmounts "
                    + $"(if this process is killed: fusermount3 -u {mount.MountPoint})");
                context.Output.Flush();
                bool outside = WaitForSignalOrUnmount(mount);
                mount.Dispose();
                context.Output.WriteLine(outside ? $"aops mount: {mount.MountPoint} was unmounted" : $"aops mount: unmounted {mount.MountPoint}");
            }
        }
        finally
        {
            // kill_sb: the image gets its dirty pages and metadata, then is closed; HostFs closes its descriptors.
            rc = block?.Unmount() ?? 0;
            imageLock?.Dispose();
            if (host != null)
            {
                HostFs.Release(host);
            }
        }
        if (rc != 0)
        {
            return context.Fail("mount", $"{block!.ImagePath}: the final sync failed", Errnos.FromReturn(rc));
        }
        return 0;
    }

    // The image mounted at /mnt of the namespace; a path that does not exist first gets a new BlockFs (O_EXCL). The
    // image is locked while mounted: a second aops mount of it (two writers of one BlockFs) or aops mkswap is refused
    // with EBUSY, as the kernel refuses a second exclusive open of a mounted block device.
    private static int MountImage(CliContext context, MountNamespace vfs, string imagePath, long? size, out BlockFsMount? block, out SafeFileHandle? imageLock)
    {
        block = null;
        imageLock = null;
        string? error;
        // Looked at before anything opens it: a device node, a FIFO or a socket is never opened (opening one can act:
        // a watchdog arms, a tape rewinds, a FIFO waits), and a new image is made only where nothing is, not through a
        // dangling symbolic link.
        int look = Posix.StatPath(imagePath, out FileStatus here);
        int rc = look != 0 ? look : Posix.StatPath(imagePath, out here, followLinks: true);
        if (rc == 0 && !here.IsRegular && here.Type != FileStatus.BlockDevice)
        {
            Errno refusal = here.Type == FileStatus.Directory ? Errno.EISDIR : Errno.ENOTBLK;
            return context.Fail("mount", $"{imagePath}: {here.TypeName}, not a BlockFs image", refusal);
        }
        if (rc != 0 && look == 0)
        {
            return context.Fail("mount", $"{imagePath}: a symbolic link that leads nowhere", Errnos.FromReturn(rc));
        }
        if (rc != 0 && rc != -(int)Errno.ENOENT)
        {
            return context.Fail("mount", imagePath, Errnos.FromReturn(rc));
        }
        if (rc != 0)
        {
            long bytes = size ?? DefaultImageSize;
            int made = BlockFs.Mkfs(imagePath, bytes, new MkfsOptions { CreateNew = true }, out error);
            if (made != 0)
            {
                return context.Fail("mount", error!, Errnos.FromReturn(made));
            }
            context.Output.WriteLine($"aops mount: made a new BlockFs of {bytes} bytes on {imagePath}");
        }
        else if (size != null)
        {
            return context.Fail("mount", $"--size: {imagePath} exists, and its size is its own (--size is for a new image)", Errno.EEXIST);
        }
        if (Posix.LockFile(imagePath, followLinks: true, out imageLock) != 0)
        {
            return context.Fail("mount", $"{imagePath}: already locked by another process (mounted by another aops mount, or in use by aops demo?)", Errno.EBUSY);
        }
        rc = BlockFs.Mount(vfs, "/mnt", imagePath, new BlockFsMountOptions { CacheFrames = 1024 }, out block, out error);
        if (rc != 0)
        {
            imageLock?.Dispose();
            imageLock = null;
            string problem = error?.Replace($"BlockFs ({imagePath}): error: ", "", StringComparison.Ordinal) ?? "";
            string hint = rc == Errnos.Neg(Errno.EINVAL) ? " (left as it is; give --image a path that does not exist to make a new BlockFs)" : "";
            return context.Fail("mount", $"{imagePath}: not a BlockFs that mounts: {problem}{hint}", Errnos.FromReturn(rc));
        }
        return 0;
    }

    // --fs host's directory: an existing directory that is not the mount point and neither lies inside it nor holds it
    // (through the mount the daemon would then reach its own mount: a lookup there would wait for itself).
    private static int CheckHostDir(CliContext context, string hostDir, string mountPoint)
    {
        int rc = Posix.StatPath(hostDir, out FileStatus status, followLinks: true);
        if (rc != 0 || status.Type != FileStatus.Directory)
        {
            return context.Fail("mount", $"--dir {hostDir}", rc != 0 ? Errnos.FromReturn(rc) : Errno.ENOTDIR);
        }
        if (Within(hostDir, mountPoint))
        {
            return context.Fail("mount", $"--dir {hostDir}: is the mount point {mountPoint} or inside it", Errno.EINVAL);
        }
        if (Within(mountPoint, hostDir))
        {
            return context.Fail("mount", $"--dir {hostDir}: holds the mount point {mountPoint} (the mount would contain itself)", Errno.EINVAL);
        }
        return 0;
    }

    // Whether the directory `inner` is `outer` or below it: its ancestors ("..", links followed) compared by device and inode.
    private static bool Within(string inner, string outer)
    {
        if (Posix.StatPath(outer, out FileStatus top, followLinks: true) != 0)
        {
            return false;
        }
        string path = inner;
        for (int depth = 0; depth < 256 && Posix.StatPath(path, out FileStatus here, followLinks: true) == 0; depth++)
        {
            if (here.SameFile(top))
            {
                return true;
            }
            string parent = Path.Join(path, "..");
            if (Posix.StatPath(parent, out FileStatus up, followLinks: true) != 0 || up.SameFile(here))
            {
                return false; // the root
            }
            path = parent;
        }
        return false;
    }

    // The foreground wait: true when the filesystem was unmounted from outside, false on SIGINT/SIGTERM (the usual
    // way to stop a foreground FUSE daemon: the command then unmounts and exits 0; a second signal kills it).
    private static bool WaitForSignalOrUnmount(FuseMount mount)
    {
        while (!Interruption.Requested && !mount.WaitUnmounted(TimeSpan.FromMilliseconds(200)))
        {
        }
        return !Interruption.Requested;
    }
}

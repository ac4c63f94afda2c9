using System.CommandLine;
using System.IO;
using AopsGen.Fuse;
using AopsGen.Vfs;

namespace AopsGen.Examples.Aops.Commands;

/// <summary>
/// <c>aops mount --fs ram|block [--image FILE] [--size SIZE] MOUNTPOINT</c>: an example filesystem mounted on a host
/// directory through FUSE (<see cref="FuseMount"/>), in the foreground until Ctrl-C, SIGTERM or an outside
/// <c>fusermount3 -u</c>; then it unmounts (a BlockFs image is synced and closed) and exits 0. <c>--image</c> of a
/// path that does not exist makes a new BlockFs there (<c>--size</c>, 1 GiB by default, sparse), created exclusively;
/// an existing file is mounted, and one that is not a BlockFs is refused untouched. Where <c>/dev/fuse</c> or libfuse
/// is missing it says, in one line, what to install.
/// </summary>
internal static class MountCommand
{
    /// <summary>The size of a new image when <c>--size</c> is not given.</summary>
    public const long DefaultImageSize = 1L << 30;

    public static Command Create(CliContext context)
    {
        var mountPoint = new Argument<string>("MOUNTPOINT") { Description = "An existing, empty directory of the host to mount on." };
        var fs = new Option<string>("--fs") { Description = "The filesystem: ram (RamFs, in memory, gone at unmount) or block (BlockFs on --image).", DefaultValueFactory = _ => "ram" };
        fs.AcceptOnlyFromAmong("ram", "block");
        var image = new Option<string?>("--image") { Description = "--fs block: the image; a path that does not exist gets a new BlockFs of --size." };
        var size = new Option<string?>("--size") { Description = "The size of a new image (K, M, G, T; KiB, MB, …): 1G by default, sparse." };
        var threads = new Option<int>("--threads") { Description = "Threads serving requests.", DefaultValueFactory = _ => 4 };
        var command = new Command("mount", "Mount an example filesystem on a host directory through FUSE, in the foreground.") { mountPoint, fs, image, size, threads };
        command.SetAction(parse => Run(context, parse.GetValue(mountPoint)!, parse.GetValue(fs)!, parse.GetValue(image), parse.GetValue(size), parse.GetValue(threads)));
        return command;
    }

    private static int Run(CliContext context, string mountPoint, string fsName, string? imagePath, string? sizeText, int threads)
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

        MountNamespace vfs = RamFs.NewNamespace(out SuperBlock rootFs);
        int rc = RamFs.Mkdir(vfs, rootFs, "/mnt", Credentials.Root);
        if (rc != 0)
        {
            return context.Fail("mount", "/mnt", Errnos.FromReturn(rc));
        }
        BlockFsMount? block = null;
        var options = new FuseMountOptions { FsName = fsName == "block" ? BlockFs.FsType : RamFs.FsType, Threads = threads };
        if (fsName == "block")
        {
            rc = MountImage(context, vfs, imagePath!, sizeText != null ? imageSize : null, out block);
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
                string what = block != null ? $"block ({block.ImagePath})" : fsName;
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
            // kill_sb: the image gets its dirty pages and metadata, then is closed.
            rc = block?.Unmount() ?? 0;
        }
        if (rc != 0)
        {
            return context.Fail("mount", $"{block!.ImagePath}: the final sync failed", Errnos.FromReturn(rc));
        }
        return 0;
    }

    // The image mounted at /mnt of the namespace; a path that does not exist first gets a new BlockFs (O_EXCL).
    private static int MountImage(CliContext context, MountNamespace vfs, string imagePath, long? size, out BlockFsMount? block)
    {
        block = null;
        string? error;
        if (!File.Exists(imagePath))
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
        int rc = BlockFs.Mount(vfs, "/mnt", imagePath, new BlockFsMountOptions { CacheFrames = 1024 }, out block, out error);
        if (rc != 0)
        {
            string problem = error?.Replace($"BlockFs ({imagePath}): error: ", "", StringComparison.Ordinal) ?? "";
            string hint = rc == Errnos.Neg(Errno.EINVAL) ? " (left as it is; give --image a path that does not exist to make a new BlockFs)" : "";
            return context.Fail("mount", $"{imagePath}: not a BlockFs that mounts: {problem}{hint}", Errnos.FromReturn(rc));
        }
        return 0;
    }

    // The foreground wait: true when the filesystem was unmounted from outside, false on SIGINT/SIGTERM (the usual
    // way to stop a foreground FUSE daemon: the command then unmounts and exits 0; a second signal kills it).
    private static bool WaitForSignalOrUnmount(FuseMount mount)
    {
        using Interruption interruption = Interruption.Catch();
        while (!Interruption.Requested && !mount.WaitUnmounted(TimeSpan.FromMilliseconds(200)))
        {
        }
        return !Interruption.Requested;
    }
}

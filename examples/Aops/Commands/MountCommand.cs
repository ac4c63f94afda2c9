using System.CommandLine;
using System.Runtime.InteropServices;
using System.Threading;
using AopsGen.Fuse;
using AopsGen.Vfs;

namespace AopsGen.Examples.Aops.Commands;

/// <summary>
/// <c>aops mount --fs ram MOUNTPOINT</c>: an example filesystem mounted on a host directory through FUSE
/// (<see cref="FuseMount"/>), in the foreground until Ctrl-C, SIGTERM or an outside <c>fusermount3 -u</c>; then it
/// unmounts and exits 0. Where <c>/dev/fuse</c> or libfuse is missing it says, in one line, what to install.
/// </summary>
internal static class MountCommand
{
    public static Command Create(CliContext context)
    {
        var mountPoint = new Argument<string>("MOUNTPOINT") { Description = "An existing directory of the host to mount on." };
        var fs = new Option<string>("--fs") { Description = "The filesystem: ram (RamFs, in memory, gone at unmount).", DefaultValueFactory = _ => "ram" };
        fs.AcceptOnlyFromAmong("ram");
        var threads = new Option<int>("--threads") { Description = "Threads serving requests.", DefaultValueFactory = _ => 4 };
        var command = new Command("mount", "Mount an example filesystem on a host directory through FUSE, in the foreground.") { mountPoint, fs, threads };
        command.SetAction(parse => Run(context, parse.GetValue(mountPoint)!, parse.GetValue(fs)!, parse.GetValue(threads)));
        return command;
    }

    private static int Run(CliContext context, string mountPoint, string fsName, int threads)
    {
        if (threads < 1)
        {
            return context.Fail("mount", $"--threads {threads}: at least one thread serves requests");
        }
        if (FuseMount.Unavailable() is string reason)
        {
            return context.Fail("mount", reason);
        }
        MountNamespace vfs = RamFs.NewNamespace(out SuperBlock rootFs);
        int rc = RamFs.Mkdir(vfs, rootFs, "/mnt", Credentials.Root);
        rc = rc == 0 ? RamFs.Mount(vfs, "/mnt", out _) : rc;
        if (rc != 0)
        {
            return context.Fail("mount", $"{fsName}: {AopsCli.Describe(Errnos.FromReturn(rc))}");
        }
        var options = new FuseMountOptions { FsName = RamFs.FsType, Threads = threads };
        rc = FuseMount.Mount(vfs, "/mnt", mountPoint, options, out FuseMount? mount, out string? error);
        if (rc != 0)
        {
            return context.Fail("mount", error ?? AopsCli.Describe(Errnos.FromReturn(rc)));
        }
        using (mount)
        {
            context.Output.WriteLine($"aops mount: {fsName} on {mount!.MountPoint}; Ctrl-C or SIGTERM unmounts "
                + $"(if this process is killed: fusermount3 -u {mount.MountPoint})");
            using var stop = new ManualResetEventSlim(false);
            void OnSignal(PosixSignalContext signal)
            {
                signal.Cancel = true;
                stop.Set();
            }
            using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
            using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            while (!stop.Wait(200) && !mount.IsUnmounted)
            {
            }
            bool outside = mount.IsUnmounted;
            mount.Dispose();
            context.Output.WriteLine(outside ? $"aops mount: {mount.MountPoint} was unmounted" : $"aops mount: unmounted {mount.MountPoint}");
        }
        return 0;
    }
}

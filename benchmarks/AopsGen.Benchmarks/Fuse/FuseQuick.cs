using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using AopsGen.Benchmarks.Quick;
using AopsGen.Examples;
using AopsGen.Fuse;
using AopsGen.Vfs;

namespace AopsGen.Benchmarks.Fuse;

/// <summary>
/// <c>--quick</c>'s fuse group: the same fio jobs — sequential 1 MiB and random 4 KiB, reads and writes, buffered,
/// one job — on RamFs, on BlockFs (its image in the host directory) and on HostFs (a subdirectory of it) mounted
/// through <see cref="FuseMount"/>, and on that host directory, in this run. Each figure is the mounted filesystem's bandwidth over the host's (1.0: as fast as the host).
/// Reads run after a reopen, so the kernel's FUSE page cache is cold and every read reaches the daemon.
/// </summary>
public static class FuseQuick
{
    private static readonly (string Key, string Job, string What)[] Jobs =
    [
        ("SeqWrite", "--rw=write --bs=1M --size=128M", "sequential 1 MiB writes"),
        ("SeqRead", "--rw=read --bs=1M --size=128M", "sequential 1 MiB reads"),
        ("RandWrite", "--rw=randwrite --bs=4k --size=32M", "random 4 KiB writes"),
        ("RandRead", "--rw=randread --bs=4k --size=32M", "random 4 KiB reads"),
    ];

    public static void Measure(QuickReport report)
    {
        if (FuseMount.Unavailable() is string reason)
        {
            throw new InvalidOperationException(reason);
        }
        string host = Directory.CreateTempSubdirectory("aopsgen-fio-host-").FullName;
        try
        {
            double[] onHost = Jobs.Select(j => Bandwidth(host, j.Job)).ToArray();
            Serve(report, "Ramfs", "RamFs", host, onHost, vfs =>
            {
                Check(RamFs.Mount(vfs, "/mnt", out _));
                InProcess(report, vfs);
                return () => { };
            });
            // BlockFs's image lives in the host directory the host's figures come from.
            string image = Path.Combine(host, "blockfs.img");
            Check(BlockFs.Mkfs(image, 1L << 30, null, out string? mkfsError), mkfsError);
            Serve(report, "Blockfs", "BlockFs", host, onHost, vfs =>
            {
                Check(BlockFs.Mount(vfs, "/mnt", image, new BlockFsMountOptions { CacheFrames = 1024 }, out BlockFsMount? block, out string? error), error);
                return block!.Dispose;
            });
            File.Delete(image);
            // HostFs passes through to a directory beside the host's own fio file: the same disk, the same page cache.
            string passed = Directory.CreateDirectory(Path.Combine(host, "hostfs")).FullName;
            Serve(report, "Hostfs", "HostFs", host, onHost, vfs =>
            {
                Check(HostFs.Mount(vfs, "/mnt", passed, out SuperBlock? sb));
                return () => HostFs.Release(sb!);
            });
        }
        finally
        {
            Directory.Delete(host, recursive: true);
        }
    }

    // One filesystem mounted through FUSE, the jobs run on it, each figure over the host's.
    private static void Serve(QuickReport report, string key, string name, string host, double[] onHost, Func<MountNamespace, Action> mountFs)
    {
        string mountPoint = Directory.CreateTempSubdirectory("aopsgen-fio-fuse-").FullName;
        MountNamespace vfs = RamFs.NewNamespace(out SuperBlock rootFs);
        Check(RamFs.Mkdir(vfs, rootFs, "/mnt", Credentials.Root));
        Action release = mountFs(vfs);
        Check(FuseMount.Mount(vfs, "/mnt", mountPoint, new FuseMountOptions { FsName = key.ToLowerInvariant() }, out FuseMount? mount, out string? error), error);
        try
        {
            for (int i = 0; i < Jobs.Length; i++)
            {
                (string job, string spec, string what) = Jobs[i];
                double onFuse = Bandwidth(mountPoint, spec);
                report.Add($"fuse{key}{job}OverHost", onFuse / onHost[i], "ratio",
                    $"fio {what}: {name} through FUSE over the host directory ({onFuse / (1 << 20):F0} vs {onHost[i] / (1 << 20):F0} MiB/s)");
            }
        }
        finally
        {
            mount!.Dispose();
            release();
            Directory.Delete(mountPoint, recursive: true);
        }
    }

    // Where the time goes: the same sequential 1 MiB writes and reads through the page cache and RamFs's table in
    // this process, with no FUSE round trip and no kernel in between.
    private static void InProcess(QuickReport report, MountNamespace vfs)
    {
        Check(vfs.CreateFile("/mnt/inproc.bin", 0x1A4, Credentials.Root, out _));
        Check(vfs.Open("/mnt/inproc.bin", OpenFlags.ReadWrite, Credentials.Root, out OpenFile? file));
        using var cache = new Mm.PageCache(4096);
        var chunk = new byte[1 << 20];
        new Random(1).NextBytes(chunk);
        const int Chunks = 128;
        // CPU time, not wall time: on a loaded machine the wall clock measures the other processes.
        TimeSpan cpu = Environment.CpuUsage.TotalTime;
        for (int i = 0; i < Chunks; i++)
        {
            cache.Write(file!, (long)i << 20, chunk);
        }
        double write = Chunks / (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
        cpu = Environment.CpuUsage.TotalTime;
        for (int i = 0; i < Chunks; i++)
        {
            cache.Read(file!, (long)i << 20, chunk);
        }
        double read = Chunks / (Environment.CpuUsage.TotalTime - cpu).TotalSeconds;
        vfs.Close(file!);
        Check(vfs.Unlink("/mnt/inproc.bin", Credentials.Root));
        report.Add("ramfsPageCacheSeqWriteMiBPerCpuSecond", write, "MiB/cpu-s", "1 MiB writes through PageCache.Write and RamFs's write_begin/write_end in this process (no FUSE), per CPU second");
        report.Add("ramfsPageCacheSeqReadMiBPerCpuSecond", read, "MiB/cpu-s", "1 MiB cold reads through PageCache.Read and RamFs's readpage in this process (no FUSE), per CPU second");
    }

    // fio's bandwidth in bytes/s for one job in dir: the file is laid out first (a write job writes it again).
    private static double Bandwidth(string dir, string job)
    {
        string common = $"--name=q --directory={dir} --filename=q.bin {job} --ioengine=psync --numjobs=1 --output-format=json";
        if (job.Contains("read", StringComparison.Ordinal))
        {
            Fio($"{common.Replace("randread", "write").Replace("--rw=read", "--rw=write")}", dir);
        }
        using JsonDocument doc = JsonDocument.Parse(Fio(common, dir));
        JsonElement result = doc.RootElement.GetProperty("jobs")[0];
        string side = job.Contains("read", StringComparison.Ordinal) ? "read" : "write";
        return result.GetProperty(side).GetProperty("bw_bytes").GetDouble();
    }

    private static string Fio(string args, string dir)
    {
        var start = new ProcessStartInfo("fio", args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        using Process fio = Process.Start(start) ?? throw new InvalidOperationException("fio did not start");
        string output = fio.StandardOutput.ReadToEnd();
        string errors = fio.StandardError.ReadToEnd();
        fio.WaitForExit();
        if (fio.ExitCode != 0)
        {
            throw new InvalidOperationException($"fio {args} exited {fio.ExitCode}: {errors}");
        }
        return output;
    }

    private static void Check(int rc, string? error = null)
    {
        if (rc != 0)
        {
            throw new InvalidOperationException($"fuse quick: setup failed: {error ?? Errnos.FromReturn(rc).ToString()}");
        }
    }
}

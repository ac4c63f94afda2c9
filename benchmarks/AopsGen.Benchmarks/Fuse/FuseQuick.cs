using System.Diagnostics;
using System.IO;
using System.Text.Json;
using AopsGen.Benchmarks.Quick;
using AopsGen.Examples;
using AopsGen.Fuse;
using AopsGen.Vfs;

namespace AopsGen.Benchmarks.Fuse;

/// <summary>
/// <c>--quick</c>'s fuse group: the same fio jobs — sequential 1 MiB and random 4 KiB, reads and writes, buffered,
/// one job — on RamFs mounted through <see cref="FuseMount"/> and on the host directory the mount point lives in,
/// in this run. Each figure is the mounted filesystem's bandwidth over the host's (1.0: as fast as the host).
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
        string mountPoint = Directory.CreateTempSubdirectory("aopsgen-fio-fuse-").FullName;
        MountNamespace vfs = RamFs.NewNamespace(out SuperBlock rootFs);
        Check(RamFs.Mkdir(vfs, rootFs, "/mnt", Credentials.Root));
        Check(RamFs.Mount(vfs, "/mnt", out _));
        Check(FuseMount.Mount(vfs, "/mnt", mountPoint, new FuseMountOptions { FsName = RamFs.FsType }, out FuseMount? mount, out string? error), error);
        try
        {
            InProcess(report, vfs);
            foreach (var (key, job, what) in Jobs)
            {
                double onHost = Bandwidth(host, job);
                double onFuse = Bandwidth(mountPoint, job);
                report.Add($"fuseRamfs{key}OverHost", onFuse / onHost, "ratio",
                    $"fio {what}: RamFs through FUSE over the host directory ({onFuse / (1 << 20):F0} vs {onHost / (1 << 20):F0} MiB/s)");
            }
        }
        finally
        {
            mount!.Dispose();
            Directory.Delete(mountPoint, recursive: true);
            Directory.Delete(host, recursive: true);
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

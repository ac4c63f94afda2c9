using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text.Json;

namespace AopsGen.Benchmarks.Block;

/// <summary>One fio job: sequential O_DIRECT writes or reads in blocks of <see cref="BlockBytes"/> through
/// <see cref="Engine"/> with <see cref="Depth"/> I/Os in flight.</summary>
public readonly record struct FioJob(bool Write, string Engine, int Depth)
{
    /// <summary>The swap rig's batch: 32 pages, 128 KiB, one vectored write or read of the swap path.</summary>
    public const int BlockBytes = 32 * Page.Size;

    /// <summary>Depth 1 as the rig's raw loop does it: one synchronous <c>pwrite</c> at a time (<c>psync</c>).</summary>
    public static FioJob WriteQd1 => new(true, "psync", 1);

    /// <summary>Four writes in flight through io_uring.</summary>
    public static FioJob WriteQd4 => new(true, "io_uring", 4);

    /// <summary>Depth 1 reads, one synchronous <c>pread</c> at a time.</summary>
    public static FioJob ReadQd1 => new(false, "psync", 1);

    /// <summary>Four reads in flight through io_uring.</summary>
    public static FioJob ReadQd4 => new(false, "io_uring", 4);

    /// <summary>fio's <c>--rw</c>.</summary>
    public string Rw => Write ? "write" : "read";
}

/// <summary>What fio reported for one job (its <c>--output-format=json</c>): bytes moved and bandwidth.</summary>
public readonly record struct FioResult(string Version, long IoBytes, double BytesPerSecond)
{
    /// <summary>Bandwidth in 4 KiB pages per second, the unit of the swap figures.</summary>
    public double PagesPerSecond => BytesPerSecond / Page.Size;
}

/// <summary>
/// fio (Debian's package <c>fio</c>), the disk's own ceiling beside the swap figures: the same file the swap rig
/// swaps to, the same slots (from slot 1, the header left alone), the same 128 KiB blocks, O_DIRECT. Each run is
/// its own process; the figure is fio's own bandwidth over the job's run time (its start-up not counted).
/// </summary>
public static class Fio
{
    /// <summary>fio's path on <c>PATH</c>, or null when it is not installed.</summary>
    public static string? Executable
    {
        get
        {
            foreach (string directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            {
                string candidate = Path.Combine(directory, "fio");
                if (System.IO.File.Exists(candidate))
                {
                    return candidate;
                }
            }
            return null;
        }
    }

    /// <summary>The command line of <paramref name="job"/> over <paramref name="bytes"/> bytes of <paramref name="path"/>
    /// from <paramref name="offset"/>, <paramref name="loops"/> times over.</summary>
    public static List<string> Arguments(FioJob job, string path, long offset, long bytes, int loops) =>
    [
        "--name=" + job.Rw + "-" + job.Engine + "-qd" + job.Depth,
        "--filename=" + path,
        "--rw=" + job.Rw,
        "--bs=" + FioJob.BlockBytes,
        "--direct=1",
        "--ioengine=" + job.Engine,
        "--iodepth=" + job.Depth,
        "--offset=" + offset,
        "--size=" + bytes,
        "--loops=" + loops,
        "--output-format=json",
    ];

    /// <summary>Runs <paramref name="job"/> (see <see cref="Arguments"/>) and returns what fio reported.
    /// <see cref="InvalidOperationException"/> when fio is missing, fails or reports an error.</summary>
    public static FioResult Run(FioJob job, string path, long offset, long bytes, int loops)
    {
        string fio = Executable ?? throw new InvalidOperationException("fio is not installed (apt-get install fio)");
        var start = new ProcessStartInfo(fio) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in Arguments(job, path, offset, bytes, loops))
        {
            start.ArgumentList.Add(argument);
        }
        using Process process = Process.Start(start)!;
        System.Threading.Tasks.Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill();
            throw new InvalidOperationException($"fio {job.Rw} {job.Engine} depth {job.Depth} did not finish in 2 minutes");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"fio {job.Rw} {job.Engine} depth {job.Depth} exited with {process.ExitCode}: {error.Result.Trim()}");
        }
        return Parse(output, job.Write);
    }

    /// <summary>
    /// fio's JSON report: the <c>write</c> (or <c>read</c>) section of every job, <c>io_bytes</c> and <c>bw_bytes</c>
    /// summed. Text fio printed before the object (a warning) is skipped. <see cref="InvalidOperationException"/>
    /// when it is not a fio report, a job has a non-zero <c>error</c>, or nothing moved.
    /// </summary>
    public static FioResult Parse(string output, bool write)
    {
        int start = output.IndexOf('{');
        if (start < 0)
        {
            throw new InvalidOperationException("fio printed no JSON report");
        }
        using JsonDocument document = JsonDocument.Parse(output.AsMemory(start));
        JsonElement root = document.RootElement;
        if (!root.TryGetProperty("jobs", out JsonElement jobs) || jobs.ValueKind != JsonValueKind.Array || jobs.GetArrayLength() == 0)
        {
            throw new InvalidOperationException("fio's report has no jobs");
        }
        string version = root.TryGetProperty("fio version", out JsonElement v) ? v.GetString() ?? "" : "";
        string section = write ? "write" : "read";
        long ioBytes = 0;
        double bandwidth = 0;
        foreach (JsonElement job in jobs.EnumerateArray())
        {
            if (job.TryGetProperty("error", out JsonElement err) && err.GetInt32() != 0)
            {
                throw new InvalidOperationException($"fio job {job.GetProperty("jobname").GetString()} failed with error {err.GetInt32()}");
            }
            JsonElement io = job.GetProperty(section);
            ioBytes += io.GetProperty("io_bytes").GetInt64();
            bandwidth += io.GetProperty("bw_bytes").GetDouble();
        }
        if (ioBytes == 0 || bandwidth <= 0)
        {
            throw new InvalidOperationException($"fio moved no bytes ({section})");
        }
        return new FioResult(version, ioBytes, bandwidth);
    }
}

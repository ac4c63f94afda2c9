using AopsGen.Benchmarks.Block;
using AopsGen.Benchmarks.Quick;
using AopsGen.Benchmarks.Swap;
using Xunit;

namespace AopsGen.Benchmarks.Tests;

/// <summary>fio's JSON report read as the quick run reads it, the command line it runs, and the ratios computed from
/// the figures of one run. No timings.</summary>
[Collection("Fio")]
public sealed class FioTests
{
    // fio 3.33's --output-format=json for one psync write job on this machine, trimmed to the fields around the ones read.
    private const string WriteReport = """
        {
          "fio version" : "fio-3.33",
          "timestamp" : 1796360000,
          "jobs" : [
            {
              "jobname" : "write-psync-qd1",
              "groupid" : 0,
              "error" : 0,
              "job options" : { "rw" : "write", "bs" : "131072", "direct" : "1", "ioengine" : "psync", "iodepth" : "1" },
              "read" : { "io_bytes" : 0, "io_kbytes" : 0, "bw_bytes" : 0, "bw" : 0, "iops" : 0.000000, "runtime" : 0 },
              "write" : { "io_bytes" : 4194304, "io_kbytes" : 4096, "bw_bytes" : 599186285, "bw" : 585142, "iops" : 4571.428571, "runtime" : 7 },
              "trim" : { "io_bytes" : 0, "bw_bytes" : 0, "iops" : 0.000000, "runtime" : 0 },
              "job_runtime" : 6
            }
          ],
          "disk_util" : [ { "name" : "vda", "write_ios" : 32 } ]
        }
        """;

    [Fact]
    public void A_write_report_gives_fio_s_bandwidth_in_pages_per_second()
    {
        FioResult result = Fio.Parse(WriteReport, write: true);

        Assert.Equal("fio-3.33", result.Version);
        Assert.Equal(4194304, result.IoBytes);
        Assert.Equal(599186285 / 4096.0, result.PagesPerSecond, 6);
    }

    [Fact]
    public void Reading_the_read_section_of_a_write_job_is_refused_as_nothing_moved()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Fio.Parse(WriteReport, write: false));
        Assert.Contains("no bytes", error.Message);
    }

    [Fact]
    public void A_warning_before_the_report_is_skipped()
    {
        FioResult result = Fio.Parse("fio: note: both iodepth >= 1 and synchronous I/O engine are selected\n" + WriteReport, write: true);
        Assert.Equal(4194304, result.IoBytes);
    }

    [Fact]
    public void The_jobs_of_a_report_are_summed()
    {
        string two = WriteReport.Replace("""
              "job_runtime" : 6
            }
          ],
        """, """
              "job_runtime" : 6
            },
            { "jobname" : "second", "error" : 0, "write" : { "io_bytes" : 4194304, "bw_bytes" : 400000000 } }
          ],
        """);
        FioResult result = Fio.Parse(two, write: true);
        Assert.Equal(8388608, result.IoBytes);
        Assert.Equal(999186285, result.BytesPerSecond);
    }

    [Theory]
    [InlineData("fio: pid=0, err=22/file:filesetup.c:805, func=open(/nope), error=Invalid argument")]
    [InlineData("""{ "fio version" : "fio-3.33", "jobs" : [] }""")]
    [InlineData("""{ "jobs" : [ { "jobname" : "w", "error" : 5, "write" : { "io_bytes" : 0, "bw_bytes" : 0 } } ] }""")]
    public void A_failed_run_or_an_empty_report_is_refused(string output)
    {
        Assert.Throws<InvalidOperationException>(() => Fio.Parse(output, write: true));
    }

    [Fact]
    public void The_command_line_is_the_rig_s_batch_with_O_DIRECT_over_the_slots_asked()
    {
        var arguments = Fio.Arguments(FioJob.WriteQd4, "/tmp/x/swapfile", offset: 4096, bytes: 32768L * 4096, loops: 3);

        Assert.Contains("--filename=/tmp/x/swapfile", arguments);
        Assert.Contains("--rw=write", arguments);
        Assert.Contains("--bs=131072", arguments);
        Assert.Contains("--direct=1", arguments);
        Assert.Contains("--ioengine=io_uring", arguments);
        Assert.Contains("--iodepth=4", arguments);
        Assert.Contains("--offset=4096", arguments);
        Assert.Contains("--size=134217728", arguments);
        Assert.Contains("--loops=3", arguments);
        Assert.Contains("--output-format=json", arguments);
        Assert.Contains("--rw=read", Fio.Arguments(FioJob.ReadQd1, "f", 4096, 4096, 1));
        Assert.Contains("--ioengine=psync", Fio.Arguments(FioJob.ReadQd1, "f", 4096, 4096, 1));
    }

    [Fact]
    public void The_ceiling_ratios_divide_the_hostfs_batch_32_figures_by_fio_at_depth_4_and_the_core_is_ramfs_less_its_copy()
    {
        var report = new QuickReport();
        report.Add("hostfsSwapOutPagesPerSecond32", 300_000, "pages/s", "");
        report.Add("hostfsSwapInPagesPerSecond32", 200_000, "pages/s", "");
        report.Add("ramfsSwapOutNsPerPage", 640, "ns", "");
        report.Add("ramfsCopyNsPerPage", 260, "ns", "");
        report.Add("fioWriteQd4PagesPerSecond", 600_000, "pages/s", "");
        report.Add("fioReadQd4PagesPerSecond", 400_000, "pages/s", "");

        SwapQuick.AddCeilingRatios(report);

        Assert.Equal(0.5, report["swapOutOverFioQd4"], 9);
        Assert.Equal(0.5, report["swapInOverFioQd4"], 9);
        Assert.Equal(380, report["ramfsSwapOutCoreNsPerPage"], 9);
        Assert.False(report.Has("asyncOverSync"));
    }

    [Fact]
    public void Async_over_sync_is_measured_on_two_hostfs_rigs_of_depth_4_and_1_in_the_same_rounds()
    {
        var report = new QuickReport();

        SwapQuick.MeasureAsyncOverSync(report, pages: 256, rounds: 1);

        Assert.True(report.Has("asyncOverSync"));
        Assert.InRange(report["asyncOverSync"], double.Epsilon, double.MaxValue);
        Assert.False(report.Has("hostfsSwapOutPagesPerSecond32"));
    }

    [Fact]
    public void Figures_whose_inputs_were_not_measured_are_left_out()
    {
        var report = new QuickReport();
        report.Add("hostfsSwapOutPagesPerSecond32", 300_000, "pages/s", "");
        report.Add("hostfsSwapInPagesPerSecond32", 200_000, "pages/s", "");

        SwapQuick.AddCeilingRatios(report);

        Assert.False(report.Has("swapOutOverFioQd4"));
        Assert.False(report.Has("swapInOverFioQd4"));
        Assert.False(report.Has("ramfsSwapOutCoreNsPerPage"));
    }

    [Fact]
    public void Fio_run_with_these_command_lines_moves_the_bytes_asked_for_every_job()
    {
        Assert.True(Fio.Executable != null, "fio is not installed (apt-get install fio; .ci/run installs it)");
        string directory = System.IO.Directory.CreateTempSubdirectory("aopsgen-fio-").FullName;
        try
        {
            string path = System.IO.Path.Combine(directory, "swapfile");
            using (var file = System.IO.File.Create(path))
            {
                file.SetLength(4096 + (1 << 20));
            }
            foreach (var (key, job, _) in SwapQuick.FioJobs)
            {
                FioResult result = Fio.Run(job, path, offset: 4096, bytes: 1 << 20, loops: 2);
                Assert.True(2 << 20 == result.IoBytes, $"{key}: fio moved {result.IoBytes} bytes");
                Assert.StartsWith("fio-", result.Version);
            }
        }
        finally
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Each_fio_key_runs_the_job_its_name_says()
    {
        Assert.Equal(
            ["fioWriteQd1PagesPerSecond", "fioWriteQd4PagesPerSecond", "fioReadQd1PagesPerSecond", "fioReadQd4PagesPerSecond"],
            Array.ConvertAll(SwapQuick.FioJobs, j => j.Key));
        Assert.All(SwapQuick.FioJobs, j =>
        {
            Assert.Equal(j.Key.StartsWith("fioWrite", StringComparison.Ordinal), j.Job.Write);
            Assert.Equal(j.Key.Contains("Qd4", StringComparison.Ordinal) ? 4 : 1, j.Job.Depth);
        });
    }
}

/// <summary>The fio tests start processes and write a file with O_DIRECT: alone, so that the tests counting a thread's
/// system calls (<see cref="ThreadIo"/>) see no other test's work.</summary>
[CollectionDefinition("Fio", DisableParallelization = true)]
public sealed class FioCollection
{
}

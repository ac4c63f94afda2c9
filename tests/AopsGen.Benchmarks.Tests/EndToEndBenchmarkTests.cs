using AopsGen.Benchmarks.EndToEnd;
using AopsGen.Benchmarks.Quick;
using Xunit;

namespace AopsGen.Benchmarks.Tests;

/// <summary>The end-to-end group runs the real <c>aops demo</c>: a run through the benchmark's entry point swaps pages
/// both ways and verifies every page, the runner can run again on the same swap file, and the benchmark method
/// returns what it swapped. No timings.</summary>
public class EndToEndBenchmarkTests
{
    [Theory]
    [InlineData(DemoFileSystem.Ram, 1)]
    [InlineData(DemoFileSystem.Ram, 2)]
    [InlineData(DemoFileSystem.Host, 2)]
    public void A_small_demo_run_swaps_out_and_in_and_verifies_twice_on_one_swap_file(DemoFileSystem fs, int threads)
    {
        using var runner = new DemoRunner(fs, threads, pages: 512, ramPages: 128);
        for (int run = 0; run < 2; run++)
        {
            DemoRun result = runner.Run();
            Assert.True(result.Verified, result.Problem);
            Assert.True(result.PagesOut >= 512 - 128, $"pswpout {result.PagesOut}");
            Assert.True(result.PagesIn > 0, "pswpin");
            Assert.Equal(result.PagesOut + result.PagesIn, result.PagesSwapped);
            Assert.True(result.PagesPerSecond > 0);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void A_small_nfs_demo_run_verifies_at_queue_depth(int queueDepth)
    {
        Assert.SkipWhen(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("AOPSGEN_NFS_URL")),
            "no NFS server: set AOPSGEN_NFS_URL to the URL `examples/NfsFs/nfs-server.sh start` prints (.ci/run does)");
        using var runner = new DemoRunner(DemoFileSystem.Nfs, 2, pages: 512, ramPages: 128, queueDepth: queueDepth);

        DemoRun result = runner.Run();

        Assert.Equal(DemoFileSystem.Nfs, runner.Fs);
        Assert.Equal(queueDepth, runner.QueueDepth);
        Assert.True(result.Verified, result.Problem);
        Assert.True(result.PagesOut >= 512 - 128, $"pswpout {result.PagesOut}");
    }

    [Fact]
    public void The_benchmark_method_is_one_verified_demo_run_and_returns_the_pages_it_swapped()
    {
        var bench = new EndToEndBenchmarks { Fs = DemoFileSystem.Ram, Threads = 1 };
        bench.Setup();
        try
        {
            Assert.True(bench.Demo() > 4096 - 1024);
        }
        finally
        {
            bench.Cleanup();
        }
        Assert.True(DemoRunLog.TryRead(DemoFileSystem.Ram, 1, out double swapped, out double rate));
        Assert.True(swapped > 4096 - 1024);
        Assert.True(rate > 0);
    }

    [Fact]
    public void The_quick_group_is_registered_after_dispatch()
    {
        string[] names = Array.ConvertAll(QuickRun.Groups, g => g.Name);
        Assert.True(Array.IndexOf(names, "endToEnd") > Array.IndexOf(names, "dispatch"));
        Assert.True(Array.IndexOf(names, "scale") > Array.IndexOf(names, "endToEnd"));
    }
}

using System.IO;
using System.Linq;
using System.Text.Json;
using AopsGen.Swap;
using Xunit;

namespace AopsGen.Examples.Aops.Tests;

/// <summary><c>aops ops</c> and <c>aops demo</c>: the tables, and programs at 4× more pages than frames on each
/// filesystem with several threads — every byte verified, nothing left behind, no managed allocation per page.</summary>
public sealed class OpsAndDemoTests
{
    [Fact]
    public void Ops_prints_each_example_filesystems_table_with_set_ops_and_the_defaults_of_the_rest()
    {
        (int exit, string output, _) = Cli.Run("ops");

        Assert.Equal(0, exit);
        Assert.Contains("--fs ram: ramfs_aops { .writepage, .readpage, .set_page_dirty, .write_begin, .write_end, .direct_IO, .swap_activate, .swap_deactivate }", output);
        Assert.Contains("--fs block: blockfs_aops {", output);
        Assert.Contains("--fs host: hostfs_aops { .writepage, .readpage, .writepages, .set_page_dirty, .readpages, .write_begin, .write_end, .direct_IO, .swap_activate, .swap_deactivate }", output);
        string[] blockfs = output[output.IndexOf("--fs block", StringComparison.Ordinal)..].Split('\n');
        Assert.Contains(blockfs, line => line.StartsWith("  bmap", StringComparison.Ordinal) && line.EndsWith("set", StringComparison.Ordinal));
        Assert.Contains(blockfs, line => line.StartsWith("  swap_activate", StringComparison.Ordinal) && line.EndsWith("set", StringComparison.Ordinal));
        Assert.Contains("--fs ram-swaprw: ramfs_swaprw_aops {", output);
    }

    [Theory]
    [InlineData("ram", "SWP_FILE")]
    [InlineData("ram-swaprw", "SWP_FS_OPS")]
    [InlineData("block", "extents")]
    [InlineData("blkdev", "SWP_BLKDEV")]
    [InlineData("host", "SWP_FILE")]
    public void Demo_at_four_times_more_pages_than_frames_with_four_threads_verifies_every_byte_without_allocating(string fs, string swapMode)
    {
        (int exit, string output, string error) = Cli.RunProcess("demo", "--fs", fs, "--ram-pages", "256", "--pages", "1024", "--threads", "4", "--seed", "7", "--json");

        Assert.True(exit == 0, error + output);
        JsonElement json = JsonDocument.Parse(output.TrimEnd().Split('\n').Last()).RootElement;
        Assert.Equal(fs, json.GetProperty("fs").GetString());
        Assert.Equal(swapMode, json.GetProperty("swapMode").GetString());
        Assert.Equal((256, 1024, 4), (json.GetProperty("ramPages").GetInt32(), json.GetProperty("pages").GetInt32(), json.GetProperty("threads").GetInt32()));
        Assert.Equal(SwapCore.DefaultQueueDepth, json.GetProperty("queueDepth").GetInt32());
        Assert.Null(json.GetProperty("leak").GetString());
        Assert.True(json.GetProperty("verified").GetBoolean());
        Assert.Equal(0, json.GetProperty("mismatches").GetInt64());
        Assert.True(json.GetProperty("pagesOut").GetInt64() >= 1024 - 256, "fewer pages swapped out than did not fit");
        Assert.True(json.GetProperty("pagesIn").GetInt64() > 0);
        Assert.True(json.GetProperty("majorFaults").GetInt64() > 0);
        Assert.True(json.GetProperty("elapsedMs").GetDouble() > 0);
        // Nothing per page: one object per swapped page would be at least 24 bytes per page. What the runtime allocates
        // once (a lock's wait event on its first contention, likelier on a loaded machine) is a few hundred bytes over
        // thousands of pages, well below 0.1 byte per page.
        Assert.InRange(json.GetProperty("allocatedBytesPerPage").GetDouble(), 0, 0.1);
        Assert.InRange(json.GetProperty("processAllocatedBytesPerPage").GetDouble(), 0, 0.1);
        AssertRouting(swapMode, json.GetProperty("opCalls"));
    }

    // The routing the issue asks opCalls to show: SWP_FS_OPS calls only swap_rw for I/O; SWP_FILE only direct_IO,
    // reads and writes (one call per batch: fewer calls than pages), never swap_rw; extents and SWP_BLKDEV no I/O op of the filesystem, and the block device does the I/O.
    internal static void AssertRouting(string swapMode, JsonElement calls)
    {
        long Calls(string op) => calls.GetProperty(op).GetInt64();
        switch (swapMode)
        {
            case "SWP_FILE":
                Assert.True(Calls("direct_IO") > 0);
                Assert.Equal(0, Calls("swap_rw") + Calls("blockReads") + Calls("blockWrites"));
                break;
            case "SWP_FS_OPS":
                Assert.True(Calls("swap_rw") > 0);
                Assert.Equal(0, Calls("direct_IO") + Calls("blockReads") + Calls("blockWrites"));
                break;
            default:
                Assert.True(Calls("blockReads") > 0 && Calls("blockWrites") > 0);
                Assert.Equal(0, Calls("direct_IO") + Calls("swap_rw"));
                break;
        }
        Assert.Equal(swapMode == "SWP_BLKDEV" ? 0 : 1, Calls("swap_activate"));
    }

    [Fact]
    public void Demo_without_json_prints_the_summary_with_the_kernels_counter_names()
    {
        (int exit, string output, _) = Cli.Run("demo", "--ram-pages", "64", "--pages", "256", "--threads", "1");

        Assert.Equal(0, exit);
        Assert.StartsWith($"aops demo: 256 pages over 64 frames (4x memory), 1 thread, queue depth {SwapCore.DefaultQueueDepth}, seed 1", output);
        Assert.Contains("(pswpout)", output);
        Assert.Contains("(pgmajfault)", output);
        Assert.Contains("verified      true", output);
    }

    [Theory]
    [InlineData("--ram-pages", "8", "--ram-pages must be at least 16 (got 8)")]
    [InlineData("--threads", "0", "--threads must be between 1 and 64 (got 0)")]
    [InlineData("--queue-depth", "0", "--queue-depth must be between 1 and 64 (got 0)")]
    [InlineData("--pages", "0", "--pages must be at least 1 (got 0)")]
    [InlineData("--dir", "/nonexistent/aops", "--dir /nonexistent/aops: No such file or directory (ENOENT)")]
    public void Demo_refuses_bad_options_with_a_message_and_exit_code_1(string option, string value, string message)
    {
        (int exit, string output, string error) = Cli.Run("demo", option, value, "--fs", "block");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Equal($"aops demo: {message}", error.TrimEnd());
    }

    [Fact]
    public void Demo_on_a_host_directory_never_follows_a_symlink_where_its_swap_file_goes()
    {
        using var cli = new Cli();
        string outside = cli.PathOf("outside");
        System.IO.Directory.CreateDirectory(outside);
        string victim = Path.Combine(outside, "victim");
        System.IO.File.WriteAllText(victim, "keep me");
        string dir = cli.PathOf("dir");
        System.IO.Directory.CreateDirectory(dir);
        System.IO.File.CreateSymbolicLink(Path.Combine(dir, "aops-demo.swap"), victim);

        (int exit, string output, string error) = Cli.Run("demo", "--fs", "host", "--dir", dir, "--pages", "64", "--ram-pages", "16");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Contains("File exists (EEXIST)", error);
        Assert.Equal("keep me", System.IO.File.ReadAllText(victim));
        Assert.True(System.IO.File.Exists(Path.Combine(dir, "aops-demo.swap")));
    }

    [Fact]
    public void Demo_on_a_host_directory_leaves_it_as_it_found_it()
    {
        using var cli = new Cli();

        (int exit, _, string error) = Cli.Run("demo", "--fs", "host", "--dir", cli.Directory, "--pages", "256", "--ram-pages", "64", "--json");

        Assert.True(exit == 0, error);
        Assert.Empty(System.IO.Directory.EnumerateFileSystemEntries(cli.Directory));
    }

    [Fact]
    public void Demo_with_an_unknown_filesystem_is_a_usage_error_naming_the_choices()
    {
        (int exit, _, string error) = Cli.Run("demo", "--fs", "zfs");

        Assert.NotEqual(0, exit);
        Assert.Contains("zfs", error);
        Assert.Contains("ram", error);
    }
}

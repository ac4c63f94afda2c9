using System.IO;
using System.Linq;
using Xunit;

namespace AopsGen.Fuse.Tests;

/// <summary>The mounted filesystems judged by tools nobody here wrote: fio's crc32c verification (sequential and random,
/// buffered and O_DIRECT, several jobs, read back again after a reopen so the reads reach readpage or direct_IO),
/// stress-ng's filesystem stressors with --verify, and a source tree copied in and compared — on RamFs, on BlockFs,
/// whose copy is compared again after an unmount and a second mount of the image, and on HostFs, whose host directory
/// must then hold the same tree and whose copy is compared again after a remount. Small sizes: seconds each.</summary>
public sealed class RealToolTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    // Sequential 1 MiB and random 4 KiB writes, buffered and O_DIRECT, two and four jobs at once.
    private static readonly string[] FioJobs =
    [
        "--name=seq --rw=write --bs=1M --size=16M --numjobs=2",
        "--name=rand --rw=randwrite --bs=4k --size=4M --numjobs=4",
        "--name=seqdirect --rw=write --bs=1M --size=16M --numjobs=2 --direct=1",
        "--name=randdirect --rw=randwrite --bs=4k --size=4M --numjobs=4 --direct=1",
    ];

    [ToolTheory(["fio"])]
    [InlineData("ram")]
    [InlineData("block")]
    [InlineData("host")]
    public void FioVerifiesCrc32c(string fs)
    {
        using var mounted = new MountedFs(fs);
        foreach (string job in FioJobs)
        {
            (int code, string output) = HostTools.Run("fio", $"{job} --directory={mounted.Dir} --verify=crc32c --verify_fatal=1 --group_reporting", mounted.Dir, Limit);
            Assert.True(code == 0, $"fio {job} on {fs} exited {code}:\n{output}");
            Assert.Contains("err= 0", output);
            // A second run that only verifies: the files are opened again, so the kernel's FUSE page cache is dropped
            // and every read comes from the filesystem (page cache, readpages/readpage or direct_IO).
            (code, output) = HostTools.Run("fio", $"{job} --directory={mounted.Dir} --verify=crc32c --verify_only --verify_fatal=1", mounted.Dir, Limit);
            Assert.True(code == 0, $"fio --verify_only {job} on {fs} exited {code}:\n{output}");
            if (fs == "host")
            {
                // The same files read straight from the host directory: what went through the mount is there.
                (code, output) = HostTools.Run("fio", $"{job} --directory={mounted.HostDir} --verify=crc32c --verify_only --verify_fatal=1", mounted.HostDir, Limit);
                Assert.True(code == 0, $"fio --verify_only {job} in the host directory exited {code}:\n{output}");
            }
        }
    }

    [ToolTheory(["stress-ng"])]
    [InlineData("ram")]
    [InlineData("block")]
    [InlineData("host")]
    public void StressNgFilesystemStressorsPassWithVerification(string fs)
    {
        using var mounted = new MountedFs(fs);
        (int code, string output) = HostTools.Run("stress-ng",
            $"--temp-path {mounted.Dir} --hdd 2 --hdd-bytes 8M --dir 1 --rename 1 --link 1 --symlink 1 --dentry 1 --fstat 1 --verify --timeout 5s",
            mounted.Dir, Limit);
        Assert.True(code == 0, $"stress-ng on {fs} exited {code}:\n{output}");
        Assert.Contains("successful run completed", output);
        Assert.Empty(Directory.GetFileSystemEntries(mounted.Dir)); // every stressor cleaned up after itself
        if (fs == "host")
        {
            Assert.Empty(Directory.GetFileSystemEntries(mounted.HostDir)); // and on the host too
        }
    }

    [ToolTheory(["cp", "diff", "find"])]
    [InlineData("ram")]
    [InlineData("block")]
    [InlineData("host")]
    public void ASourceTreeCopiedInComparesEqual(string fs)
    {
        string tree = SourceTree();
        using var mounted = new MountedFs(fs);
        string copy = mounted.PathOf("copy");
        (int code, string output) = HostTools.Run("cp", $"-a {tree} {copy}", mounted.Dir, Limit);
        Assert.True(code == 0, $"cp exited {code}:\n{output}");
        AssertSameTree(tree, copy);
        if (fs == "host")
        {
            AssertSameTree(tree, Path.Combine(mounted.HostDir, "copy")); // what went through the mount is on the host
        }
        if (fs is "block" or "host")
        {
            mounted.Remount();
            AssertSameTree(tree, copy);
        }
    }

    // diff -r for the bytes; find's listing (type, mode, size, mtime, link target) for the rest.
    internal static void AssertSameTree(string tree, string copy)
    {
        (int code, string output) = HostTools.Run("diff", $"-r --no-dereference {tree} {copy}", copy, Limit);
        Assert.True(code == 0, $"diff found differences:\n{output}");
        Assert.Equal(Listing(tree), Listing(copy));
    }

    // One line a path: type, mode, size (not a directory's: that is the filesystem's own), mtime to 100 ns (the
    // model's DateTime), link target.
    private static string Listing(string dir)
    {
        (int code, string output) = HostTools.Run("find", @". -mindepth 1 -printf ""%P|%y|%m|%s|%T@|%l\n""", dir, Limit);
        Assert.Equal(0, code);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            string[] f = line.Split('|');
            string size = f[1] == "d" ? "-" : f[3];
            string time = f[4].Length > f[4].IndexOf('.') + 8 ? f[4][..(f[4].IndexOf('.') + 8)] : f[4];
            return $"{f[0]} {f[1]} {f[2]} {size} {time} {f[5]}";
        }).ToArray();
        Array.Sort(lines, StringComparer.Ordinal);
        return string.Join('\n', lines);
    }

    // The repository's src/ directory: a few hundred files in nested directories.
    internal static string SourceTree()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AopsGen.sln")))
            {
                return Path.Combine(dir.FullName, "src");
            }
        }
        throw new InvalidOperationException("the repository root (AopsGen.sln) is not above the test's directory");
    }
}

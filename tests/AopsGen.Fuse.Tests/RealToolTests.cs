using System.IO;
using Xunit;

namespace AopsGen.Fuse.Tests;

/// <summary>The mounted filesystems judged by tools nobody here wrote: fio's crc32c verification (sequential and random,
/// buffered and O_DIRECT, several jobs, read back again after a reopen so the reads reach readpage), stress-ng's
/// filesystem stressors with --verify, and a source tree copied in and compared.</summary>
public sealed class RealToolTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    [ToolFact("fio")]
    public void FioVerifiesCrc32cOnRamFs()
    {
        using var fs = new MountedRamFs();
        foreach (string job in FioJobs)
        {
            (int code, string output) = HostTools.Run("fio", $"{job} --directory={fs.Dir} --verify=crc32c --verify_fatal=1 --group_reporting", fs.Dir, Limit);
            Assert.True(code == 0, $"fio {job} exited {code}:\n{output}");
            Assert.Contains("err= 0", output);
            // A second run that only verifies: the files are opened again, so the kernel's FUSE page cache is dropped
            // and every read comes from the filesystem (page cache, readpages/readpage or direct_IO).
            (code, output) = HostTools.Run("fio", $"{job} --directory={fs.Dir} --verify=crc32c --verify_only --verify_fatal=1", fs.Dir, Limit);
            Assert.True(code == 0, $"fio --verify_only {job} exited {code}:\n{output}");
        }
    }

    // Sequential 1 MiB and random 4 KiB writes, buffered and O_DIRECT, two and four jobs at once.
    private static readonly string[] FioJobs =
    [
        "--name=seq --rw=write --bs=1M --size=32M --numjobs=2",
        "--name=rand --rw=randwrite --bs=4k --size=16M --numjobs=4",
        "--name=seqdirect --rw=write --bs=1M --size=32M --numjobs=2 --direct=1",
        "--name=randdirect --rw=randwrite --bs=4k --size=16M --numjobs=4 --direct=1",
    ];

    [ToolFact("stress-ng")]
    public void StressNgFilesystemStressorsPassWithVerification()
    {
        using var fs = new MountedRamFs();
        (int code, string output) = HostTools.Run("stress-ng",
            $"--temp-path {fs.Dir} --hdd 2 --hdd-bytes 16M --dir 1 --rename 1 --link 1 --symlink 1 --dentry 1 --fstat 1 --verify --timeout 8s",
            fs.Dir, Limit);
        Assert.True(code == 0, $"stress-ng exited {code}:\n{output}");
        Assert.Contains("successful run completed", output);
        Assert.Empty(Directory.GetFileSystemEntries(fs.Dir)); // every stressor cleaned up after itself
    }

    [ToolFact("cp", "diff")]
    public void ASourceTreeCopiedInComparesEqual()
    {
        string tree = SourceTree();
        using var fs = new MountedRamFs();
        (int code, string output) = HostTools.Run("cp", $"-a {tree} {fs.PathOf("copy")}", fs.Dir, Limit);
        Assert.True(code == 0, $"cp exited {code}:\n{output}");
        (code, output) = HostTools.Run("diff", $"-r --no-dereference {tree} {fs.PathOf("copy")}", fs.Dir, Limit);
        Assert.True(code == 0, $"diff found differences:\n{output}");
    }

    // The repository's src/ directory: a few hundred files in nested directories.
    private static string SourceTree()
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

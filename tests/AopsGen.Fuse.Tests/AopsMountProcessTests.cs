using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Xunit;

namespace AopsGen.Fuse.Tests;

/// <summary>
/// <c>aops mount</c> as its own process, as an admin runs it: SIGTERM unmounts cleanly and exits 0; a BlockFs image
/// made by the command keeps its files across a second mount; SIGKILL in the middle of a write leaves a dead mount
/// that fails with ENOTCONN (not a hang), <c>fusermount3 -u</c> — the fallback the command names — clears it, and the
/// image mounts again with every file closed before the kill intact; a file that is not a BlockFs is refused untouched.
/// The child's stdout and stderr are drained as they come (a full pipe would stop it), every wait has a limit, and
/// whatever happens no process and no mount is left behind.
/// </summary>
public sealed class AopsMountProcessTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);
    private readonly string _work = Directory.CreateTempSubdirectory("aopsgen-mount-").FullName;
    private readonly string _dir;
    private readonly List<Aops> _started = new();

    public AopsMountProcessTests()
    {
        _dir = Directory.CreateDirectory(Path.Combine(_work, "mnt")).FullName;
    }

    private string Image => Path.Combine(_work, "blockfs.img");

    [ToolFact(["fusermount3"])]
    public void SigtermUnmountsAndExitsZero()
    {
        Aops aops = Mount("--fs ram");
        File.WriteAllText(Path.Combine(_dir, "f"), "kept until unmount");
        Assert.Equal("kept until unmount", File.ReadAllText(Path.Combine(_dir, "f")));

        aops.Signal("TERM");

        Assert.Equal(0, aops.WaitForExit());
        Assert.Contains($"aops mount: unmounted {_dir}", aops.Output);
        Assert.False(IsMounted(_dir));
        Assert.Empty(Directory.GetFileSystemEntries(_dir)); // the host directory again
    }

    [ToolFact(["fusermount3"])]
    public void ANewImageIsMadeSparseAndItsFilesAreThereAtTheSecondMount()
    {
        Aops first = Mount($"--fs block --image {Image} --size 64M");
        Assert.Contains($"made a new BlockFs of {64L << 20} bytes on {Image}", first.Output);
        Directory.CreateDirectory(Path.Combine(_dir, "a/b"));
        File.WriteAllText(Path.Combine(_dir, "a/b/" + new string('n', 255)), "a long name");
        first.Signal("INT");
        Assert.Equal(0, first.WaitForExit());
        Assert.Equal(64L << 20, new FileInfo(Image).Length);

        Aops second = Mount($"--fs block --image {Image}");
        Assert.DoesNotContain("made a new", second.Output);
        Assert.Equal("a long name", File.ReadAllText(Path.Combine(_dir, "a/b/" + new string('n', 255))));
        second.Signal("TERM");
        Assert.Equal(0, second.WaitForExit());
    }

    [ToolFact(["fusermount3"])]
    public void SigkillMidWriteLeavesENOTCONNFusermountClearsItAndTheImageMountsAgain()
    {
        Aops aops = Mount($"--fs block --image {Image} --size 64M");
        byte[] kept = Enumerable.Range(0, 1 << 20).Select(i => (byte)(i * 7)).ToArray();
        Directory.CreateDirectory(Path.Combine(_dir, "kept"));
        File.WriteAllBytes(Path.Combine(_dir, "kept/a"), kept); // closed: fsync'd at release

        WriteUntilKilled(aops, 0);
        Assert.True(IsMounted(_dir));
        Assert.ThrowsAny<IOException>(() => Directory.GetFileSystemEntries(_dir)); // ENOTCONN, not a hang
        (int code, string output) = HostTools.Run("fusermount3", $"-u {_dir}", _work, Limit);
        Assert.True(code == 0, output);
        Assert.False(IsMounted(_dir));

        Aops again = Mount($"--fs block --image {Image}"); // a clean remount: no journal needed, the metadata was written in order
        Assert.Equal(kept, File.ReadAllBytes(Path.Combine(_dir, "kept/a")));
        Assert.True(new FileInfo(Path.Combine(_dir, "big")).Length <= 64L << 20);
        again.Signal("TERM");
        Assert.Equal(0, again.WaitForExit());
    }

    /// <summary>Two writers of one BlockFs would corrupt it: while an image is mounted, a second aops mount of it (here
    /// through a symbolic link) and aops mkswap of it are refused with EBUSY, as the kernel refuses a second exclusive
    /// open of a mounted block device.</summary>
    [ToolFact(["fusermount3"])]
    public void AMountedImageIsRefusedToASecondMountAndToMkswapWithEBUSY()
    {
        Aops first = Mount($"--fs block --image {Image} --size 64M");
        File.WriteAllText(Path.Combine(_dir, "f"), "kept");
        string second = Directory.CreateDirectory(Path.Combine(_work, "second")).FullName;
        string link = Path.Combine(_work, "link.img");
        File.CreateSymbolicLink(link, Image);

        var mount = Aops.Start($"mount --fs block --image {link} {second}");
        _started.Add(mount);
        var mkswap = Aops.Start($"mkswap {Image}");
        _started.Add(mkswap);

        Assert.Equal(1, mount.WaitForExit());
        Assert.Equal($"aops mount: {link}: already locked by another process (mounted by another aops mount, or in use by aops demo?): Device or resource busy (EBUSY)",
            Assert.Single(mount.Errors));
        Assert.False(IsMounted(second));
        Assert.Equal(1, mkswap.WaitForExit());
        Assert.EndsWith("(EBUSY)", Assert.Single(mkswap.Errors));
        first.Signal("TERM");
        Assert.Equal(0, first.WaitForExit());

        Aops again = Mount($"--fs block --image {link}"); // unlocked with the unmount; mkswap wrote nothing
        Assert.Equal("kept", File.ReadAllText(Path.Combine(_dir, "f")));
        again.Signal("TERM");
        Assert.Equal(0, again.WaitForExit());
    }

    /// <summary>SIGTERM while a new image is being made and mounted waits for both to finish, then unmounts: no
    /// half-made image, no dead mount (it killed the process between the two before).</summary>
    [ToolFact(["fusermount3"])]
    public void SigtermWhileANewImageIsMountedWaitsForTheMountThenUnmountsAndExitsZero()
    {
        var aops = Aops.Start($"mount --fs block --image {Image} --size 64M {_dir}");
        _started.Add(aops);
        Assert.True(aops.WaitForLine(l => l.Contains("made a new BlockFs", StringComparison.Ordinal)), string.Join('\n', aops.Errors));

        aops.Signal("TERM");

        Assert.Equal(0, aops.WaitForExit());
        Assert.Contains($"aops mount: unmounted {_dir}", aops.Output);
        Assert.False(IsMounted(_dir));
        Aops again = Mount($"--fs block --image {Image}");
        again.Signal("TERM");
        Assert.Equal(0, again.WaitForExit());
    }

    /// <summary>--image is looked at before it is opened: a FIFO, a device node (a mknod copy of /dev/null), a
    /// directory or a dangling link is refused in one line, nothing is opened, made or mounted.</summary>
    [ToolFact(["fusermount3", "mkfifo", "mknod"])]
    public void AnImageThatIsNoFileIsRefusedUnopenedInOneLine()
    {
        string fifo = Path.Combine(_work, "fifo"), device = Path.Combine(_work, "null"), dir = Path.Combine(_work, "dir"), link = Path.Combine(_work, "link");
        Assert.Equal(0, HostTools.Run("mkfifo", fifo, _work, Limit).ExitCode);
        Assert.Equal(0, HostTools.Run("mknod", $"{device} c 1 3", _work, Limit).ExitCode);
        Directory.CreateDirectory(dir);
        File.CreateSymbolicLink(link, Path.Combine(_work, "nowhere"));
        foreach ((string image, string reason) in new[]
        {
            (fifo, "a FIFO, not a BlockFs image: Block device required (ENOTBLK)"),
            (device, "a character device, not a BlockFs image: Block device required (ENOTBLK)"),
            (dir, "a directory, not a BlockFs image: Is a directory (EISDIR)"),
            (link, "a symbolic link that leads nowhere: No such file or directory (ENOENT)"),
        })
        {
            var aops = Aops.Start($"mount --fs block --image {image} {_dir}");
            _started.Add(aops);
            Assert.Equal(1, aops.WaitForExit());
            Assert.Equal($"aops mount: {image}: {reason}", Assert.Single(aops.Errors));
            Assert.False(IsMounted(_dir));
        }
        Assert.False(File.Exists(Path.Combine(_work, "nowhere")));
    }

    [ToolFact(["fusermount3"])]
    public void AFileThatIsNotABlockFsIsRefusedInOneLineAndLeftAsItWas()
    {
        File.WriteAllText(Image, "precious, not a filesystem");

        var aops = Aops.Start($"mount --fs block --image {Image} {_dir}");
        _started.Add(aops);

        Assert.Equal(1, aops.WaitForExit());
        string line = Assert.Single(aops.Errors);
        Assert.StartsWith($"aops mount: {Image}: not a BlockFs that mounts: the image holds 26 bytes", line);
        Assert.Contains("left as it is", line);
        Assert.EndsWith("(EINVAL)", line);
        Assert.Equal("precious, not a filesystem", File.ReadAllText(Image));
        Assert.False(IsMounted(_dir));
    }

    [ToolFact(["fusermount3"])]
    public void HostSigtermUnmountsAndTheFilesStayInTheHostDirectory()
    {
        string host = Directory.CreateDirectory(Path.Combine(_work, "host")).FullName;
        File.WriteAllText(Path.Combine(host, "before"), "there before the mount");
        Aops aops = Mount($"--fs host --dir {host}");
        Assert.Contains($"aops mount: host ({host}) on {_dir}; ", aops.Output);
        Assert.Equal("there before the mount", File.ReadAllText(Path.Combine(_dir, "before")));
        File.WriteAllText(Path.Combine(_dir, "after"), "written through the mount");

        aops.Signal("TERM");

        Assert.Equal(0, aops.WaitForExit());
        Assert.False(IsMounted(_dir));
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
        Assert.Equal("written through the mount", File.ReadAllText(Path.Combine(host, "after")));
    }

    [ToolFact(["fusermount3"])]
    public void HostSigkillMidWriteKeepsWhatWasWrittenAndTheDirectoryMountsAgain()
    {
        string host = Directory.CreateDirectory(Path.Combine(_work, "host")).FullName;
        Aops aops = Mount($"--fs host --dir {host}");
        byte[] kept = Enumerable.Range(0, 1 << 20).Select(i => (byte)(i * 7)).ToArray();
        Directory.CreateDirectory(Path.Combine(_dir, "kept"));
        File.WriteAllBytes(Path.Combine(_dir, "kept/a"), kept);

        WriteUntilKilled(aops, (byte)'x');
        (int code, string output) = HostTools.Run("fusermount3", $"-u {_dir}", _work, Limit);
        Assert.True(code == 0, output);

        // Every write that returned is on the host: HostFs's write_end wrote it through before FUSE answered.
        Assert.Equal(kept, File.ReadAllBytes(Path.Combine(host, "kept/a")));
        byte[] big = File.ReadAllBytes(Path.Combine(host, "big"));
        Assert.True(big.Length >= 4 << 20, $"{big.Length} bytes");
        Assert.True(big.All(b => b == (byte)'x'));
        Aops again = Mount($"--fs host --dir {host}");
        Assert.Equal(kept, File.ReadAllBytes(Path.Combine(_dir, "kept/a")));
        again.Signal("TERM");
        Assert.Equal(0, again.WaitForExit());
    }

    [ToolFact(["fusermount3"])]
    public void AHostDirThatIsTheMountPointInsideItOrHoldingItIsRefusedInOneLine()
    {
        string inside = Directory.CreateDirectory(Path.Combine(_dir, "inside")).FullName;
        foreach ((string dir, string reason) in new[]
        {
            (_dir, $"is the mount point {_dir} or inside it"),
            (inside, $"is the mount point {_dir} or inside it"),
            (_work, $"holds the mount point {_dir} (the mount would contain itself)"),
        })
        {
            var aops = Aops.Start($"mount --fs host --dir {dir} {_dir}");
            _started.Add(aops);
            Assert.Equal(1, aops.WaitForExit());
            Assert.Equal($"aops mount: --dir {dir}: {reason}: Invalid argument (EINVAL)", Assert.Single(aops.Errors));
            Assert.False(IsMounted(_dir));
        }
    }

    public void Dispose()
    {
        foreach (Aops aops in _started)
        {
            aops.Dispose();
        }
        foreach (string mounted in File.ReadAllLines("/proc/self/mounts").Select(line => line.Split(' ')[1])
            .Where(dir => dir == _dir || dir.StartsWith(_work + "/", StringComparison.Ordinal)))
        {
            HostTools.Run("fusermount3", $"-u {mounted}", _work, Limit);
        }
        if (!IsMounted(_dir))
        {
            Directory.Delete(_work, recursive: true);
        }
    }

    // 1 MiB writes of `fill` to DIR/big, the daemon SIGKILLed after the fourth: the next write fails with ENOTCONN.
    private void WriteUntilKilled(Aops aops, byte fill)
    {
        var chunk = new byte[1 << 20];
        Array.Fill(chunk, fill);
        IOException error = Assert.ThrowsAny<IOException>(() =>
        {
            using var stream = new FileStream(Path.Combine(_dir, "big"), FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
            for (int i = 0; i < 64; i++)
            {
                stream.Write(chunk);
                if (i == 3)
                {
                    aops.Kill(); // SIGKILL, between two writes of an open file
                }
            }
        });
        Assert.Contains("not connected", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    // aops mount … DIR, waited for until it says it is mounted.
    private Aops Mount(string options)
    {
        var aops = Aops.Start($"mount {options} {_dir}");
        _started.Add(aops);
        Assert.True(aops.WaitForLine(l => l.Contains($" on {_dir}; ", StringComparison.Ordinal)),
            $"aops mount did not say it mounted:\n{aops.Output}\n{string.Join('\n', aops.Errors)}");
        Assert.Contains($"fusermount3 -u {_dir}", aops.Output);
        Assert.True(IsMounted(_dir));
        return aops;
    }

    private static bool IsMounted(string dir)
        => File.ReadAllLines("/proc/self/mounts").Any(line => line.Split(' ')[1] == dir);

    /// <summary>A running <c>dotnet aops.dll …</c> whose output lines are collected as they come.</summary>
    private sealed class Aops : IDisposable
    {
        private readonly Process _process;
        private readonly BlockingCollection<string> _lines = new();
        private readonly ConcurrentQueue<string> _errors = new();
        private readonly List<string> _seen = new();

        private Aops(Process process)
        {
            _process = process;
        }

        public string Output
        {
            get
            {
                while (_lines.TryTake(out string? line))
                {
                    _seen.Add(line);
                }
                return string.Join('\n', _seen);
            }
        }

        public IReadOnlyList<string> Errors => _errors.ToArray();

        public static Aops Start(string args)
        {
            string aopsDll = Path.Combine(AppContext.BaseDirectory, "aops.dll");
            var start = new ProcessStartInfo("dotnet", $"{aopsDll} {args}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
            };
            var process = new Process { StartInfo = start };
            var aops = new Aops(process);
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data != null)
                {
                    aops._lines.Add(e.Data);
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data != null)
                {
                    aops._errors.Enqueue(e.Data);
                }
            };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return aops;
        }

        public bool WaitForLine(Func<string, bool> match)
        {
            var deadline = DateTime.UtcNow + Limit;
            while (DateTime.UtcNow < deadline)
            {
                if (_lines.TryTake(out string? line, 200))
                {
                    _seen.Add(line);
                    if (match(line))
                    {
                        return true;
                    }
                }
                else if (_process.HasExited)
                {
                    return false;
                }
            }
            return false;
        }

        public void Signal(string name) => Assert.Equal(0, HostTools.Run("kill", $"-{name} {_process.Id}", "/", Limit).ExitCode);

        public void Kill()
        {
            _process.Kill();
            Assert.True(_process.WaitForExit(Limit));
        }

        /// <summary>The exit code; fails the test if it does not exit within the limit.</summary>
        public int WaitForExit()
        {
            Assert.True(_process.WaitForExit(Limit), "aops mount did not exit");
            _process.WaitForExit(); // the output is drained
            _ = Output;
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(Limit);
            }
            _process.Dispose();
        }
    }
}

using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;
using AopsGen.Swap;
using AopsGen.Vfs;

[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]

namespace AopsGen.Examples.Tests;

/// <summary>A temporary host directory mounted with HostFs on /mnt of a RamFs namespace, and a swap core.</summary>
internal sealed class HostFsMachine : IDisposable
{
    public HostFsMachine()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("aopsgen-hostfs-").FullName;
        Vfs = RamFs.NewNamespace(out SuperBlock root);
        Assert.Equal(0, RamFs.Mkdir(Vfs, root, "/mnt", Credentials.Root));
        Assert.Equal(0, HostFs.Mount(Vfs, "/mnt", Directory, out SuperBlock? sb));
        Sb = sb!;
        Swap = new SwapCore(Vfs);
    }

    public string Directory { get; }
    public MountNamespace Vfs { get; }
    public SuperBlock Sb { get; }
    public SwapCore Swap { get; }

    public string HostPath(string name) => Path.Combine(Directory, name);

    public Inode Open(string name)
    {
        Assert.Equal(0, HostFs.Open(Vfs, Sb, "/mnt/" + name, Credentials.Root, out Inode? inode));
        return inode!;
    }

    public void Dispose()
    {
        Swap.Dispose();
        HostFs.Release(Sb);
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>Runs a host tool from a Debian package and returns its stdout; a failure fails the test, and a missing
    /// tool fails it naming the package to install.</summary>
    public static string Run(string package, string tool, params string[] args)
    {
        if (!System.IO.File.Exists(tool))
        {
            Assert.Fail($"'{tool}' is not installed: this test needs the Debian package '{package}' (apt-get install -y {package})");
        }
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["LC_ALL"] = "C";
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', args)}: {error}");
        return output;
    }

    /// <summary><c>filefrag -s -v</c> (synced, as HostFs asks FIEMAP): each extent's logical block, physical block,
    /// length in blocks and flag words.</summary>
    public static List<(long Logical, long Physical, long Length, string[] Flags)> Filefrag(string path)
    {
        var rows = new List<(long, long, long, string[])>();
        var row = new Regex(@"^\s*\d+:\s+(\d+)\.\.\s*\d+:\s+(\d+)\.\.\s*\d+:\s+(\d+):\s*\d*:?\s*(.*)$");
        foreach (string line in Run("e2fsprogs", "/usr/sbin/filefrag", "-s", "-v", path).Split('\n'))
        {
            Match m = row.Match(line);
            if (m.Success)
            {
                rows.Add((long.Parse(m.Groups[1].Value), long.Parse(m.Groups[2].Value), long.Parse(m.Groups[3].Value),
                    m.Groups[4].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
            }
        }
        return rows;
    }
}

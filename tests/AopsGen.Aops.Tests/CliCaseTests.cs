using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading;
using AopsGen.Swap;
using Xunit;

namespace AopsGen.Examples.Aops.Tests;

/// <summary>
/// The inputs a new user and a careful admin try, each against a fresh directory of ordinary and hostile files
/// (device nodes are <c>mknod</c> copies made here, never the host's): the exit code, the message, and that nothing
/// else changed — no file written, truncated, re-moded or created that the case does not name, no stack trace, no
/// help on stdout, at most one line (and util-linux's "Try …" hint) on stderr, never a hang.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CliCaseTests(ITestOutputHelper log)
{
    /// <summary>(arguments, {d} the fixture directory; exit code; what stderr or stdout says — alternatives split by
    /// '|'; the fixtures the case may change or create, comma-separated).</summary>
    public static TheoryData<string, int, string, string> Cases => new()
    {
        // mkswap: what is at the path decides before anything is touched.
        { "mkswap", 1, "Required argument missing", "" },
        { "mkswap {d}/new --bogus", 1, "Unrecognized command or argument '--bogus'", "" },
        { "mkswap --bogus", 1, "aops mkswap: unrecognized option '--bogus'", "" },
        { "inspect -x", 1, "aops inspect: unrecognized option '-x'", "" },
        { "mkswap ''", 1, "cannot open : No such file or directory (ENOENT)", "" },
        { "mkswap {d}/missing", 1, "cannot open {d}/missing: No such file or directory (ENOENT)", "" },
        { "mkswap {d}/fifo --size 1M", 1, "a FIFO, not a regular file", "" },
        { "mkswap {d}/null --size 1M", 1, "a character device, not a regular file", "" },
        { "mkswap {d}/full", 1, "a character device, not a regular file", "" },
        { "mkswap {d}/blk --size 1M", 1, "a block device, not a regular file", "" },
        { "mkswap {d}/sock", 1, "a socket, not a regular file", "" },
        { "mkswap {d}/dir --size 1M", 1, "a directory, not a regular file: mkswap sets up swap files only: Is a directory (EISDIR)", "" },
        { "mkswap {d}/link", 1, "a symbolic link, not a regular file", "" },
        { "mkswap {d}/dangling --size 1M", 1, "(ELOOP)", "" },
        { "mkswap {d}/six", 1, "error: swap area needs to be at least 40 KiB (EINVAL)", "" },
        { "mkswap {d}/six --size 1T", 1, "error: size 1073741824 KiB is larger than device size 0 KiB (EINVAL)", "" },
        { "mkswap {d}/six --size 1T --force", 1, "cannot allocate 1 TiB", "" },
        { "mkswap {d}/zeros", 0, "Setting up swapspace version 1, size = 60 KiB (61440 bytes)", "zeros" },
        { "mkswap {d}/zeros --size 32K", 1, "needs to be at least 40 KiB", "" },
        { "mkswap {d}/zeros --size 48K", 0, "size = 44 KiB (45056 bytes)", "zeros" },
        { "mkswap {d}/zeros --size 1M", 1, "error: size 1024 KiB is larger than device size 64 KiB (EINVAL)", "" },
        { "mkswap {d}/zeros --size 1M --force", 0, "size = 1020 KiB", "zeros" },
        { "mkswap {d}/swap", 0, "warning: wiping old swap signature.", "swap" },
        { "mkswap {d}/ext4", 0, "warning: wiping old ext4 signature.", "ext4" },
        { "mkswap {d}/open644", 0, "insecure permissions 0644, fix with: chmod 0600 {d}/open644", "open644" },
        { "mkswap {d}/sparse", 0, "contains holes or other unsupported extents", "sparse" },
        { "mkswap {d}/new --size 1M", 0, "Setting up swapspace version 1, size = 1020 KiB", "new" },
        { "mkswap {d}/new --size 1M --label 0123456789abcdefXYZ", 0, "Label was truncated.", "new" },
        { "mkswap {d}/new --size 1M --uuid clear", 0, "UUID=00000000-0000-0000-0000-000000000000", "new" },
        { "mkswap {d}/new --size 12Q", 1, "invalid size argument: '12Q'", "" },
        { "mkswap {d}/new --size 0", 1, "needs to be at least 40 KiB", "" },
        { "mkswap {d}/new --size 99999999999999999999", 1, "invalid size argument", "" },
        { "mkswap {d}/new --size 1M --uuid nope", 1, "error: parsing UUID failed: 'nope'", "" },
        { "mkswap {d}/new --size 1M --uuid 0123456789abcdef0123456789abcdef", 1, "error: parsing UUID failed", "" },
        { "mkswap {d}/new --size 1M --uuid {01234567-89ab-cdef-0123-456789abcdef}", 1, "error: parsing UUID failed", "" },
        { "mkswap {d}/new --size 1M --uuid 01234567-89AB-cdef-0123-456789abcdef", 0, "UUID=01234567-89ab-cdef-0123-456789abcdef", "new" },
        { "mkswap {d}/nodir/new --size 1M", 1, "No such file or directory (ENOENT)", "" },
        { "mkswap {d}/six/new --size 1M", 1, "Not a directory (ENOTDIR)", "" },
        { "mkswap --help", 0, "Usage:", "" },
        { "mkswap nfs://127.0.0.1/nonexistent/f --size 1M", 1, "install the Debian package libnfs13|nfs://127.0.0.1/nonexistent/f", "" },
        { "mkswap nfs://127.0.0.1/nonexistent/f --size 8K", 1, "aops mkswap: error: swap area needs to be at least 40 KiB (EINVAL)", "" },
        // inspect: reads only, never waits.
        { "inspect", 1, "Required argument missing", "" },
        { "inspect {d}/missing", 1, "No such file or directory (ENOENT)", "" },
        { "inspect {d}/dir", 1, "not a regular file or block device (directory): Invalid argument (EINVAL)", "" },
        { "inspect {d}/fifo", 1, "not a regular file or block device (FIFO): Invalid argument (EINVAL)", "" },
        { "inspect {d}/null", 1, "not a regular file or block device (character device)", "" },
        { "inspect {d}/sock", 1, "not a regular file or block device (socket)", "" },
        { "inspect {d}/blk", 1, "No such device or address (ENXIO)", "" },
        { "inspect {d}/swap", 0, "swap area version 1, native byte order", "" },
        { "inspect {d}/swap --json", 0, "\"valid\":true", "" },
        { "inspect {d}/swap -o export", 0, "TYPE=swap", "" },
        { "inspect {d}/swap -o yaml", 1, "Argument 'yaml' not recognized. Must be one of: 'full', 'export', 'json'", "" },
        { "inspect {d}/zeros", 1, "Unable to find swap-space signature (EINVAL)", "" },
        { "inspect {d}/zeros --json", 1, "\"valid\":false", "" },
        { "inspect {d}/six", 1, "Unable to find swap-space signature (EINVAL)", "" },
        { "inspect {d}/empty", 1, "Unable to find swap-space signature (EINVAL)", "" },
        { "inspect {d}/short", 1, "Swap area shorter than signature indicates (EINVAL)", "" },
        { "inspect {d}/sparse", 1, "swapfile has holes", "" },
        { "inspect {d}/link", 1, "Unable to find swap-space signature", "" },
        { "inspect {d}/dangling", 1, "No such file or directory (ENOENT)", "" },
        // demo: checked before anything is made; files only where it may make them.
        { "demo --fs zfs", 1, "Argument 'zfs' not recognized. Must be one of: 'ram', 'ram-swaprw', 'block', 'blkdev', 'host', 'nfs'", "" },
        { "demo --ram-pages 8", 1, "--ram-pages must be at least 16 (got 8)", "" },
        { "demo --ram-pages 100000000", 1, "Cannot allocate memory (ENOMEM)", "" },
        { "demo --ram-pages abc", 1, "aops demo: invalid --ram-pages argument: 'abc'", "" },
        { "demo --ram-pages 99999999999", 1, "aops demo: invalid --ram-pages argument: '99999999999'", "" },
        { "mount --threads x {d}/dir", 1, "aops mount: invalid --threads argument: 'x'", "" },
        { "demo --pages 0", 1, "--pages must be at least 1 (got 0)", "" },
        { "demo --pages 5000000", 1, "--pages must be at most 4194304", "" },
        { "demo --threads 0", 1, "--threads must be between 1 and 64 (got 0)", "" },
        { "demo --threads 65", 1, "--threads must be between 1 and 64 (got 65)", "" },
        { "demo --pages 4 --threads 8", 1, "must not exceed --pages", "" },
        { "demo --vmstat -5", 1, "--vmstat must be at least 1 ms", "" },
        { "demo --fs nfs --nfs-url http://x", 1, "install the Debian package libnfs13|not an nfs:// URL", "" },
        { "demo --fs host --dir {d}/missing", 1, "--dir {d}/missing: No such file or directory (ENOENT)", "" },
        { "demo --fs host --dir {d}/six", 1, "--dir {d}/six: Not a directory (ENOTDIR)", "" },
        { "demo --fs block --dir {d}/dangling", 1, "--dir {d}/dangling: No such file or directory (ENOENT)", "" },
        { "demo --fs host --dir {d}/hostdir --pages 64 --ram-pages 16", 1, "File exists (EEXIST)", "" },
        { "demo --fs block --dir {d}/blockdir --pages 64 --ram-pages 16", 1, "File exists (EEXIST)", "" },
        { "demo --fs block --dir {d}/emptydir --pages 64 --ram-pages 16 --json", 0, "\"verified\":true", "" },
        { "demo --fs host --dir {d}/emptydir --pages 64 --ram-pages 16 --json", 0, "\"verified\":true", "" },
        { "demo --pages 64 --ram-pages 16 --show", 0, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority", "" },
        { "demo --pages 64 --ram-pages 16 --vmstat 1", 0, "pgmajfault", "" },
        // the command line itself
        { "", 1, "Required command was not provided", "" },
        { "bogus", 1, "Unrecognized command or argument 'bogus'", "" },
        { "--help", 0, "Usage:", "" },
        { "ops", 0, "--fs ram: ramfs_aops", "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_input_gets_its_exit_code_and_one_clear_line_and_changes_nothing_else(string commandLine, int exitCode, string says, string changes)
    {
        using var fixture = new Fixture();
        string[] args = Split(commandLine.Replace("{d}", fixture.Directory, StringComparison.Ordinal));
        Dictionary<string, string> before = fixture.Snapshot();

        (int exit, string output, string error) = RunWithTimeout(args, TimeSpan.FromSeconds(60));

        string firstLine = (exit == 0 ? output : error).Split('\n')[0];
        log.WriteLine($"| `aops {commandLine}` | {exit} | {firstLine.Replace(fixture.Directory, "{d}", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal)} |");
        Assert.True(exit == exitCode, $"exit {exit}\nstdout: {output}\nstderr: {error}");
        string expected = says.Replace("{d}", fixture.Directory, StringComparison.Ordinal);
        Assert.True(expected.Split('|').Any(e => (output + error).Contains(e, StringComparison.Ordinal)), $"expected '{expected}'\nstdout: {output}\nstderr: {error}");
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output + error, StringComparison.Ordinal);
        if (exit != 0)
        {
            string[] lines = error.TrimEnd('\n').Split('\n');
            Assert.True(lines.Length <= 2 || lines.Count(l => !l.Contains("warning", StringComparison.Ordinal) && !l.Contains("insecure", StringComparison.Ordinal)) <= 2, error);
            Assert.DoesNotContain("Usage:", output, StringComparison.Ordinal);
            Assert.True(output.Length == 0 || args.Contains("--json"), $"stdout on failure: {output}");
        }
        Dictionary<string, string> after = fixture.Snapshot();
        HashSet<string> allowed = changes.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        foreach (string name in before.Keys.Union(after.Keys).Where(n => !allowed.Contains(n)))
        {
            Assert.True(before.TryGetValue(name, out string? was) && after.TryGetValue(name, out string? now) && was == now,
                $"{name} changed: {before.GetValueOrDefault(name) ?? "(absent)"} -> {after.GetValueOrDefault(name) ?? "(absent)"}");
        }
    }

    /// <summary>With --json a script always gets one JSON object on stdout, also when the command fails before it has
    /// anything to report (the one line on stderr stays): the error and its errno (null for a usage error).</summary>
    [Theory]
    [InlineData("inspect {d}/missing --json", "ENOENT")]
    [InlineData("inspect {d}/fifo -o json", "EINVAL")]
    [InlineData("inspect {d}/blk --json", "ENXIO")]
    [InlineData("inspect {d}/zeros --json", "EINVAL")]
    [InlineData("demo --json --pages 0", null)]
    [InlineData("demo --json --ram-pages abc", null)]
    [InlineData("demo --json --fs host --dir {d}/missing", "ENOENT")]
    public void A_failure_with_json_prints_one_json_object_with_the_error_and_its_errno(string commandLine, string? errno)
    {
        using var fixture = new Fixture();

        (int exit, string output, string error) = Cli.Run(Split(commandLine.Replace("{d}", fixture.Directory, StringComparison.Ordinal)));

        Assert.Equal(1, exit);
        Assert.StartsWith("aops ", error, StringComparison.Ordinal);
        Assert.Single(output.TrimEnd('\n').Split('\n'));
        using System.Text.Json.JsonDocument json = System.Text.Json.JsonDocument.Parse(output);
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("error").GetString()));
        Assert.Equal(errno, json.RootElement.GetProperty("errno").GetString());
    }

    /// <summary>aops --help lists every exit code a command returns, as a man page's EXIT STATUS does.</summary>
    [Fact]
    public void Help_lists_every_exit_code_the_commands_return()
    {
        (int exit, string output, _) = Cli.Run("--help");

        Assert.Equal(0, exit);
        Assert.Contains("Exit status:", output);
        foreach (int code in new[] { ExitCodes.Success, ExitCodes.Failure, ExitCodes.NotVerified, ExitCodes.SignalBase + 2 })
        {
            Assert.Matches($@"(?m)^\s+{code}\s+\S", output);
        }
        Assert.Contains($"{ExitCodes.SignalBase + 15}: SIGTERM", output);
    }

    [Fact]
    public void Mkswap_never_truncates_and_creates_new_files_0600_and_leaves_an_existing_files_mode()
    {
        using var fixture = new Fixture();

        Assert.Equal(0, Cli.Run("mkswap", fixture.PathOf("zeros"), "--size", "48K").ExitCode);
        Assert.Equal(0, Cli.Run("mkswap", fixture.PathOf("open644")).ExitCode);
        Assert.Equal(0, Cli.Run("mkswap", fixture.PathOf("new"), "--size", "1M").ExitCode);

        Assert.Equal(64 * 1024, new FileInfo(fixture.PathOf("zeros")).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, System.IO.File.GetUnixFileMode(fixture.PathOf("open644")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, System.IO.File.GetUnixFileMode(fixture.PathOf("new")));
        Assert.Equal(1 << 20, new FileInfo(fixture.PathOf("new")).Length);
        Assert.Equal(0, Cli.Run("inspect", fixture.PathOf("new")).ExitCode);
    }

    [Fact]
    public void Inspect_export_prints_the_keys_blkid_prints_with_the_same_values()
    {
        using var fixture = new Fixture();
        string file = fixture.PathOf("labelled");
        Assert.Equal(0, Cli.Run("mkswap", file, "--size", "1M", "--label", "data").ExitCode);

        (int exit, string output, _) = Cli.Run("inspect", file, "-o", "export");
        Swap.Tests.ToolResult blkid = Swap.Tests.UtilLinux.Run("blkid", "-p", "-o", "export", file);

        Assert.Equal(0, exit);
        Assert.True(blkid.ExitCode == 0, blkid.ToString());
        string[] ours = output.Split('\n');
        foreach (string key in new[] { "DEVNAME", "LABEL", "UUID", "VERSION", "TYPE" })
        {
            string theirs = blkid.Stdout.Split('\n').Single(l => l.StartsWith(key + "=", StringComparison.Ordinal));
            Assert.Contains(theirs, ours);
        }
    }

    /// <summary>-o export's values read back unchanged by the shell's eval: spaces, quotes, a backslash, and characters
    /// outside ASCII (an emoji is two UTF-16 units, neither of which may be split by an escape).</summary>
    [Fact]
    public void Inspect_export_values_survive_a_shell_eval_unicode_included()
    {
        using var fixture = new Fixture();
        string file = fixture.PathOf("swäp $x \"q\" 😀");
        const string Label = "dät \\ 😀";
        Assert.Equal(0, Cli.Run("mkswap", file, "--size", "1M", "--label", Label).ExitCode);
        (int exit, string output, string error) = Cli.Run("inspect", file, "-o", "export");
        Assert.True(exit == 0, error);
        System.IO.File.WriteAllText(fixture.PathOf("export"), output);

        (int shell, string values, string shellError) = RunShell($"eval \"$(cat '{fixture.PathOf("export")}')\" && printf '%s\\n%s' \"$DEVNAME\" \"$LABEL\"");

        Assert.True(shell == 0, shellError);
        Assert.Equal($"{file}\n{Label}", values);
    }

    /// <summary>A full disk on stdout (a mknod copy of /dev/full) is one line, "write error", exit code 1.</summary>
    [Fact]
    public void Output_to_a_full_disk_is_a_one_line_write_error()
    {
        using var fixture = new Fixture();

        (int exit, _, string error) = RunShell($"exec dotnet \"{AopsDll}\" ops > \"{fixture.PathOf("full")}\"");

        Assert.Equal(1, exit);
        Assert.Equal("aops ops: write error: No space left on device (ENOSPC)", error.TrimEnd());
    }

    /// <summary>A closed stdout is util-linux's "write error: Bad file descriptor", not a permission problem.</summary>
    [Fact]
    public void Output_to_a_closed_stdout_is_a_one_line_write_error_EBADF()
    {
        (int exit, _, string error) = RunShell($"exec dotnet \"{AopsDll}\" ops >&-");

        Assert.Equal(1, exit);
        Assert.Equal("aops ops: write error: Bad file descriptor (EBADF)", error.TrimEnd());
    }

    [Fact]
    public void A_second_demo_in_a_locked_directory_is_refused_before_it_makes_anything()
    {
        using var fixture = new Fixture();
        string dir = fixture.PathOf("emptydir");
        using var holder = new FlockHolder(dir);

        (int exit, string output, string error) = Cli.Run("demo", "--fs", "block", "--dir", dir, "--pages", "64", "--ram-pages", "16");

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Equal($"aops demo: --dir {dir}: another aops demo is running there: Device or resource busy (EBUSY)", error.TrimEnd());
        Assert.Empty(System.IO.Directory.EnumerateFileSystemEntries(dir));
    }

    /// <summary>A file another process holds a lock on is in use (the kernel: an active swap file is ETXTBSY, a
    /// mounted device EBUSY): aops mkswap refuses it with EBUSY and leaves it as it was.</summary>
    [Fact]
    public void Mkswap_refuses_a_file_another_process_holds_locked_and_leaves_it_as_it_was()
    {
        using var fixture = new Fixture();
        string file = fixture.PathOf("zeros");
        using var holder = new FlockHolder(file);

        (int exit, string output, string error) = Cli.Run("mkswap", file);

        Assert.Equal(1, exit);
        Assert.Equal("", output);
        Assert.Equal($"aops mkswap: {file}: already locked by another process (in use by aops demo or aops mount?): Device or resource busy (EBUSY)", error.TrimEnd());
        Assert.Equal(new byte[64 * 1024], ReadUnlocked(file));
    }

    /// <summary>The demo's swap file and images are locked while it swaps to them: aops mkswap of one is refused.</summary>
    [Theory]
    [InlineData("block", "aops-demo-blockfs.img")]
    [InlineData("blkdev", "aops-demo-blkdev.img")]
    [InlineData("host", "aops-demo.swap")]
    public void Mkswap_of_a_file_a_running_demo_uses_is_refused_with_EBUSY(string fs, string name)
    {
        using var fixture = new Fixture();
        string dir = fixture.PathOf("emptydir");
        Assert.Equal(0, Demo.DemoSwapArea.Create(Demo.DemoFsNames.Parse(fs), 256, dir, out Demo.DemoSwapArea? area, out string? error));
        using (area)
        {
            string file = Path.Combine(dir, name);
            byte[] before = ReadUnlocked(file);

            (int exit, _, string mkswapError) = Cli.Run("mkswap", file);

            Assert.True(exit == 1, mkswapError);
            Assert.EndsWith("Device or resource busy (EBUSY)", mkswapError.TrimEnd());
            Assert.Equal(before, ReadUnlocked(file));
        }
        Assert.Empty(System.IO.Directory.EnumerateFileSystemEntries(dir));
    }

    /// <summary>Ctrl-C or SIGTERM in the middle of a run: swapoff, everything made removed, 128 + the signal.</summary>
    [Theory]
    [InlineData("INT", 130, "block")]
    [InlineData("TERM", 143, "host")]
    public void A_signal_mid_run_swaps_off_removes_what_the_demo_made_and_exits_128_plus_the_signal(string signal, int exitCode, string fs)
    {
        using var fixture = new Fixture();
        string dir = fixture.PathOf("emptydir");
        // env --default-signal: a child of a background job would otherwise inherit SIGINT ignored.
        var start = new ProcessStartInfo("env", ["--default-signal=INT,TERM", "dotnet", AopsDll, "demo", "--fs", fs, "--dir", dir,
            "--pages", "60000", "--ram-pages", "256", "--vmstat", "100"])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process demo = Process.Start(start)!;
        string? line;
        do
        {
            line = demo.StandardOutput.ReadLine();
        }
        while (line != null && !char.IsAsciiDigit(line.TrimStart().FirstOrDefault()));
        Assert.NotNull(line);   // a vmstat line: the area is in use
        Assert.NotEmpty(System.IO.Directory.EnumerateFileSystemEntries(dir));

        using (Process kill = Process.Start("kill", [$"-{signal}", demo.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }
        string error = demo.StandardError.ReadToEnd();
        demo.StandardOutput.ReadToEnd();
        Assert.True(demo.WaitForExit(TimeSpan.FromSeconds(60)), "the demo did not exit after the signal");

        Assert.Equal(exitCode, demo.ExitCode);
        Assert.Contains($"aops demo: interrupted by SIG{signal}: swapped off, and removed what it made", error);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.Empty(System.IO.Directory.EnumerateFileSystemEntries(dir));
    }

    /// <summary>The file's bytes through a descriptor of its own without flock (.NET's reads take LOCK_SH, which a
    /// file in use refuses).</summary>
    private static byte[] ReadUnlocked(string path)
    {
        Assert.Equal(0, Posix.Open(path, Posix.ORdOnly, 0, out Microsoft.Win32.SafeHandles.SafeFileHandle? handle));
        using (handle)
        {
            var bytes = new byte[RandomAccess.GetLength(handle!)];
            Assert.Equal(bytes.Length, RandomAccess.Read(handle!, bytes, 0));
            return bytes;
        }
    }

    private static string AopsDll => Path.Combine(AppContext.BaseDirectory, "aops.dll");

    private static (int, string, string) RunShell(string script)
    {
        var start = new ProcessStartInfo("/bin/sh", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)), "did not finish within a minute");
        return (process.ExitCode, output, error);
    }

    /// <summary>Runs aops in this process on a thread, failing (not hanging) when it takes longer than
    /// <paramref name="timeout"/>.</summary>
    private static (int, string, string) RunWithTimeout(string[] args, TimeSpan timeout)
    {
        (int, string, string) result = default;
        var thread = new Thread(() => result = Cli.Run(args)) { IsBackground = true };
        thread.Start();
        Assert.True(thread.Join(timeout), $"aops {string.Join(' ', args)} did not finish within {timeout.TotalSeconds} s");
        return result;
    }

    /// <summary>Splits on spaces; '' is an empty argument.</summary>
    private static string[] Split(string commandLine) =>
        commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => a == "''" ? "" : a).ToArray();

    /// <summary>A directory of the files the cases name: ordinary, hostile, and mknod copies of devices.</summary>
    private sealed class Fixture : IDisposable
    {
        public Fixture()
        {
            Directory = System.IO.Directory.CreateTempSubdirectory("aops-cases-").FullName;
            System.IO.File.WriteAllText(PathOf("six"), "hello\n");
            Write("zeros", new byte[64 * 1024], UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Write("open644", new byte[64 * 1024], UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            var ext4 = new byte[64 * 1024];
            ext4[1080] = 0x53;
            ext4[1081] = 0xEF;
            Write("ext4", ext4, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Write("empty", [], UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Assert.True(Mkswap.Format(PathOf("swap"), new MkswapOptions { SizeInBytes = 1 << 20 }).Succeeded);
            Assert.True(Mkswap.Format(PathOf("short"), new MkswapOptions { SizeInBytes = 1 << 20 }).Succeeded);
            using (var cut = new FileStream(PathOf("short"), FileMode.Open))
            {
                cut.SetLength(128 * 1024);
            }
            // A 2 MiB file whose only data is its header page: the rest is a hole.
            var header = new byte[Page.Size];
            Assert.True(Mkswap.Format(header, 2 << 20).Succeeded);
            using (var sparse = new FileStream(PathOf("sparse"), FileMode.CreateNew))
            {
                sparse.SetLength(2 << 20);
                sparse.Write(header);
            }
            System.IO.File.SetUnixFileMode(PathOf("sparse"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
            System.IO.Directory.CreateDirectory(PathOf("dir"));
            System.IO.Directory.CreateDirectory(PathOf("emptydir"));
            System.IO.Directory.CreateDirectory(PathOf("hostdir"));
            System.IO.Directory.CreateDirectory(PathOf("blockdir"));
            System.IO.File.CreateSymbolicLink(PathOf("hostdir/aops-demo.swap"), PathOf("six"));
            System.IO.File.CreateSymbolicLink(PathOf("blockdir/aops-demo-blockfs.img"), PathOf("six"));
            System.IO.File.CreateSymbolicLink(PathOf("link"), PathOf("six"));
            System.IO.File.CreateSymbolicLink(PathOf("dangling"), PathOf("nowhere"));
            Shell("mkfifo", PathOf("fifo"));
            // Copies of /dev/null and /dev/full, and a block device node of major 60 ("local/experimental use", no
            // driver: opening it is ENXIO and touches no device; a loop minor would create the loop device).
            Shell("mknod", PathOf("null"), "c", "1", "3");
            Shell("mknod", PathOf("full"), "c", "1", "7");
            Shell("mknod", PathOf("blk"), "b", "60", "0");
            // Kept open: .NET removes a socket's file when it closes it.
            _socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            _socket.Bind(new UnixDomainSocketEndPoint(PathOf("sock")));
        }

        private readonly Socket _socket;

        public string Directory { get; }

        public string PathOf(string name) => Path.Combine(Directory, name);

        /// <summary>Every entry (not following links): type, mode, size, content hash or link target.</summary>
        public Dictionary<string, string> Snapshot()
        {
            var entries = new Dictionary<string, string>();
            foreach (string path in System.IO.Directory.EnumerateFileSystemEntries(Directory, "*", SearchOption.AllDirectories))
            {
                var info = new FileInfo(path);
                string what = info.LinkTarget != null ? $"link {info.LinkTarget}"
                    : info.Attributes.HasFlag(FileAttributes.Directory) ? "dir"
                    : Posix.StatPath(path, out FileStatus status) == 0 && !status.IsRegular ? $"{status.TypeName}"
                    : $"file {info.Length} {Convert.ToHexString(SHA256.HashData(System.IO.File.ReadAllBytes(path)))}";
                entries[Path.GetRelativePath(Directory, path)] = $"{what} {info.UnixFileMode}";
            }
            return entries;
        }

        private void Write(string name, byte[] content, UnixFileMode mode)
        {
            System.IO.File.WriteAllBytes(PathOf(name), content);
            System.IO.File.SetUnixFileMode(PathOf(name), mode);
        }

        private static void Shell(string tool, params string[] args)
        {
            using Process process = Process.Start(new ProcessStartInfo(tool, args) { RedirectStandardError = true })!;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', args)}: {error} (device nodes need root: run the tests as root, as CI does)");
        }

        public void Dispose()
        {
            _socket.Dispose();
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}

using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace AopsGen.Swap.Tests;

/// <summary>Runs the real util-linux tools. A missing tool fails the test, naming the Debian package to install.</summary>
internal static class UtilLinux
{
    /// <summary>The Debian package with mkswap, swaplabel and blkid (libblkid1 is only the library).</summary>
    public const string Package = "util-linux";

    private static readonly string[] ExtraDirectories = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    /// <summary>The tool's full path; fails the test when it is not installed.</summary>
    public static string Require(string tool)
    {
        string? found = Find(tool);
        if (found is null)
        {
            Assert.Fail($"'{tool}' is not installed (looked on PATH and in {string.Join(", ", ExtraDirectories)}). "
                + $"The swap header interop tests need the Debian package '{Package}': apt-get install -y {Package}");
        }
        return found!;
    }

    public static string? Find(string tool)
    {
        string[] path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        foreach (string directory in path.Concat(ExtraDirectories))
        {
            string candidate = Path.Combine(directory, tool);
            if (System.IO.File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    /// <summary>Runs a tool in the C locale (untranslated messages, '.' as the decimal point).</summary>
    public static ToolResult Run(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(Require(tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["LC_ALL"] = "C";
        start.Environment["LANG"] = "C";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill();
            Assert.Fail($"{tool} {string.Join(' ', arguments)} did not finish in 120 s");
        }
        process.WaitForExit();
        return new ToolResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}

internal sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>A temporary directory, removed on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "aopsgen-swap-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>A new file of <paramref name="size"/> bytes, mode 0600 (as <c>truncate -s</c>: sparse, reads as zeros).</summary>
    public string NewFile(string name, long size)
    {
        string path = File(name);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var stream = new FileStream(path, options);
        stream.SetLength(size);
        return path;
    }

    public static byte[] ReadPage(string path, int offset = 0)
    {
        byte[] page = new byte[SwapHeader.PageSize];
        using var handle = System.IO.File.OpenHandle(path);
        int read = RandomAccess.Read(handle, page, offset);
        Assert.Equal(SwapHeader.PageSize, read);
        return page;
    }

    public static void WritePage(string path, byte[] page)
    {
        using var handle = System.IO.File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        RandomAccess.Write(handle, page, 0);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

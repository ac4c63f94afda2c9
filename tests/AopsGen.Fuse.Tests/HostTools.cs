using System.Diagnostics;
using System.IO;
using System.Linq;
using Xunit;

namespace AopsGen.Fuse.Tests;

/// <summary>Runs host programs with a time limit and their output captured.</summary>
internal static class HostTools
{
    /// <summary>Why a test that mounts through FUSE and runs <paramref name="tools"/> cannot run here, or null.</summary>
    public static string? Unavailable(string[] tools)
    {
        string[] missing = tools.Where(t => Find(t) == null).ToArray();
        return FuseMount.Unavailable() ?? (missing.Length > 0
            ? $"{string.Join(", ", missing)} not installed (apt-get install {string.Join(' ', missing)}; .ci/run installs them)"
            : null);
    }

    /// <summary>The tool's path on PATH, or null.</summary>
    public static string? Find(string tool)
        => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Select(dir => Path.Combine(dir, tool)).FirstOrDefault(File.Exists);

    /// <summary>Runs <paramref name="tool"/> with <paramref name="args"/> in <paramref name="directory"/>; returns its exit
    /// code and its stdout and stderr together. Killed (and reported as -1) after <paramref name="timeout"/>.</summary>
    public static (int ExitCode, string Output) Run(string tool, string args, string directory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(tool, args)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, $"{tool} {args}: killed after {timeout}\n{output}");
        }
        process.WaitForExit();
        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}

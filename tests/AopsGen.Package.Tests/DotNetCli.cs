using System.Diagnostics;
using System.IO;
using System.Text;

namespace AopsGen.Package.Tests;

/// <summary>Runs the <c>dotnet</c> CLI and captures what it prints.</summary>
internal static class DotNetCli
{
    public static (int ExitCode, string Output) Run(string workingDirectory, params string[] arguments)
        => Run(TimeSpan.FromMinutes(5), workingDirectory, arguments);

    /// <summary>As <see cref="Run(string, string[])"/>, killing the process tree after <paramref name="timeout"/>.</summary>
    public static (int ExitCode, string Output) Run(TimeSpan timeout, string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // A nested build must not join the test host's MSBuild node or inherit its test settings.
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment.Remove("VSTEST_HOST_DEBUG");

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data != null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish in {timeout.TotalMinutes} minutes:\n{output}");
        }
        process.WaitForExit();
        return (process.ExitCode, output.ToString());
    }

    /// <summary>The repository root: the first directory above the test assembly that holds AopsGen.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory != null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "AopsGen.sln")))
            {
                return directory.FullName;
            }
        }
        throw new DirectoryNotFoundException("AopsGen.sln not found above " + AppContext.BaseDirectory);
    }
}

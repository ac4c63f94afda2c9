using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using Xunit;

[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]

namespace AopsGen.Examples.Aops.Tests;

/// <summary>Runs the aops command in this process, as redirected output (no progress bar), and a scratch
/// directory for its files.</summary>
internal sealed class Cli : IDisposable
{
    public Cli() => Directory = System.IO.Directory.CreateTempSubdirectory("aops-cli-").FullName;

    public string Directory { get; }

    public string PathOf(string name) => Path.Combine(Directory, name);

    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exitCode = AopsCli.Run(args, output, error, interactive: false);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs aops as its own process (<c>dotnet aops.dll</c>, stdout redirected), for figures that count the
    /// whole process, which a test host's own threads would disturb.</summary>
    public static (int ExitCode, string Output, string Error) RunProcess(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "aops.dll"));
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using Process process = Process.Start(start)!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "aops did not finish within 2 minutes");
        return (process.ExitCode, output, error.Result);
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

/// <summary>Another process holding <c>flock(LOCK_EX)</c> on a path (util-linux <c>flock</c>), from the moment it says
/// so on stdout until disposed.</summary>
internal sealed class FlockHolder : IDisposable
{
    private readonly Process _process;

    public FlockHolder(string path)
    {
        var start = new ProcessStartInfo("flock", ["--nonblock", path, "sh", "-c", "echo locked; exec sleep 60"]) { RedirectStandardOutput = true };
        _process = Process.Start(start)!;
        Task<string?> line = _process.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(30)) || line.Result != "locked")
        {
            Dispose();
            Assert.Fail($"flock could not take the lock on {path}");
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }
        _process.WaitForExit();
        _process.Dispose();
    }
}

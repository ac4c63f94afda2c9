using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.CompilerServices;
using Xunit;
using Xunit.v3;

[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]

namespace AopsGen.Examples.Tests;

/// <summary>A test that needs the NFS server: it carries the trait <c>Requires=nfs-server</c> (so
/// <c>dotnet test --filter "Requires!=nfs-server"</c> leaves it out), and is skipped, with the reason, when
/// <c>AOPSGEN_NFS_URL</c> is not set.</summary>
public sealed class NfsFactAttribute : FactAttribute, ITraitAttribute
{
    public NfsFactAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (NfsServer.ExportUrl == null)
        {
            Skip = NfsServer.NoServer;
        }
    }

    public IReadOnlyCollection<KeyValuePair<string, string>> GetTraits() => [new("Requires", "nfs-server")];
}

/// <summary><see cref="NfsFactAttribute"/> for a theory.</summary>
public sealed class NfsTheoryAttribute : TheoryAttribute, ITraitAttribute
{
    public NfsTheoryAttribute([CallerFilePath] string? sourceFilePath = null, [CallerLineNumber] int sourceLineNumber = -1)
        : base(sourceFilePath, sourceLineNumber)
    {
        if (NfsServer.ExportUrl == null)
        {
            Skip = NfsServer.NoServer;
        }
    }

    public IReadOnlyCollection<KeyValuePair<string, string>> GetTraits() => [new("Requires", "nfs-server")];
}

/// <summary>The server the tests use, and its start/stop script.</summary>
internal static class NfsServer
{
    public const string NoServer = "no NFS server: set AOPSGEN_NFS_URL to the URL `examples/NfsFs/nfs-server.sh start` prints (.ci/run does)";

    public static string? ExportUrl => Environment.GetEnvironmentVariable("AOPSGEN_NFS_URL") is { Length: > 0 } url ? url : null;

    /// <summary>A fresh file name on the export for one test.</summary>
    public static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary><c>kill -STOP|CONT</c> of the server (ganesha, by the PID <c>nfs-server.sh</c> saved): a stopped server
    /// keeps its connections open and answers nothing.</summary>
    public static void Signal(string signal)
    {
        string state = Environment.GetEnvironmentVariable("AOPSGEN_NFS_DIR") is { Length: > 0 } dir ? dir : "/tmp/aopsgen-nfs";
        string pid = System.IO.File.ReadAllText(Path.Combine(state, "ganesha.pid")).Trim();
        var start = new ProcessStartInfo("kill") { RedirectStandardError = true };
        start.ArgumentList.Add("-" + signal);
        start.ArgumentList.Add(pid);
        using Process process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"kill -{signal} {pid}: {error}");
    }

    /// <summary>Runs <c>nfs-server.sh stop|start</c> from the repository.</summary>
    public static void Script(string command)
    {
        string dir = AppContext.BaseDirectory;
        while (!System.IO.File.Exists(Path.Combine(dir, "AopsGen.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        }
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(dir, "examples", "NfsFs", "nfs-server.sh"));
        start.ArgumentList.Add(command);
        using Process process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"nfs-server.sh {command}: {output}");
    }
}

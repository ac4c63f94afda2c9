using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace AopsGen.Analyzers.Tests;

/// <summary>One diagnostic line of a build log: <c>path(line,col): error AOPS003: message [project]</c>.</summary>
internal readonly record struct BuildDiagnostic(string Path, int Line, int Column, string Severity, string Id, string Message)
{
    public override string ToString() => $"{Path}({Line},{Column}): {Severity} {Id}: {Message}";
}

/// <summary>Runs the dotnet CLI and reads diagnostics out of its output.</summary>
internal static partial class DotNetBuild
{
    /// <summary>The configuration the tests were built in; the projects they build use the same outputs.</summary>
    public static string Configuration => typeof(DotNetBuild).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    public static (int ExitCode, string Output) Run(string workingDirectory, params string[] arguments)
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
        // A build started from a test must not join the test host's MSBuild node or inherit its settings.
        start.Environment["MSBuildSDKsPath"] = null;
        start.Environment["MSBUILD_EXE_PATH"] = null;
        start.Environment["MSBuildExtensionsPath"] = null;
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        start.Environment["MSBUILDNOINPROCNODE"] = "1";

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(TimeSpan.FromMinutes(8)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("dotnet " + string.Join(" ", arguments) + " did not finish:\n" + output);
        }
        process.WaitForExit();
        return (process.ExitCode, output.ToString());
    }

    /// <summary>The distinct diagnostics of a build log (MSBuild prints each twice: as it happens and in the summary).</summary>
    public static IReadOnlyList<BuildDiagnostic> Parse(string output)
    {
        var found = new List<BuildDiagnostic>();
        foreach (string line in output.Split('\n').Select(l => l.TrimEnd('\r')))
        {
            Match match = DiagnosticLine().Match(line);
            if (match.Success)
            {
                var diagnostic = new BuildDiagnostic(
                    Path.GetFullPath(match.Groups["path"].Value.Trim()),
                    int.Parse(match.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture),
                    int.Parse(match.Groups["col"].Value, System.Globalization.CultureInfo.InvariantCulture),
                    match.Groups["severity"].Value,
                    match.Groups["id"].Value,
                    match.Groups["message"].Value);
                if (!found.Contains(diagnostic))
                {
                    found.Add(diagnostic);
                }
            }
        }
        return found;
    }

    [GeneratedRegex(@"^\s*(?<path>[^\s(][^(]*)\((?<line>\d+),(?<col>\d+)\): (?<severity>error|warning) (?<id>[A-Za-z]+\d+): (?<message>.*?)(?: \[[^\]]+\])?$")]
    private static partial Regex DiagnosticLine();
}

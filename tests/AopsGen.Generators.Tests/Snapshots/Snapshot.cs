using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using DiffPlex;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Xunit.Sdk;
using IOFile = System.IO.File;

namespace AopsGen.Generators.Tests.Snapshots;

/// <summary>
/// A small stand-in for Verify, whose packages the NuGet feed here does not serve. Microsoft.CodeAnalysis.CSharp.
/// SourceGenerators.Testing compares generated sources with expected text (GeneratedSourceFrameworkTests) but keeps no
/// files: writing, diffing and accepting snapshots is this helper's. It follows Verify's conventions: the expected text is <c>Snapshots/&lt;TestClass&gt;.&lt;name&gt;.verified.cs</c>
/// beside the test file and is committed; a mismatch (or a missing file) writes <c>.received.cs</c> next to it
/// and fails with a unified diff of the changed lines; a match deletes a stale <c>.received.cs</c>. With
/// <c>AOPSGEN_ACCEPT_SNAPSHOTS=1</c> the actual text becomes the verified file. Line endings are normalized to
/// LF and the generator version in <c>[GeneratedCode]</c> is scrubbed, so a release does not churn snapshots.
/// </summary>
internal static class Snapshot
{
    public const string AcceptVariable = "AOPSGEN_ACCEPT_SNAPSHOTS";
    private const int ContextLines = 3;
    private static readonly Regex GeneratedCodeVersion =
        new(@"(\[global::System\.CodeDom\.Compiler\.GeneratedCode\(""AopsGen\.Generators"", "")[^""]*(""\)\])", RegexOptions.Compiled);

    public static void Match(string actual, string name, [CallerFilePath] string testFile = "")
    {
        string directory = Path.Combine(TestDirectory(testFile), "Snapshots");
        string stem = Path.Combine(directory, Path.GetFileNameWithoutExtension(testFile) + "." + name);
        string verifiedPath = stem + ".verified.cs", receivedPath = stem + ".received.cs";
        string received = Scrub(actual);
        string? verified = IOFile.Exists(verifiedPath) ? Normalize(IOFile.ReadAllText(verifiedPath)) : null;
        Directory.CreateDirectory(directory);
        if (verified != received && Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            IOFile.WriteAllText(verifiedPath, received);
            verified = received;
        }
        if (verified == received)
        {
            IOFile.Delete(receivedPath); // a stale one from an earlier failure
            return;
        }
        IOFile.WriteAllText(receivedPath, received);
        throw new XunitException(
            (verified is null ? $"No verified snapshot {verifiedPath}." : $"Snapshot {verifiedPath} does not match.")
            + $"\nReceived: {receivedPath}\nTo accept, rerun with {AcceptVariable}=1.\n--- verified\n+++ received\n"
            + UnifiedDiff(verified ?? string.Empty, received));
    }

    public static string Scrub(string text) => GeneratedCodeVersion.Replace(Normalize(text), "${1}{scrubbed-version}${2}");

    private static string Normalize(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n');

    /// <summary>Only the changed lines, with <see cref="ContextLines"/> lines of context and <c>@@</c> between hunks.</summary>
    public static string UnifiedDiff(string expected, string actual)
    {
        var lines = new InlineDiffBuilder(new Differ()).BuildDiffModel(expected, actual, ignoreWhitespace: false).Lines;
        var diff = new StringBuilder();
        int previous = -2, oldLine = 0, newLine = 0;
        for (int i = 0; i < lines.Count; i++)
        {
            ChangeType type = lines[i].Type;
            oldLine += type == ChangeType.Inserted ? 0 : 1;
            newLine += type == ChangeType.Deleted ? 0 : 1;
            int from = Math.Max(0, i - ContextLines), to = Math.Min(lines.Count - 1, i + ContextLines);
            if (!Enumerable.Range(from, to - from + 1).Any(j => lines[j].Type != ChangeType.Unchanged)) continue;
            if (i != previous + 1) diff.Append($"@@ -{oldLine} +{newLine} @@\n");
            diff.Append(type switch { ChangeType.Inserted => "+", ChangeType.Deleted => "-", _ => " " }).Append(lines[i].Text).Append('\n');
            previous = i;
        }
        return diff.ToString();
    }

    /// <summary>The test file's folder; under a path-mapped (CI) build, the project folder from assembly metadata.</summary>
    private static string TestDirectory(string testFile)
    {
        string? directory = Path.GetDirectoryName(testFile);
        return directory is not null && Directory.Exists(directory)
            ? directory
            : typeof(Snapshot).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "AopsGen.Tests.ProjectDirectory").Value!;
    }
}

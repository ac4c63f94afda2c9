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
/// Snapshot files for generated source, in Verify's conventions (Verify and Verify.SourceGenerators are not served by
/// the package feed these tests restore from, so these few dozen lines stand in for them; the Roslyn
/// SourceGenerators.Testing framework compares the generated sources a test spells out inline, with no files, so it
/// does not replace them). As in Verify: the expected text is a committed <c>*.verified.cs</c> file, here
/// <c>Snapshots/&lt;test file&gt;.&lt;name&gt;.verified.cs</c> beside the test (Verify derives
/// <c>&lt;TestClass&gt;.&lt;TestMethod&gt;</c>; here the test names the snapshot); a mismatch or a missing verified file
/// writes the actual text to <c>*.received.cs</c> beside it and fails, here with a unified diff of the changed lines
/// in the message (Verify opens a diff tool through DiffEngine); a stale <c>*.received.cs</c> is deleted. Verify
/// reads no environment variable to accept: it accepts by moving the received file onto the verified one, or by
/// <c>AutoVerify()</c> in code; here <c>AOPSGEN_ACCEPT_SNAPSHOTS=1</c> writes the actual text to the verified file.
/// Line endings are normalized to LF and the generator version in <c>[GeneratedCode]</c> is scrubbed (Verify's
/// scrubbers do the same), so a release does not churn snapshots.
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

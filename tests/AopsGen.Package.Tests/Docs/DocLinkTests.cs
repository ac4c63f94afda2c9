using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace AopsGen.Package.Tests.Docs;

/// <summary>
/// The docs stand on their own in a clone: every relative link resolves to a file or folder of the repository,
/// nothing points at a path outside it, and no sentence speaks of one particular host as if the reader were on it.
/// </summary>
public sealed partial class DocLinkTests
{
    private static readonly string Root = DotNetCli.RepositoryRoot();

    [Fact]
    public void Every_relative_link_resolves_inside_the_repository()
    {
        var broken = new List<string>();
        foreach ((string file, int line, string text) in Lines())
        {
            foreach (Match link in Link().Matches(text))
            {
                string target = link.Groups["target"].Value;
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith('#') || target.StartsWith("mailto:", StringComparison.Ordinal))
                {
                    continue;
                }
                string path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.Combine(Root, file))!, Uri.UnescapeDataString(target.Split('#')[0])));
                bool inside = path.StartsWith(Root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);
                if (!inside || (!System.IO.File.Exists(path) && !Directory.Exists(path)))
                {
                    broken.Add($"{file}:{line}: ({target}) {(inside ? "does not exist" : "leaves the repository")}");
                }
            }
        }
        Assert.True(broken.Count == 0, "Links that do not resolve to a file of the repository:\n" + string.Join('\n', broken));
    }

    [Fact]
    public void No_doc_names_a_path_outside_the_repository_or_speaks_of_this_machine()
    {
        // Paths of the workspace the project was written in (case-sensitive: `generators/.../Shared/` is the repository's).
        string[] paths = ["/work/", "../shared/", "shared/research/"];
        string[] phrases = ["this machine", "this VM", "this host", "this box"];
        string[] found = Lines()
            .SelectMany(l => paths.Where(p => l.Text.Contains(p, StringComparison.Ordinal))
                .Concat(phrases.Where(p => l.Text.Contains(p, StringComparison.OrdinalIgnoreCase)))
                .Select(f => $"{l.File}:{l.Line}: \"{f}\": {l.Text.Trim()}"))
            .ToArray();
        Assert.True(found.Length == 0, "Say what the project needs and does, not where it was written:\n" + string.Join('\n', found));
    }

    // Every line of every Markdown file of the repository (not build output, not generated snapshots).
    private static IEnumerable<(string File, int Line, string Text)> Lines()
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true };
        foreach (string path in Directory.EnumerateFiles(Root, "*.md", options).Order(StringComparer.Ordinal))
        {
            string file = Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/');
            if (file.Split('/').Any(part => part is "bin" or "obj" or "artifacts" or "TestResults" || part.StartsWith('.')))
            {
                continue;
            }
            string[] lines = System.IO.File.ReadAllLines(path);
            for (int i = 0; i < lines.Length; i++)
            {
                yield return (file, i + 1, lines[i]);
            }
        }
    }

    // [text](target) and [text](target "title"); images too.
    [GeneratedRegex(@"\]\((?<target>[^)\s]+)(\s+""[^""]*"")?\)")]
    private static partial Regex Link();
}

using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AopsGen.Package.Tests.Docs;

/// <summary>
/// One fenced code block of a Markdown file: where it is (<see cref="File"/>, repository-relative, and
/// <see cref="Line"/>, 1-based, of its first code line), its info string and its text.
/// </summary>
/// <remarks>
/// The rule for C# in the docs: a block whose info string is <c>csharp</c> (or <c>cs</c>, <c>c#</c>) is a
/// complete file of a user's project and is compiled against the package by <see cref="DocsBuildTests"/>, and
/// run when it has top-level statements or a <c>Main</c>. A block that is only a piece of a program says so with
/// the word <c>fragment</c> after the language: <c>```csharp fragment</c>. Nothing else is skipped. A block with no
/// language right after a program, introduced by a line ending in "It prints:", is that program's expected output.
/// </remarks>
public sealed partial record MarkdownCodeBlock(string File, int Line, string Info, string Code, string LeadIn)
{
    /// <summary>The word after the language that marks a block as a piece of a program, not compiled.</summary>
    public const string FragmentMarker = "fragment";

    private static readonly string[] CSharpLanguages = ["csharp", "cs", "c#"];

    /// <summary>The language, the first word of the info string (lower case; empty when there is none).</summary>
    public string Language => Info.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.ToLowerInvariant() ?? string.Empty;

    public bool IsCSharp => CSharpLanguages.Contains(Language);

    public bool IsFragment => Info.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Contains(FragmentMarker);

    /// <summary>Top-level statements or a static <c>Main</c>: the block is a program, built as an executable and run.</summary>
    public bool IsProgram
    {
        get
        {
            SyntaxNode root = CSharpSyntaxTree.ParseText(Code).GetRoot();
            return root.ChildNodes().OfType<GlobalStatementSyntax>().Any()
                || root.DescendantNodes().OfType<MethodDeclarationSyntax>().Any(m => m.Identifier.Text == "Main" && m.Modifiers.Any(SyntaxKind.StaticKeyword));
        }
    }

    /// <summary>This block is the output the block before it prints: no language, and its lead-in ends in "It prints:".</summary>
    public bool IsOutput => Info.Length == 0 && LeadIn.EndsWith("It prints:", StringComparison.Ordinal);

    /// <summary>"README.md:12", as an editor opens it.</summary>
    public override string ToString() => $"{File}:{Line}";

    /// <summary>The fenced blocks of <paramref name="path"/>; <paramref name="relativePath"/> names it in <see cref="File"/>.</summary>
    public static IReadOnlyList<MarkdownCodeBlock> Read(string path, string relativePath)
    {
        var blocks = new List<MarkdownCodeBlock>();
        string[] lines = System.IO.File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            Match open = Fence().Match(lines[i]);
            if (!open.Success)
            {
                continue;
            }
            string indent = open.Groups["indent"].Value;
            string fence = open.Groups["fence"].Value;
            int start = i + 1;
            int end = start;
            while (end < lines.Length && !IsClosingFence(lines[end], fence))
            {
                end++;
            }
            string code = string.Join('\n', lines[start..Math.Min(end, lines.Length)].Select(l => l.StartsWith(indent, StringComparison.Ordinal) ? l[indent.Length..] : l.TrimStart()));
            string leadIn = lines[..i].LastOrDefault(l => l.Trim().Length > 0)?.Trim() ?? string.Empty;
            blocks.Add(new MarkdownCodeBlock(relativePath, start + 1, open.Groups["info"].Value.Trim(), code + "\n", leadIn));
            i = end;
        }
        return blocks;
    }

    /// <summary>
    /// The Markdown files whose code the rule covers: README.md, docs/ (all levels), and the README.md of each
    /// example and benchmark project.
    /// </summary>
    public static IEnumerable<string> DocumentationFiles(string repositoryRoot)
    {
        yield return Path.Combine(repositoryRoot, "README.md");
        foreach (string file in Directory.EnumerateFiles(Path.Combine(repositoryRoot, "docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            yield return file;
        }
        foreach (string folder in new[] { "examples", "benchmarks" })
        {
            foreach (string file in Directory.EnumerateFiles(Path.Combine(repositoryRoot, folder), "README.md", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal))
            {
                yield return file;
            }
        }
    }

    /// <summary>Every fenced block of every file <see cref="DocumentationFiles"/> names.</summary>
    public static IReadOnlyList<MarkdownCodeBlock> All(string repositoryRoot)
        => DocumentationFiles(repositoryRoot)
            .SelectMany(f => Read(f, Path.GetRelativePath(repositoryRoot, f).Replace(Path.DirectorySeparatorChar, '/')))
            .ToList();

    private static bool IsClosingFence(string line, string fence)
    {
        string trimmed = line.Trim();
        return trimmed.Length >= fence.Length && trimmed.All(c => c == fence[0]);
    }

    // CommonMark: up to 3 spaces of indent (more inside list items), then ``` or ~~~ (3 or more), then the info string.
    [GeneratedRegex(@"^(?<indent>\s*)(?<fence>`{3,}|~{3,})(?<info>[^`]*)$")]
    private static partial Regex Fence();
}

using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using static AopsGen.Analyzers.Tests.AnalyzerHarness;

namespace AopsGen.Analyzers.Tests;

/// <summary>The rules as a contract: IDs, severities, release files, help links and their pages, .editorconfig control.</summary>
public sealed class DescriptorTests
{
    public static string RepositoryRoot => typeof(DescriptorTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "AopsGen.RepositoryRoot").Value!;

    private static readonly ImmutableArray<DiagnosticDescriptor> Descriptors = AnalyzerHarness.Analyzers
        .SelectMany(a => a.SupportedDiagnostics)
        .OrderBy(d => d.Id, StringComparer.Ordinal)
        .ToImmutableArray();

    [Fact]
    public void The_thirteen_rules_each_reported_by_one_analyzer()
    {
        Assert.Equal(Enumerable.Range(1, 13).Select(i => $"AOPS{i:000}"), Descriptors.Select(d => d.Id));
        Assert.Equal(
            new[] { "AOPS001:Error", "AOPS002:Error", "AOPS003:Error", "AOPS004:Error", "AOPS005:Warning", "AOPS006:Warning",
                    "AOPS007:Error", "AOPS008:Warning", "AOPS009:Warning", "AOPS010:Error", "AOPS011:Warning", "AOPS012:Error", "AOPS013:Error" },
            Descriptors.Select(d => d.Id + ":" + d.DefaultSeverity));
    }

    [Fact]
    public void Each_rule_is_enabled_configurable_and_links_to_its_page()
    {
        foreach (DiagnosticDescriptor descriptor in Descriptors)
        {
            Assert.True(descriptor.IsEnabledByDefault, descriptor.Id);
            Assert.DoesNotContain(WellKnownDiagnosticTags.NotConfigurable, descriptor.CustomTags);
            Assert.DoesNotContain(WellKnownDiagnosticTags.CompilationEnd, descriptor.CustomTags);
            Assert.Equal($"https://github.com/aopsgen/aopsgen/blob/main/docs/diagnostics/{descriptor.Id}.md", descriptor.HelpLinkUri);
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Title.ToString()), descriptor.Id);
            Assert.EndsWith(".", descriptor.Description.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Each_rule_has_a_docs_page_with_what_why_fix_and_example()
    {
        foreach (DiagnosticDescriptor descriptor in Descriptors)
        {
            string path = Path.Combine(RepositoryRoot, "docs", "diagnostics", descriptor.Id + ".md");
            Assert.True(System.IO.File.Exists(path), path);
            string page = System.IO.File.ReadAllText(path);
            Assert.StartsWith("# " + descriptor.Id + ":", page, StringComparison.Ordinal);
            foreach (string section in new[] { "## What", "## Why", "## How to fix", "## Example" })
            {
                Assert.Contains(section, page, StringComparison.Ordinal);
            }
        }
        string index = System.IO.File.ReadAllText(Path.Combine(RepositoryRoot, "docs", "diagnostics", "README.md"));
        Assert.All(Descriptors, d => Assert.Contains("[" + d.Id + "](" + d.Id + ".md)", index, StringComparison.Ordinal));
    }

    [Fact]
    public void Release_files_list_every_rule_with_its_category_and_severity()
    {
        string directory = Path.Combine(RepositoryRoot, "analyzers", "AopsGen.Analyzers");
        var rows = new List<string>();
        foreach (string file in new[] { "AnalyzerReleases.Shipped.md", "AnalyzerReleases.Unshipped.md" })
        {
            rows.AddRange(System.IO.File.ReadAllLines(Path.Combine(directory, file))
                .Where(line => line.StartsWith("AOPS", StringComparison.Ordinal))
                .Select(line => string.Join("|", line.Split('|').Take(3).Select(c => c.Trim()))));
        }
        Assert.Equal(Descriptors.Select(d => d.Id + "|" + d.Category + "|" + d.DefaultSeverity), rows.OrderBy(r => r, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Severity_follows_editorconfig_style_options()
    {
        // As an .editorconfig line does: dotnet_diagnostic.AOPS005.severity = error, AOPS006 = none.
        string source = Usings + "[AddressSpaceOperations] public static partial class Fs { "
            + "[SwapActivate] public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span) { span = 0; sis.Flags |= SwapFlags.FsOps; return 0; } }";
        CSharpCompilationOptions options = CompilationOptions().WithSyntaxTreeOptionsProvider(new SeverityProvider(new Dictionary<string, ReportDiagnostic>
        {
            ["AOPS005"] = ReportDiagnostic.Error,
            ["AOPS006"] = ReportDiagnostic.Suppress,
        }));
        AnalysisRun run = await AnalyzeAsync(new[] { source }, options: options);
        AssertNoAnalyzerFailure(run);
        Diagnostic swap005 = Assert.Single(run.Aops);
        Assert.Equal("AOPS005", swap005.Id);
        Assert.Equal(DiagnosticSeverity.Error, swap005.Severity);

        AnalysisRun defaults = await AnalyzeAsync(new[] { source });
        Assert.Equal(new[] { "AOPS005:Warning", "AOPS006:Warning" }, defaults.Aops.Select(d => d.Id + ":" + d.Severity));
    }

    /// <summary>What the compiler builds from .editorconfig files: per-tree diagnostic severities.</summary>
    private sealed class SeverityProvider(Dictionary<string, ReportDiagnostic> severities) : SyntaxTreeOptionsProvider
    {
        public override GeneratedKind IsGenerated(SyntaxTree tree, CancellationToken cancellationToken) => GeneratedKind.Unknown;

        public override bool TryGetDiagnosticValue(SyntaxTree tree, string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
            => severities.TryGetValue(diagnosticId, out severity);

        public override bool TryGetGlobalDiagnosticValue(string diagnosticId, CancellationToken cancellationToken, out ReportDiagnostic severity)
        {
            severity = ReportDiagnostic.Default;
            return false;
        }
    }
}

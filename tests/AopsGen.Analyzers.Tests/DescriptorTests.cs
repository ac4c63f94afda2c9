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
using static AopsGen.Analyzers.Tests.AopsTestSetup;

namespace AopsGen.Analyzers.Tests;

/// <summary>The rules as a contract: IDs, severities, release files, help links and their pages, .editorconfig control.</summary>
public sealed class DescriptorTests
{
    public static string RepositoryRoot => typeof(DescriptorTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "AopsGen.RepositoryRoot").Value!;

    private static readonly ImmutableArray<DiagnosticDescriptor> Descriptors = AopsTestSetup.Analyzers
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
    public async Task Severity_follows_per_rule_options()
    {
        // What dotnet_diagnostic.AOPS005.severity = error and AOPS006 = none in an .editorconfig, or <WarningsAsErrors> and
        // <NoWarn>, give the compilation: per-rule severities.
        string source = "[AddressSpaceOperations] public static partial class Fs { "
            + "[SwapActivate] public static int {|#0:SwapActivate|}(SwapInfo sis, OpenFile file, out ulong span) { span = 0; sis.Flags |= SwapFlags.FsOps; return 0; } }";
        var configured = new AopsAnalyzerTest { TestCode = Usings + source };
        configured.SolutionTransforms.Add((solution, projectId) => solution.WithProjectCompilationOptions(
            projectId,
            solution.GetProject(projectId)!.CompilationOptions!.WithSpecificDiagnosticOptions(new Dictionary<string, ReportDiagnostic>
            {
                ["AOPS005"] = ReportDiagnostic.Error,
                ["AOPS006"] = ReportDiagnostic.Suppress,
            })));
        configured.ExpectedDiagnostics.Add(AopsAnalyzerTest.Diagnostic(AopsDiagnostics.SwapFsOpsWithoutSwapRw, 0).WithSeverity(DiagnosticSeverity.Error).WithArguments("Fs", "SwapActivate"));
        await configured.RunAsync(TestContext.Current.CancellationToken);

        await AopsAnalyzerTest.VerifyAsync(
            source,
            AopsAnalyzerTest.Diagnostic(AopsDiagnostics.SwapFsOpsWithoutSwapRw, 0).WithSeverity(DiagnosticSeverity.Warning).WithArguments("Fs", "SwapActivate"),
            AopsAnalyzerTest.Diagnostic(AopsDiagnostics.SwapFileWithoutIo, 0).WithSeverity(DiagnosticSeverity.Warning)
                .WithArguments("Fs", "[ReadPage]", "swapon reads the swap header with readpage and refuses a file without it (EINVAL)"));
    }
}

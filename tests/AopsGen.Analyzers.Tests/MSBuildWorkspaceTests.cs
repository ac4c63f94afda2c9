using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Build.Locator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.MSBuild;
using Xunit;

namespace AopsGen.Analyzers.Tests;

/// <summary>
/// The analyzers and fixes as an IDE runs them: a project opened through <see cref="MSBuildWorkspace"/> (a design-time
/// build), its analyzers loaded from its own Analyzer items, each code fix applied to the workspace, then a real
/// `dotnet build` of the fixed project, which must be clean and carry the generated table.
/// </summary>
[Collection(BuildCollection.Name)]
public sealed class MSBuildWorkspaceTests
{
    private static readonly ImmutableHashSet<string> Fixable = ImmutableHashSet.Create("AOPS001", "AOPS002", "AOPS003", "AOPS007", "AOPS009");

    private const string FixableSource = """
        using System;
        using AopsGen;
        namespace Fixable;

        [AddressSpaceOperations("fixable_aops")]
        public static class FixableFs
        {
            [ReadPage]
            public static int ReadPage(OpenFile file, Page page) => 0;

            [DirectIO]
            public static int DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) => 0;

            [SwapActivate]
            public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span)
            {
                span = 0;
                return 0;
            }
        }

        public sealed class ForgottenFs
        {
            [WritePage]
            public int WritePage(Page page, WritebackControl wbc) => 0;
        }
        """;

    [Fact]
    public async Task Opened_as_an_IDE_does_each_code_fix_applies_and_the_fixed_project_builds_clean_with_its_tables()
    {
        RegisterMSBuild();
        string directory = Path.Combine(Path.GetTempPath(), "aopsgen-ws-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        try
        {
            string projectPath = Path.Combine(directory, "Fixable.csproj");
            System.IO.File.WriteAllText(projectPath, ProjectFile(allowUnsafe: false));
            string sourcePath = Path.Combine(directory, "Fs.cs");
            System.IO.File.WriteAllText(sourcePath, FixableSource);
            (int restore, string restoreOutput) = DotNetBuild.Run(directory, "restore", projectPath, "-nodeReuse:false");
            Assert.True(restore == 0, restoreOutput);

            var applied = new List<string>();
            var refused = new List<string>();
            for (int round = 0; round < 20; round++)
            {
                using MSBuildWorkspace workspace = await OpenAsync(projectPath);
                Project project = workspace.CurrentSolution.Projects.Single();
                if (round == 0)
                {
                    // AOPS006 too: the DirectIO with the wrong signature gets no slot, so the SWP_FILE table cannot write the swap file
                    // until AOPS003's fix gives it one.
                    ImmutableArray<Diagnostic> initial = await AnalyzeAsync(project);
                    Assert.Equal(
                        new[] { "AOPS001", "AOPS002", "AOPS003", "AOPS006", "AOPS007", "AOPS009" },
                        initial.Select(d => d.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal));
                }

                Diagnostic? next = (await AnalyzeAsync(project)).FirstOrDefault(d => Fixable.Contains(d.Id));
                if (next is null)
                {
                    break;
                }
                Document document = project.GetDocument(next.Location.SourceTree!)!;
                var actions = new List<CodeAction>();
                await CodeFixHarness.ProviderFor(next.Id).RegisterCodeFixesAsync(
                    new CodeFixContext(document, next, (action, _) => actions.Add(action), TestContext.Current.CancellationToken));
                CodeAction fix = Assert.Single(actions);
                ApplyChangesOperation apply = Assert.Single((await fix.GetOperationsAsync(TestContext.Current.CancellationToken)).OfType<ApplyChangesOperation>());

                if (next.Id == "AOPS007")
                {
                    // The fix changes the project's compilation options. MSBuildWorkspace cannot write those back to the
                    // project file (it refuses ChangeCompilationOptions); this is the manual step docs/diagnostics/AOPS007.md gives.
                    Assert.True(((CSharpCompilationOptions)apply.ChangedSolution.GetProject(project.Id)!.CompilationOptions!).AllowUnsafe);
                    Assert.False(workspace.CanApplyChange(ApplyChangesKind.ChangeCompilationOptions));
                    Assert.ThrowsAny<NotSupportedException>(() => workspace.TryApplyChanges(apply.ChangedSolution));
                    refused.Add(next.Id);
                    System.IO.File.WriteAllText(projectPath, ProjectFile(allowUnsafe: true));
                    continue;
                }
                Assert.True(workspace.TryApplyChanges(apply.ChangedSolution), "could not apply " + fix.Title);
                applied.Add(next.Id);
            }

            Assert.Equal(new[] { "AOPS007" }, refused);
            Assert.Equal(new[] { "AOPS001", "AOPS002", "AOPS003", "AOPS009" }, applied.Distinct().OrderBy(id => id, StringComparer.Ordinal));
            using (MSBuildWorkspace workspace = await OpenAsync(projectPath))
            {
                Assert.Empty(await AnalyzeAsync(workspace.CurrentSolution.Projects.Single()));
            }

            string fixedSource = System.IO.File.ReadAllText(sourcePath).ReplaceLineEndings("\n");
            Assert.Contains("public static partial class FixableFs", fixedSource, StringComparison.Ordinal);
            Assert.Contains("public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) => 0;", fixedSource, StringComparison.Ordinal);
            Assert.Contains("[AddressSpaceOperations]\npublic sealed partial class ForgottenFs", fixedSource, StringComparison.Ordinal);
            Assert.Contains("public static int WritePage(Page page, WritebackControl wbc) => 0;", fixedSource, StringComparison.Ordinal);

            (int build, string buildOutput) = DotNetBuild.Run(directory, "build", projectPath, "-nodeReuse:false", "-p:TreatWarningsAsErrors=false", "-clp:NoSummary");
            Assert.True(build == 0, buildOutput);
            Assert.Empty(DotNetBuild.Parse(buildOutput));
            string[] generated = Directory.GetFiles(Path.Combine(directory, "obj"), "*.Aops.g.cs", SearchOption.AllDirectories);
            string fixableTable = System.IO.File.ReadAllText(Assert.Single(generated, f => f.EndsWith("Fixable.FixableFs.Aops.g.cs", StringComparison.Ordinal)));
            foreach (string slot in new[] { "readPage: &ReadPage", "directIO: &DirectIO", "swapActivate: &SwapActivate" })
            {
                Assert.Contains(slot, fixableTable, StringComparison.Ordinal);
            }
            Assert.Contains("writePage: &WritePage", System.IO.File.ReadAllText(Assert.Single(generated, f => f.EndsWith("Fixable.ForgottenFs.Aops.g.cs", StringComparison.Ordinal))), StringComparison.Ordinal);
        }
        finally
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public async Task The_tour_project_with_unsafe_code_off_shows_AOPS007_at_its_mark_as_the_IDE_does()
    {
        RegisterMSBuild();
        string projectPath = Path.Combine(DescriptorTests.RepositoryRoot, "examples", "AnalyzerTour", "UnsafeOff", "AnalyzerTour.UnsafeOff.csproj");
        (int restore, string restoreOutput) = DotNetBuild.Run(Path.GetDirectoryName(projectPath)!, "restore", projectPath, "-nodeReuse:false");
        Assert.True(restore == 0, restoreOutput);
        using MSBuildWorkspace workspace = await OpenAsync(projectPath, DotNetBuild.Configuration);
        Project project = workspace.CurrentSolution.Projects.Single(p => p.FilePath == projectPath);
        Diagnostic diagnostic = Assert.Single(await AnalyzeAsync(project));
        Assert.Equal("AOPS007", diagnostic.Id);
        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        Assert.EndsWith("SafeOnlyFs.cs", span.Path, StringComparison.Ordinal);
        string line = System.IO.File.ReadAllLines(span.Path)[span.StartLinePosition.Line];
        Assert.Contains("// AOPS007", line, StringComparison.Ordinal);
    }

    /// <summary>MSBuildLocator must register before any MSBuild type is loaded, so it lives in a method of its own.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RegisterMSBuild()
    {
        lock (typeof(MSBuildWorkspaceTests))
        {
            if (!MSBuildLocator.IsRegistered)
            {
                MSBuildLocator.RegisterDefaults();
            }
        }
    }

    private static async Task<MSBuildWorkspace> OpenAsync(string projectPath, string? configuration = null)
    {
        var properties = new Dictionary<string, string> { ["TreatWarningsAsErrors"] = "false" };
        if (configuration is not null)
        {
            properties["Configuration"] = configuration;
        }
        MSBuildWorkspace workspace = MSBuildWorkspace.Create(properties);
        await workspace.OpenProjectAsync(projectPath);
        string[] failures = workspace.Diagnostics.Where(d => d.Kind == WorkspaceDiagnosticKind.Failure).Select(d => d.Message).ToArray();
        Assert.True(failures.Length == 0, "workspace failures:\n" + string.Join("\n", failures));
        return workspace;
    }

    /// <summary>The AOPS diagnostics of the project, from the analyzers its own Analyzer items load, with the generator run.</summary>
    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Project project)
    {
        ImmutableArray<DiagnosticAnalyzer> analyzers = project.AnalyzerReferences
            .SelectMany(reference => reference.GetAnalyzers(LanguageNames.CSharp))
            .ToImmutableArray();
        Assert.Contains(analyzers, a => a.GetType().Name == nameof(TableAnalyzer));
        Compilation compilation = (await project.GetCompilationAsync())!;
        var exceptions = new List<string>();
        ImmutableArray<Diagnostic> diagnostics = await compilation
            .WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(project.AnalyzerOptions, (e, a, _) => exceptions.Add(a + ": " + e), concurrentAnalysis: true, logAnalyzerExecutionTime: false))
            .GetAnalyzerDiagnosticsAsync();
        Assert.Empty(exceptions);
        return diagnostics.Where(d => d.Id.StartsWith("AOPS", StringComparison.Ordinal))
            .OrderBy(d => d.Location.SourceSpan.Start)
            .ToImmutableArray();
    }

    private static string ProjectFile(bool allowUnsafe)
    {
        string root = DescriptorTests.RepositoryRoot;
        string configuration = DotNetBuild.Configuration;
        return $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>disable</ImplicitUsings>
                <AllowUnsafeBlocks>{(allowUnsafe ? "true" : "false")}</AllowUnsafeBlocks>
                <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
              </PropertyGroup>
              <ItemGroup>
                <Reference Include="AopsGen" HintPath="{root}src/AopsGen/bin/{configuration}/net10.0/AopsGen.dll" />
                <Analyzer Include="{root}generators/AopsGen.Generators/bin/{configuration}/netstandard2.0/AopsGen.Generators.dll" />
                <Analyzer Include="{root}analyzers/AopsGen.Analyzers/bin/{configuration}/netstandard2.0/AopsGen.Analyzers.dll" />
                <Analyzer Include="{root}analyzers/AopsGen.CodeFixes/bin/{configuration}/netstandard2.0/AopsGen.CodeFixes.dll" />
              </ItemGroup>
            </Project>
            """;
    }
}

using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using AopsGen.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AopsGen.CodeFixes;

/// <summary>
/// AOPS007: turns unsafe code on for the project, as Roslyn's own fix for CS0227 does: a change of the project's
/// compilation options. Visual Studio's project system writes it to the project file as
/// <c>&lt;AllowUnsafeBlocks&gt;true&lt;/AllowUnsafeBlocks&gt;</c>; a host that cannot change compilation options
/// (MSBuildWorkspace, for one) refuses the change, and the property must be set by hand (docs/diagnostics/AOPS007.md).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AllowUnsafeBlocksCodeFix)), Shared]
public sealed class AllowUnsafeBlocksCodeFix : AopsCodeFix<CompilationUnitSyntax>
{
    private const string ActionTitle = "Allow unsafe code in this project (<AllowUnsafeBlocks>true</AllowUnsafeBlocks>)";

    /// <summary>Creates the fix.</summary>
    public AllowUnsafeBlocksCodeFix()
        : base(AopsDiagnostics.UnsafeBlocksOff)
    {
    }

    /// <summary>One change per project fixes every AOPS007 in it; fix-all makes that change in each project of its scope.</summary>
    public override FixAllProvider GetFixAllProvider() => ProjectFixAllProvider.Instance;

    /// <inheritdoc/>
    protected override string? Title(CompilationUnitSyntax file, Diagnostic diagnostic) => ActionTitle;

    /// <summary>Only in a C# project (one whose compilation options can say AllowUnsafe).</summary>
    protected override Task<bool> IsOfferedAsync(Document document, CompilationUnitSyntax file, CancellationToken cancellationToken)
        => Task.FromResult(document.Project.CompilationOptions is CSharpCompilationOptions);

    /// <inheritdoc/>
    protected override Task<Solution> FixAsync(Document document, CompilationUnitSyntax file, Diagnostic diagnostic, CancellationToken cancellationToken)
        => Task.FromResult(AllowUnsafe(document.Project.Solution, document.Project.Id));

    private static Solution AllowUnsafe(Solution solution, ProjectId projectId)
        => solution.GetProject(projectId)?.CompilationOptions is CSharpCompilationOptions options
            ? solution.WithProjectCompilationOptions(projectId, options.WithAllowUnsafe(true))
            : solution;

    private sealed class ProjectFixAllProvider : FixAllProvider
    {
        public static readonly ProjectFixAllProvider Instance = new();

        public override Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
        {
            Solution solution = fixAllContext.Solution;
            ImmutableArray<ProjectId> projects = fixAllContext.Scope == FixAllScope.Solution
                ? solution.ProjectIds.ToImmutableArray()
                : ImmutableArray.Create(fixAllContext.Project.Id);
            return Task.FromResult<CodeAction?>(CodeAction.Create(
                ActionTitle,
                _ =>
                {
                    Solution fixedSolution = solution;
                    foreach (ProjectId projectId in projects)
                    {
                        fixedSolution = AllowUnsafe(fixedSolution, projectId);
                    }
                    return Task.FromResult(fixedSolution);
                },
                equivalenceKey: nameof(AllowUnsafeBlocksCodeFix)));
        }
    }
}

using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using AopsGen.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace AopsGen.CodeFixes;

/// <summary>AOPS001: adds <c>partial</c> to the type declaration the diagnostic is on.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddPartialCodeFix)), Shared]
public sealed class AddPartialCodeFix : AopsCodeFix<BaseTypeDeclarationSyntax>
{
    /// <summary>Creates the fix.</summary>
    public AddPartialCodeFix()
        : base(AopsDiagnostics.NotPartial)
    {
    }

    /// <inheritdoc/>
    protected override string? Title(BaseTypeDeclarationSyntax declaration, Diagnostic diagnostic)
        => "Make '" + declaration.Identifier.ValueText + "' partial";

    /// <inheritdoc/>
    protected override async Task<Solution> FixAsync(Document document, BaseTypeDeclarationSyntax declaration, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        editor.SetModifiers(declaration, editor.Generator.GetModifiers(declaration).WithPartial(true));
        return editor.GetChangedDocument().Project.Solution;
    }
}

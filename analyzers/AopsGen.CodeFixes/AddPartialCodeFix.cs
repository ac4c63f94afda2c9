using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using AopsGen.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace AopsGen.CodeFixes;

/// <summary>AOPS001: adds <c>partial</c> to the type declaration the diagnostic is on.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddPartialCodeFix)), Shared]
public sealed class AddPartialCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(AopsDiagnostics.NotPartial.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            BaseTypeDeclarationSyntax? declaration = await FixHelpers.FindAsync<BaseTypeDeclarationSyntax>(context.Document, diagnostic.Location.SourceSpan, context.CancellationToken).ConfigureAwait(false);
            if (declaration is null)
            {
                continue;
            }
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Make '" + declaration.Identifier.ValueText + "' partial",
                    cancellationToken => AddPartialAsync(context.Document, declaration, cancellationToken),
                    equivalenceKey: nameof(AddPartialCodeFix)),
                diagnostic);
        }
    }

    private static async Task<Document> AddPartialAsync(Document document, SyntaxNode declaration, CancellationToken cancellationToken)
    {
        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        editor.SetModifiers(declaration, editor.Generator.GetModifiers(declaration).WithPartial(true));
        return editor.GetChangedDocument();
    }
}

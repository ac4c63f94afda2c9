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

/// <summary>AOPS002: makes the op method <c>static</c> (dropping <c>virtual</c>, <c>override</c>, <c>sealed</c>, <c>abstract</c>, which cannot go with it).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeStaticCodeFix)), Shared]
public sealed class MakeStaticCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(AopsDiagnostics.NotStatic.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            MethodDeclarationSyntax? method = await FixHelpers.FindAsync<MethodDeclarationSyntax>(context.Document, diagnostic.Location.SourceSpan, context.CancellationToken).ConfigureAwait(false);
            if (method is null || method.Identifier.Span != diagnostic.Location.SourceSpan)
            {
                continue; // a local function, an accessor, a constructor: no method declaration of its own to rewrite
            }
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Make '" + method.Identifier.ValueText + "' static",
                    cancellationToken => MakeStaticAsync(context.Document, method, cancellationToken),
                    equivalenceKey: nameof(MakeStaticCodeFix)),
                diagnostic);
        }
    }

    private static async Task<Document> MakeStaticAsync(Document document, SyntaxNode method, CancellationToken cancellationToken)
    {
        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        DeclarationModifiers modifiers = editor.Generator.GetModifiers(method)
            .WithIsStatic(true).WithIsVirtual(false).WithIsOverride(false).WithIsSealed(false).WithIsAbstract(false);
        editor.SetModifiers(method, modifiers);
        return editor.GetChangedDocument();
    }
}

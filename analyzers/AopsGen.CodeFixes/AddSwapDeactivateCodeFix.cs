using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AopsGen.Analyzers;
using AopsGen.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace AopsGen.CodeFixes;

/// <summary>
/// AOPS005: adds an empty <c>[SwapDeactivate] static void SwapDeactivate(OpenFile file)</c> after the [SwapActivate] method, to be
/// filled in. Not offered where the class already declares a [SwapDeactivate] that gets no slot: its own AOPS002/AOPS003 fix is the one.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddSwapDeactivateCodeFix)), Shared]
public sealed class AddSwapDeactivateCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(AopsDiagnostics.SwapActivateWithoutDeactivate.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            MethodDeclarationSyntax? activate = await FixHelpers.FindAsync<MethodDeclarationSyntax>(context.Document, diagnostic.Location.SourceSpan, context.CancellationToken).ConfigureAwait(false);
            if (activate?.Parent is not TypeDeclarationSyntax
                || await DeclaresSwapDeactivateAsync(context.Document, activate, context.CancellationToken).ConfigureAwait(false))
            {
                continue;
            }
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Add a [SwapDeactivate] method",
                    cancellationToken => AddAsync(context.Document, activate, cancellationToken),
                    equivalenceKey: nameof(AddSwapDeactivateCodeFix)),
                diagnostic);
        }
    }

    private static async Task<bool> DeclaresSwapDeactivateAsync(Document document, MethodDeclarationSyntax activate, CancellationToken cancellationToken)
    {
        SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        INamedTypeSymbol? type = model?.GetDeclaredSymbol(activate, cancellationToken)?.ContainingType;
        return type is not null && TableValidation.OpMethods(type).Any(m => m.Op.Kind == OpKind.SwapDeactivate);
    }

    private static async Task<Document> AddAsync(Document document, MethodDeclarationSyntax activate, CancellationToken cancellationToken)
    {
        SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        INamedTypeSymbol? type = model?.GetDeclaredSymbol(activate, cancellationToken)?.ContainingType;
        string name = "SwapDeactivate";
        for (int n = 2; type is not null && !type.GetMembers(name).IsEmpty; n++)
        {
            name = "SwapDeactivate" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        string text =
            "[global::AopsGen.SwapDeactivate]\n" +
            "public static void " + name + "(global::AopsGen.OpenFile file)\n" +
            "{\n" +
            "    // swapoff: release what " + activate.Identifier.ValueText + " pinned for this swap file.\n" +
            "}\n";
        MemberDeclarationSyntax? member = SyntaxFactory.ParseMemberDeclaration(text);
        if (member is null)
        {
            return document;
        }
        member = member
            .WithLeadingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed)
            .WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);

        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        editor.InsertAfter(activate, member);
        return editor.GetChangedDocument();
    }
}

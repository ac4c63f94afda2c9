using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using AopsGen.Analyzers;
using AopsGen.Generators;
using Microsoft.CodeAnalysis;
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
public sealed class AddSwapDeactivateCodeFix : AopsCodeFix<MethodDeclarationSyntax>
{
    /// <summary>Creates the fix.</summary>
    public AddSwapDeactivateCodeFix()
        : base(AopsDiagnostics.SwapActivateWithoutDeactivate)
    {
    }

    /// <inheritdoc/>
    protected override string? Title(MethodDeclarationSyntax activate, Diagnostic diagnostic)
        => activate.Parent is TypeDeclarationSyntax ? "Add a [SwapDeactivate] method" : null;

    /// <summary>Not where the class already declares a [SwapDeactivate] (one that gets no slot: its AOPS002/AOPS003 fix is the one).</summary>
    protected override async Task<bool> IsOfferedAsync(Document document, MethodDeclarationSyntax activate, CancellationToken cancellationToken)
    {
        SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        INamedTypeSymbol? type = model?.GetDeclaredSymbol(activate, cancellationToken)?.ContainingType;
        return type is null || !TableValidation.OpMethods(type).Any(m => m.Op.Kind == OpKind.SwapDeactivate);
    }

    /// <inheritdoc/>
    protected override async Task<Solution> FixAsync(Document document, MethodDeclarationSyntax activate, Diagnostic diagnostic, CancellationToken cancellationToken)
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
            return document.Project.Solution;
        }
        member = member
            .WithLeadingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed)
            .WithAdditionalAnnotations(Simplifier.Annotation, Formatter.Annotation);

        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        editor.InsertAfter(activate, member);
        return editor.GetChangedDocument().Project.Solution;
    }
}

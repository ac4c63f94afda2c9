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
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;

namespace AopsGen.CodeFixes;

/// <summary>AOPS009: marks the op method's class <c>[AddressSpaceOperations]</c>, and <c>partial</c> where that declaration is not.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddClassAttributeCodeFix)), Shared]
public sealed class AddClassAttributeCodeFix : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(AopsDiagnostics.OpOutsideTable.Id);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            MethodDeclarationSyntax? method = await FixHelpers.FindAsync<MethodDeclarationSyntax>(context.Document, diagnostic.Location.SourceSpan, context.CancellationToken).ConfigureAwait(false);
            if (method?.Parent is not ClassDeclarationSyntax type)
            {
                continue;
            }
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Mark '" + type.Identifier.ValueText + "' [AddressSpaceOperations]",
                    cancellationToken => AddAsync(context.Document, type, cancellationToken),
                    equivalenceKey: nameof(AddClassAttributeCodeFix)),
                diagnostic);
        }
    }

    private static async Task<Document> AddAsync(Document document, ClassDeclarationSyntax type, CancellationToken cancellationToken)
    {
        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        SyntaxGenerator generator = editor.Generator;
        editor.AddAttribute(type, generator.Attribute(SyntaxFactory.ParseName("global::AopsGen.AddressSpaceOperations").WithAdditionalAnnotations(Simplifier.Annotation)));
        editor.SetModifiers(type, generator.GetModifiers(type).WithPartial(true));
        return editor.GetChangedDocument();
    }
}

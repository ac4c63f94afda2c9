using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using AopsGen.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;

namespace AopsGen.CodeFixes;

/// <summary>AOPS009: marks the op method's class <c>[AddressSpaceOperations]</c>, and <c>partial</c> where that declaration is not.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddClassAttributeCodeFix)), Shared]
public sealed class AddClassAttributeCodeFix : AopsCodeFix<MethodDeclarationSyntax>
{
    /// <summary>Creates the fix.</summary>
    public AddClassAttributeCodeFix()
        : base(AopsDiagnostics.OpOutsideTable)
    {
    }

    /// <inheritdoc/>
    protected override string? Title(MethodDeclarationSyntax method, Diagnostic diagnostic)
        => method.Parent is ClassDeclarationSyntax type ? "Mark '" + type.Identifier.ValueText + "' [AddressSpaceOperations]" : null;

    /// <inheritdoc/>
    protected override async Task<Solution> FixAsync(Document document, MethodDeclarationSyntax method, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var type = (ClassDeclarationSyntax)method.Parent!;
        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        SyntaxGenerator generator = editor.Generator;
        editor.AddAttribute(type, generator.Attribute(SyntaxFactory.ParseName("global::AopsGen.AddressSpaceOperations").WithAdditionalAnnotations(Simplifier.Annotation)));
        editor.SetModifiers(type, generator.GetModifiers(type).WithPartial(true));
        return editor.GetChangedDocument().Project.Solution;
    }
}

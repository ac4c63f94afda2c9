using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using AopsGen.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace AopsGen.CodeFixes;

/// <summary>AOPS002: makes the op method <c>static</c> (dropping <c>virtual</c>, <c>override</c>, <c>sealed</c>, <c>abstract</c>, which cannot go with it).</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeStaticCodeFix)), Shared]
public sealed class MakeStaticCodeFix : AopsCodeFix<MethodDeclarationSyntax>
{
    /// <summary>Creates the fix.</summary>
    public MakeStaticCodeFix()
        : base(AopsDiagnostics.NotStatic)
    {
    }

    /// <inheritdoc/>
    protected override string? Title(MethodDeclarationSyntax method, Diagnostic diagnostic)
        => method.Identifier.Span == diagnostic.Location.SourceSpan
            ? "Make '" + method.Identifier.ValueText + "' static"
            : null; // a local function, an accessor, a constructor: no method declaration of its own to rewrite

    /// <inheritdoc/>
    protected override async Task<Solution> FixAsync(Document document, MethodDeclarationSyntax method, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        DeclarationModifiers modifiers = editor.Generator.GetModifiers(method)
            .WithIsStatic(true).WithIsVirtual(false).WithIsOverride(false).WithIsSealed(false).WithIsAbstract(false);
        editor.SetModifiers(method, modifiers);
        return editor.GetChangedDocument().Project.Solution;
    }
}

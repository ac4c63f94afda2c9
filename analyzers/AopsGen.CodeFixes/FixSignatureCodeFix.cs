using System.Collections.Generic;
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
using Microsoft.CodeAnalysis.Simplification;

namespace AopsGen.CodeFixes;

/// <summary>
/// AOPS003: rewrites the method's signature to its op's (<see cref="OpDescriptor"/>): return type, parameters with their
/// ref kinds, <c>static</c>, no type parameters. The body is kept. A parameter keeps the user's name where the user's
/// parameter at that position already has the right type; otherwise it gets the op's name (<c>page</c>, <c>iocb</c>).
/// Nullable annotations (<c>out Page? page</c>) are written where nullable annotations are enabled.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(FixSignatureCodeFix)), Shared]
public sealed class FixSignatureCodeFix : AopsCodeFix<MethodDeclarationSyntax>
{
    /// <summary>Creates the fix.</summary>
    public FixSignatureCodeFix()
        : base(AopsDiagnostics.WrongSignature)
    {
    }

    /// <inheritdoc/>
    protected override string? Title(MethodDeclarationSyntax method, Diagnostic diagnostic)
        => method.Identifier.Span == diagnostic.Location.SourceSpan && Op(diagnostic) is OpDescriptor op
            ? "Change the signature to static " + op.ShortSignature(method.Identifier.ValueText)
            : null; // a local function, an accessor, a constructor: no method declaration of its own to rewrite

    /// <summary>The op the diagnostic names (its <see cref="AopsDiagnostics.OpProperty"/>).</summary>
    private static OpDescriptor? Op(Diagnostic diagnostic)
        => diagnostic.Properties.TryGetValue(AopsDiagnostics.OpProperty, out string? name) ? OpCatalog.All.FirstOrDefault(o => o.Name == name) : null;

    /// <summary>
    /// The op's return type as syntax. <c>void</c> is built as the predefined type: <c>ParseTypeName("void")</c> parses it
    /// as a type in a place where void is not allowed and leaves CS1547 in the fixed tree.
    /// </summary>
    private static TypeSyntax ReturnType(OpDescriptor op)
        => op.ReturnType == "void"
            ? SyntaxFactory.PredefinedType(SyntaxFactory.Token(SyntaxKind.VoidKeyword))
            : SyntaxFactory.ParseTypeName(op.ReturnType);

    /// <inheritdoc/>
    protected override async Task<Solution> FixAsync(Document document, MethodDeclarationSyntax method, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        OpDescriptor op = Op(diagnostic)!;
        SemanticModel? model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        IMethodSymbol? symbol = model?.GetDeclaredSymbol(method, cancellationToken);
        bool annotations = model is not null && model.GetNullableContext(method.SpanStart).AnnotationsEnabled();

        var names = new HashSet<string>();
        var parameters = new List<ParameterSyntax>();
        for (int i = 0; i < op.Parameters.Length; i++)
        {
            OpParameter expected = op.Parameters[i];
            string name = expected.Name;
            if (symbol is not null && i < symbol.Parameters.Length
                && expected.Pattern.Matches(symbol.Parameters[i].Type))
            {
                name = symbol.Parameters[i].Name;
            }
            string unique = name;
            for (int n = 2; !names.Add(unique); n++)
            {
                unique = name + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            ParameterSyntax parameter = SyntaxFactory.Parameter(SyntaxFactory.Identifier(unique))
                .WithType(SyntaxFactory.ParseTypeName(annotations ? expected.Type : expected.TypeForMatching)
                    .WithAdditionalAnnotations(Simplifier.Annotation)
                    .WithTrailingTrivia(SyntaxFactory.Space));
            if (expected.RefKind == RefKind.Out)
            {
                parameter = parameter.WithModifiers(SyntaxFactory.TokenList(SyntaxFactory.Token(SyntaxKind.OutKeyword).WithTrailingTrivia(SyntaxFactory.Space)));
            }
            parameters.Add(parameter);
        }

        MethodDeclarationSyntax fixedMethod = method
            .WithReturnType(ReturnType(op).WithTriviaFrom(method.ReturnType))
            .WithTypeParameterList(null)
            .WithConstraintClauses(default)
            .WithParameterList(SyntaxFactory.ParameterList(SyntaxFactory.SeparatedList(
                    parameters,
                    Enumerable.Repeat(SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space), System.Math.Max(0, parameters.Count - 1))))
                .WithTriviaFrom(method.ParameterList));
        if (method.TypeParameterList is not null)
        {
            fixedMethod = fixedMethod.WithIdentifier(fixedMethod.Identifier.WithTrailingTrivia(method.TypeParameterList.GetTrailingTrivia()));
        }

        DocumentEditor editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        DeclarationModifiers modifiers = editor.Generator.GetModifiers(method)
            .WithIsStatic(true).WithIsVirtual(false).WithIsOverride(false).WithIsSealed(false).WithIsAbstract(false);
        editor.ReplaceNode(method, editor.Generator.WithModifiers(fixedMethod, modifiers));
        return editor.GetChangedDocument().Project.Solution;
    }
}

using System.Collections.Immutable;
using AopsGen.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace AopsGen.Analyzers;

/// <summary>AOPS011: a <c>throw</c> (statement, expression or rethrow) in the body of a method that carries an op attribute.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class OpThrowAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(AopsDiagnostics.OpThrows);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (!AnalyzerHelpers.ReferencesAopsGen(start.Compilation))
            {
                return;
            }
            // Syntax actions, not operation actions: a throw is plain in the syntax, and an operation block action would make
            // the compiler bind and build the operations of every method body in the compilation to find the op methods' throws.
            start.RegisterSyntaxNodeAction(static syntaxContext => Analyze(syntaxContext), SyntaxKind.ThrowStatement, SyntaxKind.ThrowExpression);
        });
    }

    /// <summary>A throw anywhere in an op method's body, lambdas and local functions in it included (its operation block).</summary>
    private static void Analyze(SyntaxNodeAnalysisContext context)
    {
        for (SyntaxNode? node = context.Node.Parent; node is not null; node = node.Parent)
        {
            if (node is MemberDeclarationSyntax member)
            {
                if (member is MethodDeclarationSyntax
                    && context.SemanticModel.GetDeclaredSymbol(member, context.CancellationToken) is IMethodSymbol method
                    && IsOpMethod(method))
                {
                    Location location = context.Node switch
                    {
                        ThrowStatementSyntax statement => statement.ThrowKeyword.GetLocation(),
                        ThrowExpressionSyntax expression => expression.ThrowKeyword.GetLocation(),
                        SyntaxNode other => other.GetLocation(),
                    };
                    context.ReportDiagnostic(Diagnostic.Create(AopsDiagnostics.OpThrows, location, method.Name));
                }
                return;
            }
        }
    }

    private static bool IsOpMethod(IMethodSymbol method)
    {
        foreach (AttributeData attribute in method.GetAttributes())
        {
            if (TableValidation.FindOp(attribute.AttributeClass) is not null)
            {
                return true;
            }
        }
        return false;
    }
}

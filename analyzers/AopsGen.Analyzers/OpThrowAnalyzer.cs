using System.Collections.Immutable;
using AopsGen.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

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
            start.RegisterOperationBlockStartAction(static block =>
            {
                if (block.OwningSymbol is IMethodSymbol method && IsOpMethod(method))
                {
                    block.RegisterOperationAction(operationContext => Report(operationContext, method), OperationKind.Throw);
                }
            });
        });
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

    private static void Report(OperationAnalysisContext context, IMethodSymbol method)
    {
        var throwOperation = (IThrowOperation)context.Operation;
        Location location = throwOperation.Syntax switch
        {
            ThrowStatementSyntax statement => statement.ThrowKeyword.GetLocation(),
            ThrowExpressionSyntax expression => expression.ThrowKeyword.GetLocation(),
            SyntaxNode other => other.GetLocation(),
        };
        context.ReportDiagnostic(Diagnostic.Create(AopsDiagnostics.OpThrows, location, method.Name));
    }
}

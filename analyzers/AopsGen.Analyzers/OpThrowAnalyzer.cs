using System.Collections.Generic;
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
            // A symbol action that reads the few op methods' syntax, not a syntax action on every throw: for a syntax node action
            // the analyzer driver visits every node of every declaration in the compilation (docs/performance.md: the driver's
            // share on 1,000 classes fell from 91 to 60 MB without them), and an operation action would make the compiler build
            // the operations of every method body.
            start.RegisterSymbolAction(static symbolContext => Analyze(symbolContext), SymbolKind.Method);
        });
    }

    /// <summary>Each throw in the body of an op method, lambdas and local functions in it included (its operation block).</summary>
    private static void Analyze(SymbolAnalysisContext context)
    {
        var method = (IMethodSymbol)context.Symbol;
        // The driver calls this for both parts of a partial method; the definition part reads both bodies.
        if (method.PartialDefinitionPart is not null || !IsOpMethod(method))
        {
            return;
        }
        foreach (SyntaxNode declaration in AnalyzerHelpers.BodyDeclarations(method, context.CancellationToken))
        {
            if (declaration is MethodDeclarationSyntax methodDeclaration)
            {
                ReportThrows(context, method, methodDeclaration);
            }
        }
    }

    private static void ReportThrows(SymbolAnalysisContext context, IMethodSymbol method, MethodDeclarationSyntax declaration)
    {
        var throwKeywords = new List<SyntaxToken>();
        TokenScan.Find(declaration, SyntaxKind.ThrowKeyword, throwKeywords, context.CancellationToken);
        foreach (SyntaxToken keyword in throwKeywords)
        {
            // A throw statement, a throw expression or a rethrow; a throw keyword the parser skipped in broken code is trivia.
            if (keyword.Parent is ThrowStatementSyntax or ThrowExpressionSyntax)
            {
                context.ReportDiagnostic(Diagnostic.Create(AopsDiagnostics.OpThrows, keyword.GetLocation(), method.Name));
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

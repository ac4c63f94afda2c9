using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using AopsGen.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AopsGen.Analyzers;

/// <summary>
/// Checks each method that carries an op attribute: AOPS002 (not static), AOPS003 (not the op's signature) and AOPS013
/// (a partial method with no body), the parts of <see cref="TableValidation.CheckMethod"/>, and AOPS009 (its type has no
/// [AddressSpaceOperations]).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class OpMethodAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        AopsDiagnostics.NotStatic,
        AopsDiagnostics.WrongSignature,
        AopsDiagnostics.OpOutsideTable,
        AopsDiagnostics.PartialWithoutImplementation);

    /// <inheritdoc/>
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(static start =>
        {
            if (AnalyzerHelpers.ReferencesAopsGen(start.Compilation))
            {
                start.RegisterSymbolAction(
                    static symbolContext => AnalyzeMethod((IMethodSymbol)symbolContext.Symbol, symbolContext.ReportDiagnostic, symbolContext.CancellationToken),
                    SymbolKind.Method);
                Compilation compilation = start.Compilation;
                start.RegisterSyntaxTreeAction(treeContext => AnalyzeLocalFunctions(treeContext, compilation));
            }
        });
    }

    /// <summary>
    /// The middle of the AOPS003 message: what keeps <paramref name="method"/> out of its slot. <see cref="TableValidation.HasSignature"/>
    /// refuses any method that is not an ordinary one, whatever its parameters; that is the reason to give for those.
    /// </summary>
    private static string WhyNoSlot(IMethodSymbol method) => method.MethodKind switch
    {
        MethodKind.Ordinary => "does not have the signature of",
        MethodKind.LocalFunction => "is a local function; the generator binds only methods declared in the table class, so it cannot fill the slot of",
        MethodKind.PropertyGet or MethodKind.PropertySet => "is a property accessor; C# cannot take an accessor's address, so it cannot fill the slot of",
        MethodKind.EventAdd or MethodKind.EventRemove or MethodKind.EventRaise => "is an event accessor; C# cannot take an accessor's address, so it cannot fill the slot of",
        MethodKind.UserDefinedOperator or MethodKind.Conversion => "is an operator; C# cannot take an operator's address, so it cannot fill the slot of",
        MethodKind.Destructor => "is a finalizer; C# cannot take a finalizer's address, so it cannot fill the slot of",
        MethodKind.ExplicitInterfaceImplementation => "is an explicit interface implementation; C# cannot name it to take its address, so it cannot fill the slot of",
        _ => "is not an ordinary method, so it cannot fill the slot of",
    };

    /// <summary>
    /// A local function is no member, so no symbol action sees it; HasSignature rejects it (not an ordinary method). Each file's
    /// text is searched for attribute lists (<see cref="TokenScan"/>), and only a local function that carries one is bound:
    /// in a method, a lambda, a field initializer or top-level statements alike. Not a syntax node action: one of those makes
    /// the analyzer driver walk every node of every declaration in the compilation; nor an operation action, which would make
    /// the compiler build the operations of every method body.
    /// </summary>
    private static void AnalyzeLocalFunctions(SyntaxTreeAnalysisContext context, Compilation compilation)
    {
        var openBrackets = new List<SyntaxToken>();
        TokenScan.Find(context.Tree.GetRoot(context.CancellationToken), SyntaxKind.OpenBracketToken, openBrackets, context.CancellationToken);
        SemanticModel? model = null;
        foreach (SyntaxToken openBracket in openBrackets)
        {
            if (openBracket.Parent is AttributeListSyntax { Parent: LocalFunctionStatementSyntax localFunction } list
                && localFunction.AttributeLists[0] == list
                && compilation.ContainsSyntaxTree(context.Tree))
            {
                // Rare (an attribute on a local function), so a semantic model costs nothing in the common case.
#pragma warning disable RS1030 // Do not invoke Compilation.GetSemanticModel() within a diagnostic analyzer: only for an attributed local function.
                model ??= compilation.GetSemanticModel(context.Tree);
#pragma warning restore RS1030
                if (model.GetDeclaredSymbol(localFunction, context.CancellationToken) is IMethodSymbol symbol)
                {
                    AnalyzeMethod(symbol, context.ReportDiagnostic, context.CancellationToken);
                }
            }
        }
    }

    private static void AnalyzeMethod(IMethodSymbol method, Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        bool notStaticReported = false;
        bool noImplementationReported = false;
        bool? inTable = null;
        foreach (AttributeData attribute in method.GetAttributes())
        {
            OpDescriptor? op = TableValidation.FindOp(attribute.AttributeClass);
            if (op is null)
            {
                continue;
            }

            INamedTypeSymbol? type = method.ContainingType;
            inTable ??= type is not null && AnalyzerHelpers.ClassAttribute(type) is not null;
            if (inTable == false && type is not null)
            {
                report(Diagnostic.Create(
                    AopsDiagnostics.OpOutsideTable,
                    AnalyzerHelpers.AttributeLocation(attribute, cancellationToken) ?? AnalyzerHelpers.NameLocation(method),
                    op.Name,
                    method.Name,
                    type.Name));
            }

            // CheckMethod's verdict holds every problem at once (one signature check per op attribute): AOPS002 and AOPS003 show together.
            MethodProblem problems = TableValidation.CheckMethod(method, op);
            if (problems == MethodProblem.None || (problems == MethodProblem.NoImplementation && noImplementationReported))
            {
                continue;
            }
            ImmutableDictionary<string, string?> properties = ImmutableDictionary<string, string?>.Empty.Add(AopsDiagnostics.OpProperty, op.Name);
            Location location = AnalyzerHelpers.NameLocation(method);
            if ((problems & MethodProblem.NotStatic) != 0 && !notStaticReported)
            {
                report(Diagnostic.Create(AopsDiagnostics.NotStatic, location, properties, method.Name));
                notStaticReported = true;
            }
            if ((problems & MethodProblem.WrongSignature) != 0)
            {
                report(Diagnostic.Create(
                    AopsDiagnostics.WrongSignature,
                    location,
                    properties,
                    method.Name,
                    WhyNoSlot(method),
                    op.Name,
                    op.KernelName,
                    op.DisplaySignature));
            }
            else if (problems == MethodProblem.NoImplementation)
            {
                report(Diagnostic.Create(AopsDiagnostics.PartialWithoutImplementation, location, method.Name));
                noImplementationReported = true;
            }
        }
    }
}

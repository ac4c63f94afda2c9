using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using AopsGen.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace AopsGen.Analyzers;

/// <summary>
/// AOPS008: managed allocations in a method on the swap path. The swap path is every method marked [NoAlloc], and the
/// methods in the write, dirty and read slots (<see cref="OpCatalog.IsOnSwapPath"/>) of a table that gets a swap_activate,
/// as the generator emits the table (a skipped [SwapActivate] makes no table swap-capable). What
/// counts as an allocation: <c>new</c> of a reference type (also anonymous types and <c>with</c> on a record class), an
/// array (also a collection expression that builds one), boxing, a lambda that captures, a delegate for an instance
/// method, string concatenation and interpolation, a <c>params</c> array, a call to System.Linq.Enumerable. Allocations
/// under a <c>throw</c> are left out: they happen only on the failure path, which AOPS011 reports; so are the
/// method's attributes, which are metadata.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SwapPathAllocationAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(AopsDiagnostics.SwapPathAllocation);

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
            var tables = new ConcurrentDictionary<INamedTypeSymbol, Dictionary<OpKind, OpMethod>>(SymbolEqualityComparer.Default);
            start.RegisterSymbolAction(symbolContext => AnalyzeMethod(symbolContext, tables), SymbolKind.Method);
        });
    }

    /// <summary>
    /// A plain symbol action that asks for the operations of the swap path's bodies only. Not operation actions registered in a
    /// symbol-start action per method, as before: on the benchmark's 1,000 classes the analyzer driver's per-symbol scopes and
    /// operation-action bookkeeping for 9,000 methods cost 40 MB more than asking for the 2,000 swap-path bodies directly
    /// (docs/performance.md); nor an operation block action, which would build the operations of every method body.
    /// </summary>
    private static void AnalyzeMethod(SymbolAnalysisContext context, ConcurrentDictionary<INamedTypeSymbol, Dictionary<OpKind, OpMethod>> tables)
    {
        var method = (IMethodSymbol)context.Symbol;
        // The driver calls this for both parts of a partial method; the definition part reads both bodies.
        if (method.PartialDefinitionPart is not null || SwapPathReason(method, tables) is not string reason)
        {
            return;
        }
        foreach (SyntaxNode declaration in AnalyzerHelpers.BodyDeclarations(method, context.CancellationToken))
        {
            if (!context.Compilation.ContainsSyntaxTree(declaration.SyntaxTree))
            {
                continue;
            }
            // The analyzer driver's compilation shares its semantic models (its SemanticModelProvider): this is the model the
            // driver would have built the operations in.
#pragma warning disable RS1030 // Do not invoke Compilation.GetSemanticModel() within a diagnostic analyzer: only for the swap path's bodies.
            SemanticModel model = context.Compilation.GetSemanticModel(declaration.SyntaxTree);
#pragma warning restore RS1030
            if (model.GetOperation(declaration, context.CancellationToken) is IOperation body)
            {
                foreach (IOperation operation in body.DescendantsAndSelf())
                {
                    Analyze(context, operation, method, reason);
                }
            }
        }
    }

    /// <summary>
    /// Why <paramref name="method"/> is on the swap path (<c>[NoAlloc]</c>, <c>[DirectIO] of swap-capable 'NfsFile'</c>), or null.
    /// An op method is there when its table, as the generator emits it (<see cref="TableValidation.BoundOps"/>, cached per type
    /// in <paramref name="tables"/>), has a swap_activate and puts the method in a swap-path slot.
    /// </summary>
    private static string? SwapPathReason(IMethodSymbol method, ConcurrentDictionary<INamedTypeSymbol, Dictionary<OpKind, OpMethod>> tables)
    {
        ImmutableArray<AttributeData> attributes = method.GetAttributes();
        foreach (AttributeData attribute in attributes)
        {
            if (TableValidation.IsNoAllocAttribute(attribute.AttributeClass))
            {
                return "[NoAlloc]";
            }
        }
        foreach (AttributeData attribute in attributes)
        {
            OpDescriptor? op = TableValidation.FindOp(attribute.AttributeClass);
            if (op is null || !OpCatalog.IsOnSwapPath(op.Kind) || method.ContainingType is not INamedTypeSymbol type)
            {
                continue;
            }
            Dictionary<OpKind, OpMethod> bound = tables.GetOrAdd(type, static t => TableValidation.BoundOps(t));
            if (bound.ContainsKey(OpKind.SwapActivate)
                && bound.TryGetValue(op.Kind, out OpMethod slot) && SymbolEqualityComparer.Default.Equals(slot.Method, method))
            {
                return "[" + op.Name + "] of swap-capable '" + type.Name + "'";
            }
        }
        return null;
    }

    private static void Analyze(SymbolAnalysisContext context, IOperation operation, IMethodSymbol method, string reason)
    {
        // Describe first: most operations allocate nothing, and IsExempt walks up to the method's root.
        (string? what, Location? location) = Describe(operation);
        if (what is not null && !IsExempt(operation))
        {
            context.ReportDiagnostic(Diagnostic.Create(AopsDiagnostics.SwapPathAllocation, location ?? operation.Syntax.GetLocation(), method.Name, reason, what));
        }
    }

    private static (string? What, Location? Location) Describe(IOperation operation)
    {
        switch (operation)
        {
            case IObjectCreationOperation creation when creation.Type is { IsReferenceType: true } type:
                return ("new of class '" + Display(type) + "'", TypeLocation(creation.Syntax));

            case IAnonymousObjectCreationOperation:
                return ("new of an anonymous type", null);

            case IWithOperation with when with.Type is { IsReferenceType: true } type:
                return ("'with' copies record class '" + Display(type) + "'", null);

            case IArrayCreationOperation array when !IsParamsArray(array) && !IsConstantSpanData(array):
                return ("new array '" + Display(array.Type) + "'", TypeLocation(array.Syntax));

            case ICollectionExpressionOperation collection when collection.Type is { IsReferenceType: true } type
                && !(type is IArrayTypeSymbol && collection.Elements.IsEmpty):
                return ("collection expression builds '" + Display(type) + "'", null);

            case IConversionOperation conversion when IsBoxing(conversion):
                return ("boxing of '" + Display(conversion.Operand.Type) + "' to '" + Display(conversion.Type) + "'", conversion.Operand.Syntax.GetLocation());

            case IAnonymousFunctionOperation lambda when CapturedName(lambda) is string captured:
                return ("a lambda that captures '" + captured + "' (a closure and a delegate per call)", LambdaLocation(lambda.Syntax));

            case IDelegateCreationOperation { Target: IMethodReferenceOperation { Method.IsStatic: false } reference }:
                return ("a delegate for instance method '" + reference.Method.Name + "'", null);

            case IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } binary
                when IsString(binary.Type) && !binary.ConstantValue.HasValue && !IsStringConcat(binary.Parent):
                return ("string concatenation", binary.Syntax is BinaryExpressionSyntax binarySyntax ? binarySyntax.OperatorToken.GetLocation() : null);

            case ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add } compound when IsString(compound.Target.Type):
                return ("string concatenation", compound.Syntax is AssignmentExpressionSyntax assignmentSyntax ? assignmentSyntax.OperatorToken.GetLocation() : null);

            case IInterpolatedStringOperation interpolated
                when !interpolated.ConstantValue.HasValue && interpolated.Parent is not IInterpolatedStringHandlerCreationOperation:
                return ("string interpolation", interpolated.Syntax is InterpolatedStringExpressionSyntax interpolatedSyntax ? interpolatedSyntax.StringStartToken.GetLocation() : null);

            case IArgumentOperation { ArgumentKind: ArgumentKind.ParamArray, Value: IArrayCreationOperation array } argument
                when !IsEmpty(array) && argument.Parameter is not null:
                return ("params array for '" + argument.Parameter.ContainingSymbol.Name + "'", CallNameLocation(argument.Parent?.Syntax));

            case IInvocationOperation invocation when IsEnumerable(invocation.TargetMethod.ContainingType):
                return ("LINQ call '" + invocation.TargetMethod.Name + "' (enumerators, delegates and results on the heap)", CallNameLocation(invocation.Syntax));

            default:
                return (null, null);
        }
    }

    /// <summary>
    /// Under a <c>throw</c> (the failure path, AOPS011's business) or in an attribute of the method (metadata, built
    /// when reflection asks for it, not when the method runs).
    /// </summary>
    private static bool IsExempt(IOperation operation)
    {
        for (IOperation? current = operation; current is not null; current = current.Parent)
        {
            if (current.Kind is OperationKind.Throw or OperationKind.Attribute)
            {
                return true;
            }
        }
        return false;
    }

    private static bool IsBoxing(IConversionOperation conversion)
        => conversion.Language == LanguageNames.CSharp && conversion.GetConversion().IsBoxing;

    private static bool IsParamsArray(IArrayCreationOperation array)
        => array.Parent is IArgumentOperation { ArgumentKind: ArgumentKind.ParamArray };

    private static bool IsEmpty(IArrayCreationOperation array)
        => array.Initializer is { ElementValues.IsEmpty: true }
           || (array.DimensionSizes.Length == 1 && array.DimensionSizes[0].ConstantValue is { HasValue: true, Value: 0 });

    /// <summary><c>ReadOnlySpan&lt;byte&gt; x = new byte[] { 1, 2 }</c>: the compiler points the span at data in the assembly, no allocation.</summary>
    private static bool IsConstantSpanData(IArrayCreationOperation array)
    {
        if (array.Parent is not IConversionOperation { Type: INamedTypeSymbol { Name: "ReadOnlySpan", Arity: 1 } span }
            || span.ContainingNamespace?.ToDisplayString() != "System"
            || array.Initializer is null
            || array.Type is not IArrayTypeSymbol { Rank: 1, ElementType: ITypeSymbol element })
        {
            return false;
        }
        bool primitive = element.TypeKind == TypeKind.Enum || element.SpecialType is SpecialType.System_Boolean or SpecialType.System_Byte
            or SpecialType.System_SByte or SpecialType.System_Char or SpecialType.System_Int16 or SpecialType.System_UInt16
            or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64
            or SpecialType.System_Single or SpecialType.System_Double;
        return primitive && array.Initializer.ElementValues.All(v => v.ConstantValue.HasValue);
    }

    /// <summary>A variable the lambda uses but does not declare (a local or parameter of an enclosing method, or <c>this</c>), or null.</summary>
    private static string? CapturedName(IAnonymousFunctionOperation lambda)
    {
        if (lambda.Symbol.IsStatic)
        {
            return null;
        }
        foreach (IOperation descendant in lambda.Body.Descendants())
        {
            switch (descendant)
            {
                case ILocalReferenceOperation local when !IsDeclaredWithin(local.Local.ContainingSymbol, lambda.Symbol):
                    return local.Local.Name;
                case IParameterReferenceOperation parameter when !IsDeclaredWithin(parameter.Parameter.ContainingSymbol, lambda.Symbol):
                    return parameter.Parameter.Name;
                case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }:
                    return "this";
            }
        }
        return null;
    }

    private static bool IsDeclaredWithin(ISymbol? symbol, IMethodSymbol lambda)
    {
        for (ISymbol? current = symbol; current is not null; current = current.ContainingSymbol)
        {
            if (SymbolEqualityComparer.Default.Equals(current, lambda))
            {
                return true;
            }
            if (current is not IMethodSymbol { MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
            {
                return false;
            }
        }
        return false;
    }

    private static bool IsString(ITypeSymbol? type) => type?.SpecialType == SpecialType.System_String;

    private static bool IsStringConcat(IOperation? operation)
        => operation is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add } parent && IsString(parent.Type);

    private static bool IsEnumerable(INamedTypeSymbol? type)
        => type is { Name: "Enumerable", ContainingType: null }
           && type.ContainingNamespace is { Name: "Linq", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };

    private static string Display(ITypeSymbol? type) => type?.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat) ?? "?";

    private static Location? TypeLocation(SyntaxNode syntax) => syntax switch
    {
        ObjectCreationExpressionSyntax creation => creation.NewKeyword.GetLocation(),
        ImplicitObjectCreationExpressionSyntax creation => creation.NewKeyword.GetLocation(),
        ArrayCreationExpressionSyntax creation => creation.NewKeyword.GetLocation(),
        ImplicitArrayCreationExpressionSyntax creation => creation.NewKeyword.GetLocation(),
        _ => null,
    };

    private static Location? LambdaLocation(SyntaxNode syntax) => syntax switch
    {
        LambdaExpressionSyntax lambda => lambda.ArrowToken.GetLocation(),
        AnonymousMethodExpressionSyntax anonymous => anonymous.DelegateKeyword.GetLocation(),
        _ => null,
    };

    /// <summary>The name of the called method (<c>Format</c> of <c>string.Format(...)</c>), or the type of a <c>new</c>.</summary>
    private static Location? CallNameLocation(SyntaxNode? syntax) => syntax switch
    {
        InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } => access.Name.GetLocation(),
        InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax binding } => binding.Name.GetLocation(),
        InvocationExpressionSyntax invocation => invocation.Expression.GetLocation(),
        BaseObjectCreationExpressionSyntax creation => creation.NewKeyword.GetLocation(),
        null => null,
        _ => syntax.GetLocation(),
    };
}

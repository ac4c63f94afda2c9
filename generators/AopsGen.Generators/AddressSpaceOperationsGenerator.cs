using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AopsGen.Generators;

/// <summary>
/// The incremental generator: <c>ForAttributeWithMetadataName</c> on [AddressSpaceOperations] →
/// <see cref="TableParser"/> (symbols to a value-equatable <see cref="TableModel"/>) →
/// <see cref="TableEmitter"/> (text). It reports nothing: the analyzers do, with the same checks.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class AddressSpaceOperationsGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, for incremental tests.</summary>
    public static class TrackingNames
    {
        /// <summary>The model of each [AddressSpaceOperations] class (null when it is invalid).</summary>
        public const string Parse = "AopsGen.Parse";

        /// <summary>The models that are emitted.</summary>
        public const string Tables = "AopsGen.Tables";
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<TableModel> tables = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                OpCatalog.ClassAttributeMetadataName,
                predicate: static (node, _) => node is TypeDeclarationSyntax,
                transform: static (attributeContext, cancellationToken) => TableParser.Parse(attributeContext, cancellationToken))
            .WithTrackingName(TrackingNames.Parse)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.Tables);

        context.RegisterSourceOutput(tables, static (output, model) => output.AddSource(model.HintName, TableEmitter.Emit(model)));
    }
}

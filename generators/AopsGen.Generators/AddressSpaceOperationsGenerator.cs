using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace AopsGen.Generators;

/// <summary>
/// The incremental generator, built so that its cost follows the edit:
/// <list type="number">
/// <item><c>ForAttributeWithMetadataName</c> on [AddressSpaceOperations] gives each class as a <see cref="TableCandidate"/>
/// (its declarations' syntax, its table name): Roslyn's own per-class work, nothing bound beyond the class attribute;</item>
/// <item>each file's <see cref="FileDeclarations"/>, read again only for a changed tree, and with the references and options
/// a <see cref="DeclarationFingerprint"/>: what, outside a table's own files, can change what its names bind to;</item>
/// <item><see cref="TableParser"/> checks a class into a value-equatable <see cref="TableModel"/> only when its candidate or
/// the fingerprint changed: an edit in a method body elsewhere recomputes no table, an edit in one table recomputes that one.
/// It reads the op slots from the syntax (<see cref="SyntaxTableReader"/>: each attribute name and type as written is bound
/// once per scope and fingerprint, not once per method) and binds the class only where the syntax cannot tell;</item>
/// <item><see cref="TableEmitter"/> writes the text of each model that changed.</item>
/// </list>
/// It reports nothing: the analyzers do, with the same checks.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class AddressSpaceOperationsGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps, for incremental tests.</summary>
    public static class TrackingNames
    {
        /// <summary>Each [AddressSpaceOperations] class's declarations and table name (re-read on every run, as cheap as Roslyn's lookup).</summary>
        public const string Candidates = "AopsGen.Candidates";

        /// <summary>The type and namespace declarations and global usings of each file (re-read for changed trees only).</summary>
        public const string FileDeclarations = "AopsGen.FileDeclarations";

        /// <summary>The declarations of every file with the references and options: one value per compilation.</summary>
        public const string Fingerprint = "AopsGen.Fingerprint";

        /// <summary>The model of each [AddressSpaceOperations] class (null when it is invalid).</summary>
        public const string Parse = "AopsGen.Parse";

        /// <summary>The models that are emitted.</summary>
        public const string Tables = "AopsGen.Tables";
    }

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<TableCandidate> candidates = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                OpCatalog.ClassAttributeMetadataName,
                predicate: static (node, _) => node is TypeDeclarationSyntax,
                transform: static (attributeContext, cancellationToken) => TableCandidate.From(attributeContext, cancellationToken))
            .WithTrackingName(TrackingNames.Candidates);

        // One item per tree, compared by reference: only a changed tree's declarations are read again.
        IncrementalValuesProvider<FileDeclarations> files = context.CompilationProvider
            .SelectMany(static (compilation, _) => compilation.SyntaxTrees)
            .Select(static (tree, cancellationToken) => FileDeclarations.From(tree, cancellationToken))
            .WithTrackingName(TrackingNames.FileDeclarations);

        IncrementalValueProvider<DeclarationFingerprint> fingerprint = files.Collect()
            .Combine(context.CompilationProvider)
            .Select(static (pair, _) => new DeclarationFingerprint(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.Fingerprint);

        IncrementalValuesProvider<TableModel> tables = candidates
            .Combine(fingerprint)
            .Select(static (pair, cancellationToken) => TableParser.Parse(pair.Left, pair.Right, cancellationToken))
            .WithTrackingName(TrackingNames.Parse)
            .Where(static model => model is not null)
            .Select(static (model, _) => model!)
            .WithTrackingName(TrackingNames.Tables);

        context.RegisterSourceOutput(tables, static (output, model) => output.AddSource(model.HintName, TableEmitter.Emit(model)));
    }
}

using Microsoft.CodeAnalysis;

namespace AopsGen.Generators;

/// <summary>
/// The incremental generator, built so that its cost follows the edit:
/// <list type="number">
/// <item>each file's <see cref="FileTables"/> (its type declarations, those with attributes, its aliases), read again only for
/// a changed tree, give each class whose attribute may be [AddressSpaceOperations] as a <see cref="TableCandidate"/> (the
/// syntax of its declarations): nothing bound, so an edit does not cost a transform per class, as
/// <c>ForAttributeWithMetadataName</c>'s semantic transform would;</item>
/// <item>each file's <see cref="FileDeclarations"/>, read again only for a changed tree, and with the references and options
/// a <see cref="DeclarationFingerprint"/>: what, outside a table's own files, can change what its names bind to;</item>
/// <item><see cref="TableParser"/> binds a class (is the attribute AopsGen's, once, on this declaration; the table's name)
/// and checks it into a value-equatable <see cref="TableModel"/> only when its candidate or the fingerprint changed: an
/// edit in a method body elsewhere recomputes no table, an edit in one table recomputes that one.
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
        /// <summary>Each file's type declarations, attributed types and aliases (re-read for changed trees only).</summary>
        public const string FileTables = "AopsGen.FileTables";

        /// <summary>Each class that may be a table, with the declarations of its parts (found again on every run, by look-ups only).</summary>
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
        // One item per tree, compared by reference: only a changed tree is read again.
        IncrementalValuesProvider<SyntaxTree> trees = context.CompilationProvider.SelectMany(static (compilation, _) => compilation.SyntaxTrees);

        IncrementalValuesProvider<FileDeclarations> files = trees
            .Select(static (tree, cancellationToken) => FileDeclarations.From(tree, cancellationToken))
            .WithTrackingName(TrackingNames.FileDeclarations);

        // Each class whose attribute may be [AddressSpaceOperations], found from the files' syntax: nothing is bound, so an edit
        // costs the changed tree's read and a look-up per class, not a transform per class as ForAttributeWithMetadataName's.
        IncrementalValuesProvider<FileTables> fileTables = trees
            .Select(static (tree, cancellationToken) => FileTables.From(tree, cancellationToken))
            .WithTrackingName(TrackingNames.FileTables);
        IncrementalValueProvider<TableIndex> index = fileTables.Collect()
            .Combine(context.CompilationProvider)
            .Select(static (pair, _) => new TableIndex(pair.Left, pair.Right));
        // Per file, so that a table added or removed in one file leaves the other files' candidates in place.
        IncrementalValuesProvider<TableCandidate> candidates = fileTables
            .Combine(index)
            .SelectMany(static (pair, cancellationToken) => TableCandidate.Find(pair.Left, pair.Right, cancellationToken))
            .WithTrackingName(TrackingNames.Candidates);

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

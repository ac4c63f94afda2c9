using Microsoft.CodeAnalysis;

namespace AopsGen.Benchmarks.Compiler;

/// <summary>
/// The floor under the AopsGen generator: the same <c>ForAttributeWithMetadataName</c> on [AddressSpaceOperations], whose
/// transform only takes the class's name, and one empty-bodied output. What it costs is Roslyn's own work per attributed
/// class (finding the attribute, binding the class's attributes in the new compilation), which the transform re-runs for
/// every class on every compilation change. It is the bar the issue set; the AopsGen generator, which finds its tables
/// from the changed files' syntax, can go under it after an edit.
/// </summary>
public sealed class FloorGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<string> names = context.SyntaxProvider.ForAttributeWithMetadataName(
            "AopsGen.AddressSpaceOperationsAttribute",
            predicate: static (node, _) => true,
            transform: static (attributeContext, _) => attributeContext.TargetSymbol.Name);
        context.RegisterSourceOutput(names, static (_, _) => { });
    }
}

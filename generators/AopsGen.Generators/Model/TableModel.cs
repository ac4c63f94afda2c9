namespace AopsGen.Generators;

/// <summary>
/// Everything the emitter needs for one [AddressSpaceOperations] class, as plain values: no symbols,
/// syntax nodes, locations or compilations, so an unchanged table compares equal across edits and the
/// pipeline stops there (Cached/Unchanged) instead of re-emitting.
/// </summary>
/// <param name="HintName">Unique file name: the fully qualified metadata name plus <c>.Aops.g.cs</c>.</param>
/// <param name="Namespace">The containing namespace, empty for the global namespace.</param>
/// <param name="Declarations">The class and the types containing it, outermost first.</param>
/// <param name="FullyQualifiedName">The class as code names it: <c>global::Ns.Outer.Fs</c>.</param>
/// <param name="TableName">The table's name: the attribute's argument, or the class name.</param>
/// <param name="Ops">The op bindings, in table order.</param>
internal sealed record TableModel(
    string HintName,
    string Namespace,
    EquatableArray<TypeDeclarationModel> Declarations,
    string FullyQualifiedName,
    string TableName,
    EquatableArray<OpBindingModel> Ops);

/// <summary>One <c>partial</c> declaration to reopen: its keyword (<c>class</c>, <c>record struct</c>, ...) and name.</summary>
internal readonly record struct TypeDeclarationModel(string Keyword, string Name);

/// <summary>An op slot and the method whose address goes in it.</summary>
internal readonly record struct OpBindingModel(OpKind Op, string MethodName);

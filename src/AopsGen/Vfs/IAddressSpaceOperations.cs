namespace AopsGen;

/// <summary>
/// The compile-time form of a table, the analog of the kernel's <c>static_call</c>: the generator emits a
/// zero-size struct <c>StaticOps</c> in every <see cref="AddressSpaceOperationsAttribute"/> class that
/// implements this interface with direct calls to the class's op methods. A loop written as
/// <c>Run&lt;TOps&gt;() where TOps : struct, IAddressSpaceOperations&lt;TOps&gt;</c> is compiled once per filesystem, with
/// calls the JIT can inline. Ops the class leaves out keep these default bodies, which go through
/// <see cref="AopsCalls"/> and so get the kernel's NULL default, exactly as a table call would (they are generated from
/// the op catalog by AopsGen.OpSurface).
/// </summary>
/// <typeparam name="TSelf">The implementing struct itself (the generated <c>StaticOps</c>).</typeparam>
public partial interface IAddressSpaceOperations<TSelf>
    where TSelf : IAddressSpaceOperations<TSelf>
{
    /// <summary>The run-time table of the same class (<c>Type.Operations</c>).</summary>
    static abstract AddressSpaceOperations Operations { get; }
}

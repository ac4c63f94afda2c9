namespace AopsGen;

/// <summary>
/// Marks a <c>partial</c> class as a filesystem's <c>struct address_space_operations</c>. The generator adds
/// <c>public static AddressSpaceOperations Operations { get; }</c>, a table holding the address of every
/// static method that carries an op attribute (<see cref="ReadPageAttribute"/>, <see cref="DirectIOAttribute"/>,
/// ...), and a nested <c>StaticOps</c> struct for compile-time dispatch.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class AddressSpaceOperationsAttribute : Attribute
{
    /// <summary>A table named after the class.</summary>
    public AddressSpaceOperationsAttribute()
    {
    }

    /// <summary>A table with the given name, as the kernel names its tables (<c>nfs_file_aops</c>).</summary>
    public AddressSpaceOperationsAttribute(string name)
    {
        Name = name;
    }

    /// <summary>The table's name, shown by <see cref="AddressSpaceOperations.ToString"/>; null for the class name.</summary>
    public string? Name { get; }
}

using System.Collections.Generic;
using System.Text;

namespace AopsGen;

/// <summary>
/// include/linux/fs.h: <c>struct address_space_operations</c>, one filesystem's table of ops as C# function
/// pointers. The generator builds one per <see cref="AddressSpaceOperationsAttribute"/> class
/// (<c>Type.Operations</c>); the runtime calls a filesystem only through it:
/// <c>mapping.Aops.ReadPage(file, page)</c> is a field load and an indirect call, like
/// <c>mapping-&gt;a_ops-&gt;readpage(file, page)</c>. A slot is null where the filesystem left the op out;
/// <see cref="AopsCalls"/> applies the kernel's NULL default there. Immutable. The per-op fields, the constructor and
/// <see cref="Has"/> are generated from the op catalog (AopsGen.OpSurface).
/// </summary>
public sealed unsafe partial class AddressSpaceOperations
{
    /// <summary>The table's name, as the filesystem declared it (<c>[AddressSpaceOperations("nfs_file_aops")]</c>).</summary>
    public string Name { get; }

    /// <summary>The ops the table has, in table order.</summary>
    public IReadOnlyList<AddressSpaceOp> SetOps
    {
        get
        {
            var set = new List<AddressSpaceOp>(AddressSpaceOpInfo.Count);
            for (var op = (AddressSpaceOp)0; (int)op < AddressSpaceOpInfo.Count; op++)
            {
                if (Has(op))
                {
                    set.Add(op);
                }
            }
            return set;
        }
    }

    /// <summary>The table as the kernel would initialize it: <c>nfs_file_aops { .readpage, .direct_IO, ... }</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Name).Append(" {");
        string separator = " ";
        foreach (AddressSpaceOp op in SetOps)
        {
            text.Append(separator).Append('.').Append(op.KernelName());
            separator = ", ";
        }
        return text.Append(" }").ToString();
    }

    /// <summary>One line per op: set, or the NULL default that applies, as <c>aops ops</c> prints it.</summary>
    public string Describe()
    {
        var text = new StringBuilder(Name).Append('\n');
        for (var op = (AddressSpaceOp)0; (int)op < AddressSpaceOpInfo.Count; op++)
        {
            text.Append("  ").Append(op.KernelName().PadRight(22))
                .Append(Has(op) ? "set" : "default: " + op.NullDefault()).Append('\n');
        }
        return text.ToString();
    }
}

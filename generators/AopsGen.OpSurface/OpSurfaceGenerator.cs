using System.Linq;
using System.Text;
using AopsGen.Generators;
using Microsoft.CodeAnalysis;

namespace AopsGen.OpSurface;

/// <summary>
/// Writes the runtime's per-op code from <see cref="OpCatalog"/> into the AopsGen assembly as it compiles: the
/// <c>AddressSpaceOp</c> enum and <c>AddressSpaceOpInfo</c>, one attribute per op, the table's fields, constructor and
/// <c>Has</c>, the <c>AopsCalls</c> wrappers, and the defaults of <c>IAddressSpaceOperations&lt;TSelf&gt;</c>. What needs
/// judgement (the NULL defaults' bodies in <c>AopsCalls.Null&lt;Op&gt;</c>, <c>Describe</c>) stays hand-written beside it.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class OpSurfaceGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
        => context.RegisterPostInitializationOutput(static output =>
        {
            output.AddSource("AddressSpaceOp.g.cs", AddressSpaceOp());
            output.AddSource("OpAttributes.g.cs", OpAttributes());
            output.AddSource("AddressSpaceOperations.g.cs", AddressSpaceOperations());
            output.AddSource("AopsCalls.g.cs", AopsCalls());
            output.AddSource("IAddressSpaceOperations.g.cs", IAddressSpaceOperations());
        });

    private static string AddressSpaceOp()
    {
        StringBuilder text = Header();
        text.Append("/// <summary>The ").Append(OpCatalog.All.Length).Append(" ops of an <see cref=\"AddressSpaceOperations\"/> table, in the order of <c>struct address_space_operations</c>.</summary>\n");
        text.Append("public enum AddressSpaceOp\n{\n");
        foreach (OpDescriptor op in OpCatalog.All)
        {
            text.Append("    /// <summary><c>").Append(op.KernelName).Append("</c>: ").Append(op.Contract).Append("</summary>\n");
            text.Append("    ").Append(op.Name).Append(" = ").Append((int)op.Kind).Append(",\n");
        }
        text.Append("}\n\n");
        text.Append("/// <summary>What the kernel calls each op and what happens when a table leaves it out (its NULL default, applied by <see cref=\"AopsCalls\"/>).</summary>\n");
        text.Append("public static class AddressSpaceOpInfo\n{\n");
        text.Append("    /// <summary>Number of ops in a table.</summary>\n");
        text.Append("    public const int Count = ").Append(OpCatalog.All.Length).Append(";\n\n");
        text.Append("    /// <summary>The op's name in <c>struct address_space_operations</c> (<c>direct_IO</c>, <c>swap_activate</c>).</summary>\n");
        AppendSwitch(text, "public static string KernelName(this AddressSpaceOp op)", op => Literal(op.KernelName));
        text.Append('\n');
        text.Append("    /// <summary>What happens when a table leaves the op out, with the kernel source of that behaviour.</summary>\n");
        AppendSwitch(text, "public static string NullDefault(this AddressSpaceOp op)", op => Literal(op.NullDefault));
        text.Append("}\n");
        return text.ToString();
    }

    private static string OpAttributes()
    {
        StringBuilder text = Header();
        foreach (OpDescriptor op in OpCatalog.All)
        {
            text.Append("/// <summary>\n");
            text.Append("/// <c>").Append(op.KernelName).Append("</c>: ").Append(op.Contract).Append('\n');
            text.Append("/// <code>").Append(Xml(op.DisplaySignature)).Append("</code>\n");
            text.Append("/// When no method has it: ").Append(Xml(op.NullDefault)).Append(".\n");
            text.Append("/// </summary>\n");
            text.Append("[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]\n");
            text.Append("public sealed class ").Append(op.Name).Append("Attribute : Attribute\n{\n}\n\n");
        }
        return text.ToString();
    }

    private static string AddressSpaceOperations()
    {
        StringBuilder text = Header();
        text.Append("public sealed unsafe partial class AddressSpaceOperations\n{\n");
        foreach (OpDescriptor op in OpCatalog.All)
        {
            text.Append("    /// <summary><c>").Append(op.KernelName).Append("</c>: <c>").Append(Xml(op.ShortSignature(op.Name))).Append("</c>, or null.</summary>\n");
            text.Append("    public readonly ").Append(FunctionPointer(op)).Append(' ').Append(op.Name).Append(";\n\n");
        }

        text.Append("    /// <summary>Builds a table. Pass the ops the filesystem has by name; the others stay null.</summary>\n");
        text.Append("    /// <param name=\"name\">How the table is shown (<c>nfs_file_aops</c>); defaults to \"aops\".</param>\n");
        foreach (OpDescriptor op in OpCatalog.All)
        {
            text.Append("    /// <param name=\"").Append(op.ConstructorParameter).Append("\">The <c>").Append(op.KernelName).Append("</c> op, or null.</param>\n");
        }
        text.Append("    public AddressSpaceOperations(\n        string? name = null");
        foreach (OpDescriptor op in OpCatalog.All)
        {
            text.Append(",\n        ").Append(FunctionPointer(op)).Append(' ').Append(op.ConstructorParameter).Append(" = null");
        }
        text.Append(")\n    {\n");
        text.Append("        Name = string.IsNullOrEmpty(name) ? \"aops\" : name;\n");
        foreach (OpDescriptor op in OpCatalog.All)
        {
            text.Append("        ").Append(op.Name).Append(" = ").Append(op.ConstructorParameter).Append(";\n");
        }
        text.Append("    }\n\n");

        text.Append("    /// <summary>Whether the table has <paramref name=\"op\"/> (its slot is not null).</summary>\n");
        AppendSwitch(text, "public bool Has(AddressSpaceOp op)", op => op.Name + " != null");
        text.Append("}\n");
        return text.ToString();
    }

    private static string AopsCalls()
    {
        StringBuilder text = Header();
        text.Append("public static unsafe partial class AopsCalls\n{\n");
        foreach (OpDescriptor op in OpCatalog.All)
        {
            string arguments = Arguments(op);
            text.Append("    /// <summary>Calls <c>").Append(op.KernelName).Append("</c> of <paramref name=\"aops\"/>, or its NULL default (<see cref=\"Null").Append(op.Name).Append("\"/>).</summary>\n");
            text.Append("    public static ").Append(op.ReturnType).Append(' ').Append(op.Name).Append("(AddressSpaceOperations aops, ").Append(Parameters(op)).Append(")\n    {\n");
            text.Append("        ArgumentNullException.ThrowIfNull(aops);\n");
            if (op.ReturnType == "void")
            {
                text.Append("        if (aops.").Append(op.Name).Append(" != null)\n        {\n");
                text.Append("            aops.").Append(op.Name).Append('(').Append(arguments).Append(");\n        }\n        else\n        {\n");
                text.Append("            Null").Append(op.Name).Append("(aops, ").Append(arguments).Append(");\n        }\n");
            }
            else
            {
                text.Append("        return aops.").Append(op.Name).Append(" != null ? aops.").Append(op.Name).Append('(').Append(arguments)
                    .Append(") : Null").Append(op.Name).Append("(aops, ").Append(arguments).Append(");\n");
            }
            text.Append("    }\n\n");
        }
        text.Length--;
        text.Append("}\n");
        return text.ToString();
    }

    private static string IAddressSpaceOperations()
    {
        StringBuilder text = Header();
        text.Append("public partial interface IAddressSpaceOperations<TSelf>\n{\n");
        foreach (OpDescriptor op in OpCatalog.All)
        {
            text.Append("    /// <summary><c>").Append(op.KernelName).Append("</c>; without the op, the NULL default: ").Append(Xml(op.NullDefault)).Append(".</summary>\n");
            text.Append("    static virtual ").Append(op.ReturnType).Append(' ').Append(op.Name).Append('(').Append(Parameters(op)).Append(") => AopsCalls.Null")
                .Append(op.Name).Append("(TSelf.Operations, ").Append(Arguments(op)).Append(");\n\n");
        }
        text.Length--;
        text.Append("}\n");
        return text.ToString();
    }

    private static StringBuilder Header()
        => new StringBuilder("// <auto-generated/>\n// Generated by AopsGen.OpSurface from the op catalog (generators/AopsGen.Generators/Shared/OpCatalog.cs).\n")
            .Append("#nullable enable\n\nnamespace AopsGen;\n\n");

    /// <summary><c>signature =&gt; op switch { AddressSpaceOp.X =&gt; arm(X), ..., _ =&gt; throw }</c>, indented as a member.</summary>
    private static void AppendSwitch(StringBuilder text, string signature, System.Func<OpDescriptor, string> arm)
    {
        text.Append("    ").Append(signature).Append(" => op switch\n    {\n");
        foreach (OpDescriptor op in OpCatalog.All)
        {
            text.Append("        AddressSpaceOp.").Append(op.Name).Append(" => ").Append(arm(op)).Append(",\n");
        }
        text.Append("        _ => throw new ArgumentOutOfRangeException(nameof(op), op, null),\n    };\n");
    }

    /// <summary><c>delegate*&lt;Page, WritebackControl, int&gt;</c>.</summary>
    private static string FunctionPointer(OpDescriptor op)
        => "delegate*<" + string.Concat(op.Parameters.Select(p => p.ShortDeclaration.Substring(0, p.ShortDeclaration.LastIndexOf(' ')) + ", ")) + op.ReturnType + ">";

    private static string Parameters(OpDescriptor op) => string.Join(", ", op.Parameters.Select(p => p.ShortDeclaration));

    private static string Arguments(OpDescriptor op) => string.Join(", ", op.Parameters.Select(p => p.Argument));

    private static string Literal(string value) => Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(value, quote: true);

    private static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}

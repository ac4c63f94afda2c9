using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace AopsGen.Generators;

/// <summary>One parameter of an op's C# signature; <see cref="Type"/> is fully qualified (<c>global::AopsGen.Page</c>).</summary>
internal sealed class OpParameter
{
    public OpParameter(RefKind refKind, string type, string name)
    {
        RefKind = refKind;
        Type = type;
        Name = name;
        TypeForMatching = type.Replace("?", string.Empty);
        Pattern = TypePattern.Parse(TypeForMatching);
    }

    public RefKind RefKind { get; }

    /// <summary>The type as the emitter writes it, with nullable annotations (<c>global::AopsGen.Page?</c>).</summary>
    public string Type { get; }

    /// <summary>The type without nullable annotations, as <see cref="SymbolDisplayFormat.FullyQualifiedFormat"/> prints a symbol.</summary>
    public string TypeForMatching { get; }

    /// <summary><see cref="TypeForMatching"/>, read once, to compare with a parameter's type symbol.</summary>
    public TypePattern Pattern { get; }

    public string Name { get; }

    /// <summary><c>out global::AopsGen.Page? page</c>.</summary>
    public string Declaration => (RefKind == RefKind.Out ? "out " : string.Empty) + Type + " " + Name;

    /// <summary><c>out page</c>: the argument that forwards this parameter.</summary>
    public string Argument => (RefKind == RefKind.Out ? "out " : string.Empty) + Name;
}

/// <summary>One op: its kernel name, attribute, return type, parameters, and constructor parameter.</summary>
internal sealed class OpDescriptor
{
    public OpDescriptor(OpKind kind, string kernelName, string returnType, string constructorParameter, params OpParameter[] parameters)
    {
        Kind = kind;
        KernelName = kernelName;
        ReturnType = returnType;
        ConstructorParameter = constructorParameter;
        Parameters = parameters.ToImmutableArray();
        Name = kind.ToString();
        AttributeMetadataName = "AopsGen." + Name + "Attribute";
        ReturnPattern = TypePattern.Parse(returnType);
    }

    public OpKind Kind { get; }

    /// <summary>The C# name of the op, its attribute's and its table field's (<c>DirectIO</c>).</summary>
    public string Name { get; }

    /// <summary>The name in <c>struct address_space_operations</c> (<c>direct_IO</c>).</summary>
    public string KernelName { get; }

    /// <summary><c>AopsGen.DirectIOAttribute</c>.</summary>
    public string AttributeMetadataName { get; }

    public string ReturnType { get; }

    /// <summary><see cref="ReturnType"/>, read once, to compare with a method's return type symbol.</summary>
    public TypePattern ReturnPattern { get; }

    /// <summary>The parameter of <c>AddressSpaceOperations</c>'s constructor that takes this op (<c>directIO</c>).</summary>
    public string ConstructorParameter { get; }

    public ImmutableArray<OpParameter> Parameters { get; }

    /// <summary>The expected signature as a user writes it: <c>static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan&lt;IoVec&gt; iov, long offset)</c>.</summary>
    public string DisplaySignature
        => "static " + Shorten(ReturnType) + " " + Name + "(" + string.Join(", ", Parameters.Select(p => Shorten(p.Declaration))) + ")";

    private static string Shorten(string text) => text.Replace("global::AopsGen.", string.Empty).Replace("global::System.", string.Empty);
}

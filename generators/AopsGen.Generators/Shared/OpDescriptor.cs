using System;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace AopsGen.Generators;

/// <summary>One parameter of an op's C# signature; <see cref="Type"/> is fully qualified (<c>global::AopsGen.Page</c>).</summary>
internal sealed class OpParameter
{
    /// <summary>A parameter as a user writes it, <c>out Page? page</c>, read into its fully qualified form.</summary>
    public static OpParameter Parse(string declaration)
    {
        bool isOut = declaration.StartsWith("out ", StringComparison.Ordinal);
        string rest = isOut ? declaration.Substring("out ".Length) : declaration;
        int space = rest.LastIndexOf(' ');
        return new OpParameter(isOut ? RefKind.Out : RefKind.None, Qualify(rest.Substring(0, space)), rest.Substring(space + 1), declaration);
    }

    /// <summary>
    /// <c>global::AopsGen.Page?</c> for <c>Page?</c>: a keyword stays, <c>ReadOnlySpan&lt;T&gt;</c> is System's, every other
    /// name is a type of namespace AopsGen (where everything an op signature names lives).
    /// </summary>
    private static string Qualify(string type)
    {
        const string span = "ReadOnlySpan<";
        if (type.StartsWith(span, StringComparison.Ordinal))
        {
            return "global::System." + span + Qualify(type.Substring(span.Length, type.Length - span.Length - 1)) + ">";
        }
        string bare = type.TrimEnd('?');
        return bare is "int" or "uint" or "long" or "ulong" or "bool" or "object" ? type : "global::AopsGen." + type;
    }

    private OpParameter(RefKind refKind, string type, string name, string shortDeclaration)
    {
        ShortDeclaration = shortDeclaration;
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

    /// <summary><c>out Page? page</c>: as a user writes it in namespace AopsGen or with <c>using AopsGen;</c>.</summary>
    public string ShortDeclaration { get; }

    /// <summary><c>out global::AopsGen.Page? page</c>.</summary>
    public string Declaration => (RefKind == RefKind.Out ? "out " : string.Empty) + Type + " " + Name;

    /// <summary><c>out page</c>: the argument that forwards this parameter.</summary>
    public string Argument => (RefKind == RefKind.Out ? "out " : string.Empty) + Name;
}

/// <summary>One op of <see cref="OpCatalog"/>: everything else about it is derived from these facts.</summary>
internal sealed class OpDescriptor
{
    /// <param name="kind">The op; its name is the C# name of the enum member, attribute and table field.</param>
    /// <param name="kernelName">The name in <c>struct address_space_operations</c> (<c>direct_IO</c>).</param>
    /// <param name="returnType">The C# return type, as a user writes it (<c>long</c>).</param>
    /// <param name="parameters">The C# parameters as a user writes them, type names as seen from namespace AopsGen:
    /// <c>Rw rw, Kiocb iocb, ReadOnlySpan&lt;IoVec&gt; iov, long offset</c>.</param>
    /// <param name="prototype">The kernel's member declaration (<c>ssize_t (*direct_IO)(int, struct kiocb *, ...);</c>).</param>
    /// <param name="contract">What the op must do, one or two sentences of XML doc text.</param>
    /// <param name="nullDefault">What happens when a table leaves the op out, with the kernel source of that behaviour.</param>
    public OpDescriptor(OpKind kind, string kernelName, string returnType, string parameters, string prototype, string contract, string nullDefault)
    {
        Kind = kind;
        Name = kind.ToString();
        KernelName = kernelName;
        ReturnType = returnType;
        Parameters = parameters.Split(new[] { ", " }, StringSplitOptions.RemoveEmptyEntries).Select(OpParameter.Parse).ToImmutableArray();
        KernelPrototype = prototype;
        Contract = contract;
        NullDefault = nullDefault;
        AttributeMetadataName = "AopsGen." + Name + "Attribute";
        ConstructorParameter = char.ToLowerInvariant(Name[0]) + Name.Substring(1);
        ReturnPattern = TypePattern.Parse(returnType);
    }

    public OpKind Kind { get; }

    /// <summary>The C# name of the op, its attribute's and its table field's (<c>DirectIO</c>).</summary>
    public string Name { get; }

    /// <summary>The name in <c>struct address_space_operations</c> (<c>direct_IO</c>).</summary>
    public string KernelName { get; }

    /// <summary>The kernel's declaration of the op in <c>struct address_space_operations</c> (include/linux/fs.h).</summary>
    public string KernelPrototype { get; }

    /// <summary>What the op must do (XML doc text).</summary>
    public string Contract { get; }

    /// <summary>What happens when a table leaves the op out (<c>AopsCalls.Null&lt;Op&gt;</c> implements it).</summary>
    public string NullDefault { get; }

    /// <summary><c>AopsGen.DirectIOAttribute</c>.</summary>
    public string AttributeMetadataName { get; }

    /// <summary>The return type as a keyword (<c>long</c>, <c>void</c>).</summary>
    public string ReturnType { get; }

    /// <summary><see cref="ReturnType"/>, read once, to compare with a method's return type symbol.</summary>
    public TypePattern ReturnPattern { get; }

    /// <summary>The parameter of <c>AddressSpaceOperations</c>'s constructor that takes this op (<c>directIO</c>).</summary>
    public string ConstructorParameter { get; }

    public ImmutableArray<OpParameter> Parameters { get; }

    /// <summary>The expected signature as a user writes it: <c>static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan&lt;IoVec&gt; iov, long offset)</c>.</summary>
    public string DisplaySignature => "static " + ShortSignature(Name);

    /// <summary>The signature without <c>static</c>, for a method named <paramref name="name"/>: <c>long DirectIO(Rw rw, ...)</c>.</summary>
    public string ShortSignature(string name) => ReturnType + " " + name + "(" + string.Join(", ", Parameters.Select(p => p.ShortDeclaration)) + ")";
}

using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace AopsGen.Generators.Tests;

/// <summary>
/// The generator's own description of the ops (Shared/OpCatalog.cs) against the runtime it emits code for:
/// same names, values, field types, constructor parameters, attributes and version.
/// </summary>
public sealed class CatalogConsistencyTests
{
    private static readonly Assembly Runtime = typeof(AddressSpaceOperations).Assembly;

    public static TheoryData<string> Ops() => new(OpCatalog.All.Select(op => op.Name));

    [Fact]
    public void Generator_version_is_the_runtime_package_version()
    {
        string informational = Runtime.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        string packageVersion = informational.Split('+')[0];

        Assert.Equal(GeneratorInfo.Version, packageVersion);
        Assert.Equal("0.1.0", GeneratorInfo.Version);
        Assert.Equal(new Version(GeneratorInfo.Version), new Version(Runtime.GetName().Version!.ToString(3)));
    }

    [Fact]
    public void Catalog_is_indexed_by_kind_and_covers_the_runtime_enum_both_ways()
    {
        Assert.Equal(Enum.GetValues<OpKind>(), OpCatalog.All.Select(op => op.Kind));
        Assert.Equal(AddressSpaceOpInfo.Count, OpCatalog.All.Length);
        Assert.Equal(
            Enum.GetValues<AddressSpaceOp>().Select(op => (op.ToString(), (int)op)),
            Enum.GetValues<OpKind>().Select(kind => (kind.ToString(), (int)kind)));
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void Op_matches_the_runtime(string name)
    {
        OpDescriptor op = OpCatalog.All.Single(o => o.Name == name);

        // The runtime enum: same name at the same value, same kernel name.
        AddressSpaceOp runtimeOp = Enum.Parse<AddressSpaceOp>(op.Name);
        Assert.Equal((int)op.Kind, (int)runtimeOp);
        Assert.Equal(op.KernelName, runtimeOp.KernelName());

        // The table field: a function pointer with the op's return and parameter types and ref kinds.
        FieldInfo field = typeof(AddressSpaceOperations).GetField(op.Name, BindingFlags.Public | BindingFlags.Instance)
            ?? throw new MissingFieldException(nameof(AddressSpaceOperations), op.Name);
        AssertSignature(op, field.GetModifiedFieldType(), $"field {op.Name}");

        // The constructor parameter the emitter names, of the same type.
        ParameterInfo parameter = Assert.Single(typeof(AddressSpaceOperations).GetConstructors().SelectMany(c => c.GetParameters()),
            p => p.Name == op.ConstructorParameter);
        AssertSignature(op, parameter.GetModifiedParameterType(), $"constructor parameter {op.ConstructorParameter}");
        Assert.True(parameter.HasDefaultValue, $"{op.ConstructorParameter} must be optional: the emitter passes only the ops it has");

        // The attribute the parser looks for, usable on methods.
        Type attribute = Runtime.GetType(op.AttributeMetadataName, throwOnError: true)!;
        Assert.True(typeof(Attribute).IsAssignableFrom(attribute));
        Assert.Equal(AttributeTargets.Method, attribute.GetCustomAttribute<AttributeUsageAttribute>()!.ValidOn);

        // The static-abstract interface StaticOps implements has the op with the same signature.
        MethodInfo staticOp = typeof(IAddressSpaceOperations<>).GetMethod(op.Name)
            ?? throw new MissingMethodException("IAddressSpaceOperations<TSelf>", op.Name);
        Assert.Equal(op.ReturnType, CSharpName(staticOp.ReturnType));
        Assert.Equal(
            op.Parameters.Select(p => (p.RefKind, p.TypeForMatching, p.Name)),
            staticOp.GetParameters().Select(p => (p.IsOut ? RefKind.Out : p.ParameterType.IsByRef ? RefKind.Ref : RefKind.None, CSharpName(p.ParameterType), p.Name!)));
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void Op_attribute_documents_the_catalog_signature(string name)
    {
        OpDescriptor op = OpCatalog.All.Single(o => o.Name == name);
        string xmlPath = Path.ChangeExtension(Runtime.Location, ".xml");
        Assert.True(System.IO.File.Exists(xmlPath), "the runtime's documentation file is missing: " + xmlPath);

        XElement member = XDocument.Load(xmlPath).Descendants("member")
            .Single(m => (string?)m.Attribute("name") == "T:" + op.AttributeMetadataName);
        string? code = member.Descendants("code").Select(c => c.Value.Trim()).SingleOrDefault();
        Assert.Equal(op.DisplaySignature, code);
    }

    [Fact]
    public void Table_has_no_op_field_the_catalog_lacks()
    {
        string[] functionPointerFields = typeof(AddressSpaceOperations).GetFields(BindingFlags.Public | BindingFlags.Instance)
            .Where(f => f.FieldType.IsFunctionPointer).Select(f => f.Name).ToArray();

        Assert.Equal(OpCatalog.All.Select(op => op.Name), functionPointerFields);
    }

    private static void AssertSignature(OpDescriptor op, Type functionPointer, string what)
    {
        Assert.True(functionPointer.IsFunctionPointer, $"{what} is {functionPointer}, not a function pointer");
        Assert.True(functionPointer.IsUnmanagedFunctionPointer == false, $"{what} must be a managed function pointer");
        Assert.Equal(op.ReturnType, CSharpName(functionPointer.GetFunctionPointerReturnType()));
        Type[] parameters = functionPointer.GetFunctionPointerParameterTypes();
        Assert.Equal(
            op.Parameters.Select(p => (p.RefKind, p.TypeForMatching)),
            parameters.Select(p => (RefKindOf(p), CSharpName(p))));
    }

    /// <summary>A function pointer's <c>out</c> is a by-ref with a required <c>OutAttribute</c> modifier; <c>ref</c> has none.</summary>
    private static RefKind RefKindOf(Type parameter)
    {
        if (!parameter.IsByRef)
        {
            return RefKind.None;
        }
        Type[] modifiers = parameter.GetRequiredCustomModifiers();
        return modifiers.Contains(typeof(OutAttribute)) ? RefKind.Out
            : modifiers.Contains(typeof(InAttribute)) ? RefKind.In
            : RefKind.Ref;
    }

    /// <summary>The type as <c>SymbolDisplayFormat.FullyQualifiedFormat</c> prints it (the catalog's TypeForMatching).</summary>
    private static string CSharpName(Type type)
    {
        type = type.UnderlyingSystemType;
        if (type.IsByRef)
        {
            return CSharpName(type.GetElementType()!);
        }
        string? keyword = Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "bool",
            TypeCode.Int32 => "int",
            TypeCode.UInt32 => "uint",
            TypeCode.Int64 => "long",
            TypeCode.UInt64 => "ulong",
            TypeCode.String => "string",
            _ => type == typeof(void) ? "void" : type == typeof(object) ? "object" : null,
        };
        if (keyword is not null && !type.IsEnum)
        {
            return keyword;
        }
        if (type.IsGenericType)
        {
            string definition = type.GetGenericTypeDefinition().FullName!;
            return "global::" + definition[..definition.IndexOf('`', StringComparison.Ordinal)]
                + "<" + string.Join(", ", type.GetGenericArguments().Select(CSharpName)) + ">";
        }
        return "global::" + type.FullName!.Replace('+', '.');
    }
}

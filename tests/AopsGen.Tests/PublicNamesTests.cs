using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Reflection;
using System.Threading;
using AopsGen.Block;
using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;
using Xunit;

namespace AopsGen.Tests;

/// <summary>
/// The package's public names, checked by reflection over the built assembly: none meets a type of the SDK's implicit
/// usings (the trap <c>System.IO.File</c> was), one <c>using AopsGen;</c> covers every op signature, and the machine
/// lives in namespaces that follow the folders.
/// </summary>
public sealed class PublicNamesTests
{
    /// <summary>The namespaces a <c>dotnet new console</c> project's implicit usings bring in.</summary>
    private static readonly string[] ImplicitUsingNamespaces =
    [
        "System", "System.IO", "System.Linq", "System.Collections.Generic", "System.Net.Http", "System.Threading",
        "System.Threading.Tasks",
    ];

    private static readonly Assembly Package = typeof(AddressSpaceOperations).Assembly;

    private static IEnumerable<Type> PublicTypes => Package.GetExportedTypes();

    /// <summary>The public top-level type names of the implicit-using namespaces, from the assemblies that define them.</summary>
    private static HashSet<string> ImplicitUsingTypeNames()
    {
        Assembly[] assemblies =
        [
            typeof(object).Assembly, typeof(Enumerable).Assembly, typeof(List<>).Assembly, typeof(HashSet<>).Assembly,
            typeof(HttpClient).Assembly, typeof(Barrier).Assembly, typeof(System.IO.FileSystemWatcher).Assembly,
            typeof(System.IO.Pipes.PipeStream).Assembly, typeof(System.Linq.ParallelEnumerable).Assembly,
            typeof(System.Threading.Tasks.Parallel).Assembly, typeof(System.Collections.Generic.PriorityQueue<,>).Assembly,
            typeof(System.IO.MemoryMappedFiles.MemoryMappedFile).Assembly, typeof(System.IO.Compression.ZipArchive).Assembly,
        ];
        return assemblies.Distinct()
            .SelectMany(a => a.GetExportedTypes())
            .Where(t => !t.IsNested && ImplicitUsingNamespaces.Contains(t.Namespace))
            .Select(t => t.Name.Split('`')[0])
            .ToHashSet(StringComparer.Ordinal);
    }

    [Fact]
    public void NoPublicTypeSharesANameWithATypeOfTheImplicitUsings()
    {
        HashSet<string> taken = ImplicitUsingTypeNames();
        Assert.Contains("File", taken); // the check sees the namespaces it guards
        Assert.Contains("HttpClient", taken);
        string[] clashes = PublicTypes.Where(t => !t.IsNested && taken.Contains(t.Name.Split('`')[0]))
            .Select(t => t.FullName!).ToArray();
        Assert.Empty(clashes);
    }

    [Fact]
    public void EveryTypeAnOpSignatureNamesIsInTheRootNamespace()
    {
        // IAddressSpaceOperations<TSelf> has one static method per op, with the op's C# signature.
        MethodInfo[] ops = typeof(IAddressSpaceOperations<>).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => !m.IsSpecialName).ToArray();
        Assert.Equal(Enum.GetValues<AddressSpaceOp>().Length, ops.Length);
        var named = new HashSet<Type>();
        foreach (MethodInfo op in ops)
        {
            foreach (Type type in op.GetParameters().Select(p => p.ParameterType).Append(op.ReturnType))
            {
                Collect(type, named);
            }
        }
        string[] elsewhere = named.Where(t => t.Assembly == Package && t.Namespace != "AopsGen")
            .Select(t => t.FullName!).ToArray();
        Assert.Empty(elsewhere);
        Assert.Contains(typeof(OpenFile), named);
        Assert.Contains(typeof(SwapInfo), named);
    }

    [Fact]
    public void TheOpAttributesAndTheTableAreInTheRootNamespace()
    {
        Type[] attributes = PublicTypes.Where(t => typeof(Attribute).IsAssignableFrom(t)).ToArray();
        Assert.NotEmpty(attributes);
        Assert.All(attributes, t => Assert.Equal("AopsGen", t.Namespace));
        Assert.Equal("AopsGen", typeof(AddressSpaceOperations).Namespace);
        Assert.Equal("AopsGen", typeof(AopsCalls).Namespace);
    }

    [Theory]
    [InlineData(typeof(MountNamespace), "AopsGen.Vfs")]
    [InlineData(typeof(Credentials), "AopsGen.Vfs")]
    [InlineData(typeof(MemoryManager), "AopsGen.Mm")]
    [InlineData(typeof(AnonRegion), "AopsGen.Mm")]
    [InlineData(typeof(Lru), "AopsGen.Mm")]
    [InlineData(typeof(SwapCore), "AopsGen.Swap")]
    [InlineData(typeof(Mkswap), "AopsGen.Swap")]
    [InlineData(typeof(BlockDevice), "AopsGen.Block")]
    public void TheMachineLivesInTheNamespaceOfItsFolder(Type type, string expected)
        => Assert.Equal(expected, type.Namespace);

    [Fact]
    public void EveryPublicTypeIsInTheRootOrAFolderNamespace()
    {
        string[] allowed = ["AopsGen", "AopsGen.Vfs", "AopsGen.Mm", "AopsGen.Swap", "AopsGen.Block", "AopsGen.Fuse"];
        Assert.All(PublicTypes, t => Assert.Contains(t.Namespace, allowed));
    }

    private static void Collect(Type type, HashSet<Type> into)
    {
        if (type.IsByRef || type.IsPointer || type.IsArray)
        {
            Collect(type.GetElementType()!, into);
            return;
        }
        if (type.IsGenericParameter)
        {
            return;
        }
        if (type.IsGenericType)
        {
            foreach (Type argument in type.GetGenericArguments())
            {
                Collect(argument, into);
            }
        }
        into.Add(type.IsGenericType ? type.GetGenericTypeDefinition() : type);
    }
}

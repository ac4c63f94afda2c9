using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace AopsGen.Generators.Tests;

/// <summary>
/// <see cref="SyntaxTableReader"/> fills every slot as the bound class does (<see cref="TableParser.BoundSlots"/>), on the
/// sources that could fool a reader of syntax: aliases, a user type named like an AopsGen type in another namespace or in
/// the class's own, global usings, nested classes, partial classes whose files import differently, file-local types.
/// Each compilation is read with one fingerprint for all its classes, in both orders, so that a name bound in one class
/// serves the next exactly where that is right.
/// </summary>
public sealed class SyntaxTableReaderTests
{
    private const string MineTypes = """
        namespace Mine
        {
            public sealed class Page { }
            public sealed class ReadPageAttribute : System.Attribute { }
            public sealed class NotAnOp : System.Attribute { }
        }
        """;

    public static TheoryData<string> Cases() => new(Sources.Keys);

    private static readonly Dictionary<string, string[]> Sources = new()
    {
        ["Aliases"] =
        [
            MineTypes,
            """
            using AopsGen;
            using RP = AopsGen.ReadPageAttribute;
            using P = AopsGen.Page;
            using Aops = AopsGen;
            namespace Aliased;
            [AddressSpaceOperations] public static partial class AliasFs
            {
                [RP] public static int R(OpenFile file, P page) => 0;
                [Aops.WritePage] public static int W(Aops.Page page, Aops.WritebackControl wbc) => 0;
            }
            """,
            """
            using AopsGen;
            using SetPageDirty = Mine.NotAnOp;
            using Page = Mine.Page;
            namespace Aliased;
            [AddressSpaceOperations] public static partial class ShadowingAliasFs
            {
                [SetPageDirty] public static bool D(AopsGen.Page page) => true;
                [FreePage] public static void F(Page page) { }
                [InvalidatePage] public static void I(AopsGen.Page page, ulong offset) { }
            }
            """,
        ],
        ["TypeNamedLikeAopsGenElsewhere"] =
        [
            MineTypes,
            """
            using AopsGen;
            namespace Mine.Fs;
            [AddressSpaceOperations] public static partial class InMineFs
            {
                [AopsGen.ReadPage] public static int R(OpenFile file, Page page) => 0;
                [ReadPage] public static int R2(OpenFile file, AopsGen.Page page) => 0;
                [WritePage] public static int W(AopsGen.Page page, WritebackControl wbc) => 0;
            }
            """,
            """
            using AopsGen;
            namespace Mine.Fs;
            [AddressSpaceOperations] public static partial class AlsoInMineFs
            {
                [AopsGen.ReadPage] public static int R(OpenFile file, Page page) => 0;
            }
            """,
            """
            using AopsGen;
            namespace Other;
            [AddressSpaceOperations] public static partial class OtherFs
            {
                [ReadPage] public static int R(OpenFile file, Page page) => 0;
            }
            """,
            """
            using AopsGen;
            using Mine;
            [AddressSpaceOperations] public static partial class AmbiguousFs
            {
                [FreePage] public static void F(Page page) { }
                [WritePage] public static int W(AopsGen.Page page, WritebackControl wbc) => 0;
            }
            """,
        ],
        ["OwnPageInTheClassNamespace"] =
        [
            "namespace Synthetic { public sealed class Page { } }",
            """
            using AopsGen;
            namespace Synthetic;
            [AddressSpaceOperations] public static partial class OwnPageFs
            {
                [ReadPage] public static int R(OpenFile file, Page page) => 0;
                [SetPageDirty] public static bool D(AopsGen.Page page) => true;
            }
            """,
        ],
        ["GlobalUsings"] =
        [
            "global using AopsGen;\nglobal using GlobalPage = AopsGen.Page;",
            """
            namespace G;
            [AddressSpaceOperations] public static partial class GlobalFs
            {
                [ReadPage] public static int R(OpenFile file, GlobalPage page) => 0;
                [global::AopsGen.WritePageAttribute] public static int W(Page page, WritebackControl wbc) => 0;
            }
            """,
        ],
        ["NestedClasses"] =
        [
            """
            using AopsGen;
            namespace N;
            public static partial class Outer
            {
                public sealed class Page { }
                [AddressSpaceOperations] public static partial class ShadowedFs
                {
                    [ReadPage] public static int R(OpenFile file, Page page) => 0;
                    [WritePage] public static int W(AopsGen.Page page, WritebackControl wbc) => 0;
                }
            }
            public static partial class Clean
            {
                [AddressSpaceOperations] public static partial class NestedFs
                {
                    [ReadPage] public static int R(OpenFile file, Page page) => 0;
                }
            }
            """,
        ],
        ["PartialAcrossFiles"] =
        [
            MineTypes,
            """
            using AopsGen;
            namespace P;
            [AddressSpaceOperations] public static partial class PartsFs
            {
                [ReadPage] public static int R(OpenFile file, Page page) => 0;
            }
            """,
            """
            using A = AopsGen;
            using Mine;
            namespace P;
            public static partial class PartsFs
            {
                [A.WritePage] public static int W(A.Page page, A.WritebackControl wbc) => 0;
                [A.FreePage] public static void F(Page page) { }
            }
            """,
        ],
        ["FileLocalType"] =
        [
            """
            using AopsGen;
            namespace F;
            file sealed class Page { }
            [AddressSpaceOperations] public static partial class FileLocalPageFs
            {
                [ReadPage] public static int R(OpenFile file, Page page) => 0;
            }
            """,
            """
            using AopsGen;
            namespace F;
            [AddressSpaceOperations] public static partial class SameScopeOtherFileFs
            {
                [ReadPage] public static int R(OpenFile file, Page page) => 0;
            }
            """,
        ],
        ["BaseListAndPartialMethod"] =
        [
            """
            using AopsGen;
            namespace B;
            [AddressSpaceOperations] public partial class WithBaseFs : System.IDisposable
            {
                [ReadPage] public static int R(OpenFile file, Page page) => 0;
                public void Dispose() { }
            }
            [AddressSpaceOperations] public static partial class PartialMethodFs
            {
                [ReadPage] public static partial int R(OpenFile file, Page page);
                public static partial int R(OpenFile file, Page page) => 0;
            }
            """,
        ],
    };

    /// <summary>What each table gets (op slots as <c>op=method</c>), where the syntax alone could have said otherwise.</summary>
    public static TheoryData<string, string, string> Expectations() => new()
    {
        { "Aliases", "Aliased.AliasFs", "WritePage=W ReadPage=R" },
        { "Aliases", "Aliased.ShadowingAliasFs", "InvalidatePage=I" },
        { "TypeNamedLikeAopsGenElsewhere", "Mine.Fs.InMineFs", "WritePage=W" },
        { "TypeNamedLikeAopsGenElsewhere", "Mine.Fs.AlsoInMineFs", string.Empty },
        { "TypeNamedLikeAopsGenElsewhere", "Other.OtherFs", "ReadPage=R" },
        { "TypeNamedLikeAopsGenElsewhere", "AmbiguousFs", "WritePage=W" },
        { "OwnPageInTheClassNamespace", "Synthetic.OwnPageFs", "SetPageDirty=D" },
        { "GlobalUsings", "G.GlobalFs", "WritePage=W ReadPage=R" },
        { "NestedClasses", "N.Outer+ShadowedFs", "WritePage=W" },
        { "NestedClasses", "N.Clean+NestedFs", "ReadPage=R" },
        { "PartialAcrossFiles", "P.PartsFs", "WritePage=W ReadPage=R" },
        { "FileLocalType", "F.FileLocalPageFs", string.Empty },
        { "FileLocalType", "F.SameScopeOtherFileFs", "ReadPage=R" },
        { "BaseListAndPartialMethod", "B.WithBaseFs", "ReadPage=R" },
        { "BaseListAndPartialMethod", "B.PartialMethodFs", "ReadPage=R" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Syntax_fills_every_slot_as_the_bound_class_does(string name)
        => AssertReadsAsBound(GeneratorHarness.CreateCompilation(GeneratorHarness.ParseAll(Sources[name])));

    [Theory]
    [MemberData(nameof(Expectations))]
    public void Table_gets_the_methods_the_compiler_binds(string name, string metadataName, string slots)
    {
        Compilation compilation = GeneratorHarness.CreateCompilation(GeneratorHarness.ParseAll(Sources[name]));
        INamedTypeSymbol type = compilation.GetTypeByMetadataName(metadataName)!;

        Assert.Equal(slots, Describe(TableParser.BoundSlots(type, TestContext.Current.CancellationToken)));
        GeneratorRun run = GeneratorHarness.Run(compilation);
        run.AssertGeneratorDidNotFail();
        string source = run.Source(metadataName + ".Aops.g.cs");
        foreach (OpDescriptor op in OpCatalog.All)
        {
            Assert.Equal(slots.Contains(op.Name + "=", System.StringComparison.Ordinal), source.Contains(op.ConstructorParameter + ": &", System.StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("NestedClasses", "N.Outer+ShadowedFs", false)]
    [InlineData("NestedClasses", "N.Clean+NestedFs", true)]
    [InlineData("BaseListAndPartialMethod", "B.WithBaseFs", false)]
    [InlineData("BaseListAndPartialMethod", "B.PartialMethodFs", false)]
    [InlineData("FileLocalType", "F.FileLocalPageFs", true)]
    [InlineData("Aliases", "Aliased.AliasFs", true)]
    public void Syntax_is_read_unless_a_base_type_a_nested_type_or_a_partial_method_may_change_a_name(string name, string metadataName, bool read)
    {
        Compilation compilation = GeneratorHarness.CreateCompilation(GeneratorHarness.ParseAll(Sources[name]));

        Assert.Equal(read, SyntaxTableReader.TryRead(compilation.GetTypeByMetadataName(metadataName)!, Fingerprint(compilation), compilation, TestContext.Current.CancellationToken, out _));
    }

    [Fact]
    public void Syntax_fills_every_slot_as_the_bound_class_does_on_the_shared_sources()
    {
        string[] shared = typeof(TestSources).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral && field.FieldType == typeof(string))
            .Select(field => (string)field.GetRawConstantValue()!)
            .ToArray();
        Assert.NotEmpty(shared);
        foreach (string source in shared)
        {
            Assert.True(AssertReadsAsBound(GeneratorHarness.CreateCompilation(GeneratorHarness.ParseAll(source))) > 0);
        }
    }

    [Fact]
    public void Syntax_fills_every_slot_as_the_bound_class_does_on_the_malformed_corpus()
    {
        int read = 0;
        foreach (MalformedCase malformed in MalformedSources.Cases)
        {
            read += AssertReadsAsBound(GeneratorHarness.CreateCompilation(GeneratorHarness.ParseAll(malformed.Sources)), malformed.Name);
        }
        Assert.True(read > MalformedSources.Cases.Length, $"only {read} classes of the corpus were read from the syntax");
    }

    /// <summary>
    /// Every [AddressSpaceOperations] class of <paramref name="compilation"/>, read from the syntax with one fingerprint (in source
    /// order, then in reverse order with a fresh one, then again in a second compilation of the same trees), gets the slots
    /// <see cref="TableParser.BoundSlots"/> gives it, wherever the reader says it can tell.
    /// </summary>
    private static int AssertReadsAsBound(Compilation compilation, string? label = null)
    {
        CancellationToken cancellationToken = TestContext.Current.CancellationToken;
        List<INamedTypeSymbol> tables = Tables(compilation);
        int read = 0;
        DeclarationFingerprint fingerprint = Fingerprint(compilation);
        Compilation again = compilation.RemoveAllSyntaxTrees().AddSyntaxTrees(compilation.SyntaxTrees);
        foreach ((Compilation current, IEnumerable<INamedTypeSymbol> order, DeclarationFingerprint shared) in new[]
        {
            (compilation, tables, fingerprint),
            (compilation, Enumerable.Reverse(tables), Fingerprint(compilation)),
            (again, Tables(again), fingerprint),
        })
        {
            foreach (INamedTypeSymbol type in order)
            {
                if (SyntaxTableReader.TryRead(type, shared, current, cancellationToken, out Dictionary<OpKind, string>? slots))
                {
                    read++;
                    Assert.True(
                        Describe(TableParser.BoundSlots(type, cancellationToken)) == Describe(slots),
                        $"{label} {type}: bound '{Describe(TableParser.BoundSlots(type, cancellationToken))}', read '{Describe(slots)}'");
                }
            }
        }
        return read;
    }

    private static DeclarationFingerprint Fingerprint(Compilation compilation)
        => new(compilation.SyntaxTrees.Select(tree => FileDeclarations.From(tree, TestContext.Current.CancellationToken)).ToImmutableArray(), compilation);

    private static List<INamedTypeSymbol> Tables(Compilation compilation)
    {
        var tables = new List<INamedTypeSymbol>();
        foreach (SyntaxTree tree in compilation.SyntaxTrees)
        {
            SemanticModel model = compilation.GetSemanticModel(tree);
            foreach (TypeDeclarationSyntax declaration in tree.GetRoot(TestContext.Current.CancellationToken).DescendantNodes().OfType<TypeDeclarationSyntax>())
            {
                if (model.GetDeclaredSymbol(declaration, TestContext.Current.CancellationToken) is INamedTypeSymbol type
                    && type.GetAttributes().Any(attribute => TableValidation.IsClassAttribute(attribute.AttributeClass))
                    && !tables.Contains(type, SymbolEqualityComparer.Default))
                {
                    tables.Add(type);
                }
            }
        }
        return tables;
    }

    /// <summary><c>ReadPage=R WritePage=W</c> in op order; <c>(no table)</c> for null.</summary>
    private static string Describe(Dictionary<OpKind, string>? slots)
        => slots is null ? "(no table)" : string.Join(" ", slots.OrderBy(slot => slot.Key).Select(slot => slot.Key + "=" + slot.Value));
}

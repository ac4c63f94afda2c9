using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace AopsGen.Generators.Tests;

/// <summary>What the generator must do with a <see cref="MalformedCase"/> (besides never failing).</summary>
public enum MalformedExpectation
{
    /// <summary>Broken code: the generator must not fail; whether it emits anything is not specified.</summary>
    NoCrash,

    /// <summary>An unusable [AddressSpaceOperations] type: no source at all.</summary>
    NoSource,

    /// <summary>An unusable op method: the table is generated, without that op.</summary>
    TableWithoutOp,

    /// <summary>Unusual but valid: the table is generated and the output compiles with no warning or error.</summary>
    Valid,
}

/// <summary>One named input of the corpus.</summary>
/// <param name="Name">Stable name, used as the theory's data (and by analyzer tests to pick a case).</param>
/// <param name="Expectation">What the generator must do.</param>
/// <param name="Sources">The files of the compilation.</param>
public sealed record MalformedCase(string Name, MalformedExpectation Expectation, params string[] Sources)
{
    /// <summary>Fragments the generated table must contain (<c>readPage: &amp;ReadPage</c>).</summary>
    public string[] Bound { get; init; } = Array.Empty<string>();

    /// <summary>Fragments the generated source must not contain (the skipped op's slot or method).</summary>
    public string[] NotBound { get; init; } = Array.Empty<string>();

    /// <summary>The analyzer rule the case is meant to trigger, where TableValidation names one (AOPS001...).</summary>
    public string? Rule { get; init; }

    public override string ToString() => Name;
}

/// <summary>
/// A corpus of malformed and unusual sources: incomplete code, wrong attribute use, unusable types and
/// methods, name clashes, and valid corner cases. The generator tests check it never fails on them; the
/// analyzer tests can reuse the same cases (<see cref="Get"/>) to check what is reported.
/// </summary>
public static class MalformedSources
{
    private const string Usings = "using System;\nusing AopsGen;\n\n";

    /// <summary>A valid op, so that a table for a class with one bad method still has something in it.</summary>
    private const string ValidWritePage = "[WritePage] public static int WritePage(Page page, WritebackControl wbc) => 0;";

    private static string InClass(string members, string header = "[AddressSpaceOperations]\npublic static partial class Fs")
        => Usings + "namespace Corpus;\n\n" + header + "\n{\n    " + ValidWritePage + "\n\n    " + members + "\n}\n";

    public static readonly MalformedCase[] Cases =
    {
        // Incomplete code, as typed in an editor.
        new("MissingClosingBrace", MalformedExpectation.NoCrash,
            Usings + "namespace Corpus;\n[AddressSpaceOperations]\npublic static partial class Fs\n{\n    [ReadPage] public static int ReadPage(OpenFile file, Page page) { return 0;\n"),
        new("MissingOpeningBrace", MalformedExpectation.NoCrash,
            Usings + "namespace Corpus;\n[AddressSpaceOperations]\npublic static partial class Fs\n    [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0;\n}\n"),
        new("HalfTypedClassAttribute", MalformedExpectation.NoCrash,
            Usings + "namespace Corpus;\n[AddressSpaceOpera\npublic static partial class Fs { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }\n"),
        new("UnterminatedClassAttribute", MalformedExpectation.NoCrash,
            Usings + "namespace Corpus;\n[AddressSpaceOperations(\"x\"\npublic static partial class Fs { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }\n"),
        new("UnterminatedOpAttribute", MalformedExpectation.NoCrash, InClass("[ReadPage\n    public static int ReadPage(OpenFile file, Page page) => 0;")),
        new("AttributeAtEndOfFile", MalformedExpectation.NoCrash, Usings + "namespace Corpus;\n[AddressSpaceOperations]\n"),
        new("AttributeBeforeNamespace", MalformedExpectation.NoCrash, Usings + "[AddressSpaceOperations]\nnamespace Corpus { public static partial class Fs { } }\n"),
        new("OpMethodWithoutBody", MalformedExpectation.NoCrash, InClass("[ReadPage] public static int ReadPage(OpenFile file, Page page)")),
        new("OpMethodWithoutParameterList", MalformedExpectation.NoCrash, InClass("[ReadPage] public static int ReadPage { return 0; }")),
        new("UnknownParameterType", MalformedExpectation.NoCrash, InClass("[ReadPage] public static int ReadPage(Fiel file, Page page) => 0;")),
        new("GarbageTokens", MalformedExpectation.NoCrash, InClass("@@@ ### ))) [[[ ReadPage ] } {")),
        new("EmptyAttributeList", MalformedExpectation.NoCrash, InClass("[] public static int ReadPage(OpenFile file, Page page) => 0;")),

        // Wrong attribute arguments.
        new("ClassAttributeIntArgument", MalformedExpectation.NoCrash,
            InClass("", "[AddressSpaceOperations(42)]\npublic static partial class Fs")),
        new("ClassAttributeTwoArguments", MalformedExpectation.NoCrash,
            InClass("", "[AddressSpaceOperations(\"a\", \"b\")]\npublic static partial class Fs")),
        new("ClassAttributeNullArgument", MalformedExpectation.NoCrash,
            InClass("", "[AddressSpaceOperations(null)]\npublic static partial class Fs")) { Bound = new[] { "name: \"Fs\"," } },
        new("ClassAttributeEmptyName", MalformedExpectation.Valid,
            InClass("", "[AddressSpaceOperations(\"\")]\npublic static partial class Fs")) { Bound = new[] { "name: \"Fs\",", "writePage: &WritePage" } },
        new("ClassAttributeConstantName", MalformedExpectation.Valid,
            InClass("private const string Name = \"const_aops\";", "[AddressSpaceOperations(Fs.Name + \"_x\")]\npublic static partial class Fs"))
            { Bound = new[] { "name: \"const_aops_x\"," } },
        new("OpAttributeWithArgument", MalformedExpectation.NoCrash, InClass("[ReadPage(1)] public static int ReadPage(OpenFile file, Page page) => 0;")),

        // The class attribute on something that cannot hold a table (AOPS010).
        new("OnStruct", MalformedExpectation.NoSource,
            Usings + "namespace Corpus;\n[AddressSpaceOperations]\npublic partial struct Fs { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }\n") { Rule = "AOPS010" },
        new("OnRecord", MalformedExpectation.NoSource,
            Usings + "namespace Corpus;\n[AddressSpaceOperations]\npublic partial record Fs { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }\n") { Rule = "AOPS010" },
        new("OnRecordStruct", MalformedExpectation.NoSource,
            Usings + "namespace Corpus;\n[AddressSpaceOperations]\npublic partial record struct Fs { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }\n") { Rule = "AOPS010" },
        new("OnInterface", MalformedExpectation.NoSource,
            Usings + "namespace Corpus;\n[AddressSpaceOperations]\npublic partial interface IFs { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }\n") { Rule = "AOPS010" },
        new("OnEnum", MalformedExpectation.NoSource, Usings + "namespace Corpus;\n[AddressSpaceOperations]\npublic enum Fs { A, B }\n") { Rule = "AOPS010" },
        new("OnDelegate", MalformedExpectation.NoSource, Usings + "namespace Corpus;\n[AddressSpaceOperations]\npublic delegate int Fs(OpenFile file, Page page);\n") { Rule = "AOPS010" },
        new("OnGenericClass", MalformedExpectation.NoSource,
            Usings + "namespace Corpus;\n[AddressSpaceOperations]\npublic static partial class Fs<T> { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }\n") { Rule = "AOPS010" },
        new("InGenericClass", MalformedExpectation.NoSource,
            Usings + "namespace Corpus;\npublic partial class Outer<T>\n{\n    [AddressSpaceOperations]\n    public static partial class Fs { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }\n}\n") { Rule = "AOPS010" },
        new("OnMethod", MalformedExpectation.NoSource,
            Usings + "namespace Corpus;\npublic static partial class Fs { [AddressSpaceOperations] public static int ReadPage(OpenFile file, Page page) => 0; }\n"),

        // Not partial (AOPS001).
        new("NotPartial", MalformedExpectation.NoSource,
            Usings + "namespace Corpus;\n[AddressSpaceOperations]\npublic static class Fs { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }\n") { Rule = "AOPS001" },
        new("ContainingTypeNotPartial", MalformedExpectation.NoSource,
            Usings + "namespace Corpus;\npublic class Outer\n{\n    [AddressSpaceOperations]\n    public static partial class Fs { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }\n}\n") { Rule = "AOPS001" },
        new("OneDeclarationNotPartial", MalformedExpectation.NoSource,
            Usings + "namespace Corpus;\n[AddressSpaceOperations]\npublic static partial class Fs { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }\n",
            Usings + "namespace Corpus;\npublic static class Fs { }\n") { Rule = "AOPS001" },

        // Op methods that cannot fill their slot: the table is generated without them.
        new("InstanceOpMethod", MalformedExpectation.TableWithoutOp,
            InClass("[ReadPage] public int ReadPage(OpenFile file, Page page) => 0;", "[AddressSpaceOperations]\npublic partial class Fs"))
            { Bound = new[] { "writePage: &WritePage" }, NotBound = new[] { "readPage:", "ReadPage(" }, Rule = "AOPS002" },
        new("InstanceOpMethodInStaticClass", MalformedExpectation.TableWithoutOp, InClass("[ReadPage] public int ReadPage(OpenFile file, Page page) => 0;"))
            { Bound = new[] { "writePage: &WritePage" }, NotBound = new[] { "readPage:" }, Rule = "AOPS002" },
        new("WrongReturnType", MalformedExpectation.TableWithoutOp, InClass("[ReadPage] public static long ReadPage(OpenFile file, Page page) => 0;"))
            { Bound = new[] { "writePage: &WritePage" }, NotBound = new[] { "readPage:" }, Rule = "AOPS003" },
        new("SwappedParameters", MalformedExpectation.TableWithoutOp, InClass("[ReadPage] public static int ReadPage(Page page, OpenFile file) => 0;"))
            { Bound = new[] { "writePage: &WritePage" }, NotBound = new[] { "readPage:" }, Rule = "AOPS003" },
        new("TooFewParameters", MalformedExpectation.TableWithoutOp, InClass("[ReadPage] public static int ReadPage(Page page) => 0;"))
            { Bound = new[] { "writePage: &WritePage" }, NotBound = new[] { "readPage:" }, Rule = "AOPS003" },
        new("TooManyParameters", MalformedExpectation.TableWithoutOp, InClass("[ReadPage] public static int ReadPage(OpenFile file, Page page, int extra) => 0;"))
            { Bound = new[] { "writePage: &WritePage" }, NotBound = new[] { "readPage:" }, Rule = "AOPS003" },
        new("RefInsteadOfOut", MalformedExpectation.TableWithoutOp,
            InClass("[SwapActivate] public static int SwapActivate(SwapInfo sis, OpenFile file, ref ulong span) => 0;"))
            { Bound = new[] { "writePage: &WritePage" }, NotBound = new[] { "swapActivate:" }, Rule = "AOPS003" },
        new("OutMissing", MalformedExpectation.TableWithoutOp,
            InClass("[SwapActivate] public static int SwapActivate(SwapInfo sis, OpenFile file, ulong span) => 0;"))
            { Bound = new[] { "writePage: &WritePage" }, NotBound = new[] { "swapActivate:" }, Rule = "AOPS003" },
        new("InParameter", MalformedExpectation.TableWithoutOp, InClass("[FreePage] public static void FreePage(in Page page) { }"))
            { Bound = new[] { "writePage: &WritePage" }, NotBound = new[] { "freePage:" }, Rule = "AOPS003" },
        new("ParamsArrayInsteadOfSpan", MalformedExpectation.TableWithoutOp,
            InClass("[ReadPages] public static int ReadPages(OpenFile file, AddressSpace mapping, params Page[] pages) => 0;"))
            { Bound = new[] { "writePage: &WritePage" }, NotBound = new[] { "readPages:" }, Rule = "AOPS003" },
        new("ReturnsByRef", MalformedExpectation.TableWithoutOp,
            InClass("private static int s_value;\n    [LaunderPage] public static ref int LaunderPage(Page page) => ref s_value;"))
            { Bound = new[] { "writePage: &WritePage" }, NotBound = new[] { "launderPage:" }, Rule = "AOPS003" },
        new("GenericOpMethod", MalformedExpectation.TableWithoutOp, InClass("[FreePage] public static void FreePage<T>(Page page) { }"))
            { Bound = new[] { "writePage: &WritePage" }, NotBound = new[] { "freePage:" }, Rule = "AOPS003" },
        new("DuplicateOp", MalformedExpectation.TableWithoutOp,
            InClass("[ReadPage] public static int FirstRead(OpenFile file, Page page) => 1;\n    [ReadPage] public static int SecondRead(OpenFile file, Page page) => 2;"))
            { Bound = new[] { "readPage: &FirstRead" }, NotBound = new[] { "SecondRead" }, Rule = "AOPS004" },
        new("TwoOpsOnOneMethod", MalformedExpectation.Valid,
            InClass("[FreePage, SyncPage] public static void Drop(Page page) { }"))
            { Bound = new[] { "freePage: &Drop", "syncPage: &Drop" } },
        new("OpOnProperty", MalformedExpectation.TableWithoutOp, InClass("[ReadPage] public static int ReadPage => 0;"))
            { Bound = new[] { "writePage: &WritePage" }, NotBound = new[] { "readPage:" } },
        new("OpOnPropertyAccessor", MalformedExpectation.TableWithoutOp, InClass("public static int Value { [ReadPage] get => 0; }"))
            { Bound = new[] { "writePage: &WritePage" }, NotBound = new[] { "readPage:" } },
        new("OpOnField", MalformedExpectation.TableWithoutOp, InClass("[ReadPage] public static int ReadPage = 0;"))
            { Bound = new[] { "writePage: &WritePage" }, NotBound = new[] { "readPage:" } },
        new("OpOnLocalFunction", MalformedExpectation.TableWithoutOp,
            InClass("public static int Outer() { [ReadPage] static int Local(OpenFile file, Page page) => 0; return Local(null!, null!); }"))
            { Bound = new[] { "writePage: &WritePage" }, NotBound = new[] { "readPage:", "Local" } },
        new("OpOnStaticConstructor", MalformedExpectation.TableWithoutOp, InClass("[FreePage] static Fs() { }"))
            { Bound = new[] { "writePage: &WritePage" }, NotBound = new[] { "freePage:" } },
        new("OpOnConstructor", MalformedExpectation.TableWithoutOp,
            InClass("[FreePage] public Fs(Page page) { }", "[AddressSpaceOperations]\npublic partial class Fs"))
            { Bound = new[] { "writePage: &WritePage" }, NotBound = new[] { "freePage:" } },
        new("OpOnOperator", MalformedExpectation.TableWithoutOp,
            InClass("[LaunderPage] public static int operator +(Fs fs, Page page) => 0;", "[AddressSpaceOperations]\npublic partial class Fs"))
            { Bound = new[] { "writePage: &WritePage" }, NotBound = new[] { "launderPage:" } },
        new("OpOnNestedTypeMethod", MalformedExpectation.TableWithoutOp,
            InClass("public static class Nested { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }"))
            { Bound = new[] { "writePage: &WritePage" }, NotBound = new[] { "readPage:" } },
        new("ForeignReadPageAttribute", MalformedExpectation.TableWithoutOp,
            InClass("[Other.ReadPage] public static int ReadPage(OpenFile file, Page page) => 0;")
            + "\nnamespace Other { public sealed class ReadPageAttribute : System.Attribute { } }\n")
            { Bound = new[] { "writePage: &WritePage" }, NotBound = new[] { "readPage:" } },

        // The attribute twice on a class split over two files (CS0579): the parser sees each part apart,
        // so it counts the attributes on the symbol and emits nothing rather than one file twice.
        new("ClassAttributeOnTwoPartialDeclarations", MalformedExpectation.NoSource,
            Usings + "namespace Corpus;\n[AddressSpaceOperations]\npublic static partial class Fs { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }\n",
            Usings + "namespace Corpus;\n[AddressSpaceOperations(\"second\")]\npublic static partial class Fs { [WritePage] public static int WritePage(Page page, WritebackControl wbc) => 0; }\n")
        {
        },

        // The class declares what the generator adds.
        new("ClashOperationsProperty", MalformedExpectation.NoSource, InClass("public static AddressSpaceOperations Operations => null!;")),
        new("ClashOperationsMethod", MalformedExpectation.NoSource, InClass("public static void Operations() { }")),
        new("ClashStaticOpsType", MalformedExpectation.NoSource, InClass("public struct StaticOps { }")),
        new("ClashStaticOpsField", MalformedExpectation.NoSource, InClass("public static int StaticOps;")),
        new("ClashGeneratedHelperName", MalformedExpectation.NoSource,
            InClass("private static AddressSpaceOperations __AopsCreateOperations() => null!;"))
        {
        },

        // Valid corner cases: they must generate and compile cleanly.
        new("HugeClass", MalformedExpectation.Valid, HugeClass())
            { Bound = OpCatalog.All.Select(op => op.ConstructorParameter + ": &M" + (int)op.Kind).ToArray(), NotBound = new[] { "&M20", "&M199" } },
        new("UnicodeIdentifiers", MalformedExpectation.Valid,
            Usings + "namespace Корпус.Файлы;\n\n[AddressSpaceOperations(\"файл_aops\")]\npublic static partial class Файл\n{\n    [ReadPage] public static int Läs(OpenFile file, Page page) => 0;\n    [WritePage] public static int Écrire(Page page, WritebackControl wbc) => 0;\n}\n")
            { Bound = new[] { "readPage: &Läs", "writePage: &Écrire", "name: \"файл_aops\"" } },
        new("IfBranchesWithoutSymbol", MalformedExpectation.Valid,
            Usings + "namespace Corpus;\n[AddressSpaceOperations]\npublic static partial class Fs\n{\n#if FEATURE\n    [ReadPage] public static int ReadA(OpenFile file, Page page) => 1;\n#else\n    [ReadPage] public static int ReadB(OpenFile file, Page page) => 2;\n#endif\n#if false\n    [Bmap] public static ulong Bmap(AddressSpace mapping, ulong block) => 0;\n#endif\n}\n")
            { Bound = new[] { "readPage: &ReadB" }, NotBound = new[] { "ReadA", "bmap:" } },
        new("IfBranchesWithSymbol", MalformedExpectation.Valid,
            "#define FEATURE\n" + Usings + "namespace Corpus;\n[AddressSpaceOperations]\npublic static partial class Fs\n{\n#if FEATURE\n    [ReadPage] public static int ReadA(OpenFile file, Page page) => 1;\n#else\n    [ReadPage] public static int ReadB(OpenFile file, Page page) => 2;\n#endif\n}\n")
            { Bound = new[] { "readPage: &ReadA" }, NotBound = new[] { "ReadB" } },
        new("OpAttributeAlias", MalformedExpectation.Valid,
            "using RP = AopsGen.ReadPageAttribute;\n" + Usings + "namespace Corpus;\n[AddressSpaceOperations]\npublic static partial class Fs { [RP] public static int Read(OpenFile file, Page page) => 0; }\n")
            { Bound = new[] { "readPage: &Read" } },
        new("ClassAttributeAlias", MalformedExpectation.Valid,
            "using Aops = AopsGen.AddressSpaceOperationsAttribute;\n" + Usings + "namespace Corpus;\n[Aops]\npublic static partial class Fs { [ReadPage] public static int Read(OpenFile file, Page page) => 0; }\n")
            { Bound = new[] { "readPage: &Read" } },
        new("GlobalUsingAliasInAnotherFile", MalformedExpectation.Valid,
            "global using GlobalAops = AopsGen.AddressSpaceOperationsAttribute;\nglobal using GlobalRead = AopsGen.ReadPageAttribute;\n",
            Usings + "namespace Corpus;\n[GlobalAops]\npublic static partial class Fs { [GlobalRead] public static int Read(OpenFile file, Page page) => 0; }\n")
            { Bound = new[] { "readPage: &Read" } },
        new("FullyQualifiedAttributes", MalformedExpectation.Valid,
            "namespace Corpus;\n[global::AopsGen.AddressSpaceOperationsAttribute]\npublic static partial class Fs { [AopsGen.ReadPage] public static int Read(AopsGen.OpenFile file, AopsGen.Page page) => 0; }\n")
            { Bound = new[] { "readPage: &Read" } },
        new("NullableAnnotationsDiffer", MalformedExpectation.Valid,
            InClass("[WriteBegin] public static int WriteBegin(OpenFile file, AddressSpace mapping, long pos, uint len, uint flags, out Page page, out object fsData) { page = null!; fsData = null!; return 0; }"))
            { Bound = new[] { "writeBegin: &WriteBegin" } },
        new("ExtensionOpMethod", MalformedExpectation.Valid,
            Usings + "namespace Corpus;\n[AddressSpaceOperations]\npublic static partial class Fs { [FreePage] public static void Drop(this Page page) { } }\n")
            { Bound = new[] { "freePage: &Drop" } },
        new("NestedInInterface", MalformedExpectation.Valid,
            Usings + "namespace Corpus;\npublic partial interface IOuter\n{\n    [AddressSpaceOperations]\n    public static partial class Fs { [FreePage] public static void FreePage(Page page) { } }\n}\n")
            { Bound = new[] { "freePage: &FreePage" } },
        new("PartialOpMethod", MalformedExpectation.Valid,
            Usings + "namespace Corpus;\n[AddressSpaceOperations]\npublic static partial class Fs\n{\n    [FreePage] static partial void Drop(Page page);\n    static partial void Drop(Page page) { }\n}\n")
            { Bound = new[] { "freePage: &Drop" } },
        new("PartialOpMethodWithoutImplementation", MalformedExpectation.TableWithoutOp,
            InClass("[FreePage] static partial void Drop(Page page);"))
        {
            Bound = new[] { "writePage: &WritePage" },
            NotBound = new[] { "freePage:" },
        },
        new("FileLocalClass", MalformedExpectation.NoSource,
            Usings + "namespace Corpus;\n[AddressSpaceOperations]\nfile static partial class Fs { [FreePage] public static void FreePage(Page page) { } }\n")
            { Rule = "AOPS010" }, // a generated part in another file cannot reopen a file-local type; its metadata name has '<'
        new("TableNameWithLineSeparator", MalformedExpectation.Valid,
            InClass("", "[AddressSpaceOperations(\"line\\u2028separator\\u0085next\")]\npublic static partial class Fs"))
        {
            Bound = new[] { "name: \"line\\u2028separator\\u0085next\"" },
        },
        new("KeywordNamespace", MalformedExpectation.Valid,
            Usings + "namespace @event.@struct;\n[AddressSpaceOperations]\npublic static partial class Fs { [LaunderPage] public static int LaunderPage(Page page) => 7; }\n")
        {
            Bound = new[] { "namespace @event.@struct", "launderPage: &LaunderPage" },
        },
    };

    /// <summary>The case named <paramref name="name"/>.</summary>
    public static MalformedCase Get(string name) => Cases.Single(c => c.Name == name);

    /// <summary>Names of the cases with <paramref name="expectation"/> (all if null).</summary>
    public static IEnumerable<string> Names(MalformedExpectation? expectation = null)
        => Cases.Where(c => expectation is null || c.Expectation == expectation).Select(c => c.Name);

    /// <summary>200 methods, op i % 20 on method Mi: each op's first method (M0..M19) wins.</summary>
    private static string HugeClass()
    {
        var text = new StringBuilder(Usings + "namespace Corpus;\n\n[AddressSpaceOperations]\npublic static partial class Huge\n{\n");
        for (int i = 0; i < 200; i++)
        {
            OpDescriptor op = OpCatalog.All[i % OpCatalog.All.Length];
            string signature = op.DisplaySignature.Replace(" " + op.Name + "(", " M" + i + "(", StringComparison.Ordinal);
            text.Append("    [").Append(op.Name).Append("] public ").Append(signature).Append(" => throw new NotImplementedException();\n");
        }
        return text.Append("}\n").ToString();
    }
}

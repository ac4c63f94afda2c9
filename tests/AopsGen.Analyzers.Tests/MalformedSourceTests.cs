using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Xunit;
using static AopsGen.Analyzers.Tests.AnalyzerHarness;

namespace AopsGen.Analyzers.Tests;

/// <summary>
/// No analyzer throws (no AD0001, no exception callback) on code that is incomplete or wrong: code being typed in an
/// editor is malformed most of the time, and a throwing analyzer disables itself for the session.
/// </summary>
public sealed class MalformedSourceTests
{
    /// <summary>Each entry is one file's text, compiled after <see cref="AnalyzerHarness.Usings"/>.</summary>
    public static readonly string[] Corpus =
    {
        "[AddressSpaceOperations",
        "[AddressSpaceOperations] public partial class",
        "[AddressSpaceOperations] public partial class Fs {",
        "[AddressSpaceOperations] public partial class Fs { [ReadPage] public static int ReadPage(",
        "[AddressSpaceOperations] public partial class Fs { [ReadPage] public static int ReadPage(OpenFile file, Page page) }",
        "[AddressSpaceOperations] public partial class Fs { [ReadPage] public static ReadPage(OpenFile file, Page page) => 0; }",
        "[AddressSpaceOperations] public partial class Fs { [ReadPage] public static Missing ReadPage(Unknown file, Page page) => 0; }",
        "[AddressSpaceOperations] public partial class Fs { [ReadPage] int; }",
        "[AddressSpaceOperations] public partial class Fs { [ReadPage] public static int ReadPage(OpenFile file, Page page) => new; }",
        "[AddressSpaceOperations] public partial class Fs { [ReadPage] public static int ReadPage(OpenFile file, Page page) { throw } }",
        "[AddressSpaceOperations] public partial class Fs { [DirectIO] public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) => $\"{offset\"; [SwapActivate] public static int A(SwapInfo s, OpenFile f, out ulong n) { n = 0; return 0; } }",
        "[AddressSpaceOperations(42)] public partial class Fs { }",
        "[AddressSpaceOperations(\"a\", \"b\")] public partial class Fs { }",
        "[AddressSpaceOperations(null)] public partial class Fs { }",
        "[AddressSpaceOperations(Name = \"x\")] public partial class Fs { }",
        "[AddressSpaceOperations][AddressSpaceOperations] public partial class Fs { }",
        "[AddressSpaceOperations] public partial struct Fs { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }",
        "[AddressSpaceOperations] public partial record struct Fs { }",
        "[AddressSpaceOperations] public partial interface IFs { [ReadPage] static int ReadPage(OpenFile file, Page page) => 0; }",
        "[AddressSpaceOperations] public enum Fs { A }",
        "[AddressSpaceOperations] public delegate int Fs();",
        "[AddressSpaceOperations] public partial record Fs(int A) { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }",
        "[AddressSpaceOperations] public partial class Fs<T> where T : class { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }",
        "public class Outer<T> { public class Mid { [AddressSpaceOperations] public class Fs { [ReadPage] public int ReadPage(OpenFile file, Page page) => 0; } } }",
        "[AddressSpaceOperations] public class Fs { [ReadPage] public int ReadPage(OpenFile file, Page page) => 0; }",
        "[AddressSpaceOperations] public partial class Fs { } public class Fs { }",
        "[AddressSpaceOperations] public partial class Fs { } [AddressSpaceOperations] public partial class Fs { }",
        "[AddressSpaceOperations] public partial class Fs { public int Operations; public class StaticOps { } public void StaticOps() { } }",
        "[AddressSpaceOperations] public partial class Fs { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }",
        "[AddressSpaceOperations] public partial class Fs { [ReadPage, ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }",
        "[AddressSpaceOperations] public partial class Fs { [ReadPage(1)] public static int ReadPage(OpenFile file, Page page) => 0; }",
        "[AddressSpaceOperations] public partial class Fs { [ReadPage] public int Prop { get; } [ReadPage] public Fs() { } [ReadPage] public static int operator +(Fs a, Fs b) => 0; }",
        "[AddressSpaceOperations] public partial class Fs { public int P { [ReadPage] get => 0; } [ReadPage] ~Fs() { } }",
        "[AddressSpaceOperations] public partial class Fs { static void M() { [ReadPage] static int Local(OpenFile file, Page page) => 0; } }",
        "[AddressSpaceOperations] public partial class Fs { [ReadPage] public static extern int ReadPage(OpenFile file, Page page); }",
        "[AddressSpaceOperations] public abstract partial class Fs { [ReadPage] public abstract int ReadPage(OpenFile file, Page page); }",
        "[AddressSpaceOperations] public partial class Fs { [ReadPage] public static partial int ReadPage(OpenFile file, Page page); }",
        "[AddressSpaceOperations] public partial class Fs { [ReadPage] public static int ReadPage(__arglist) => 0; }",
        "[AddressSpaceOperations] public static partial class Fs { [SwapActivate] public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span) => throw; }",
        "[AddressSpaceOperations] public static partial class Fs { [SwapActivate] public static int A(SwapInfo s, OpenFile f, out ulong n) { n = 0; return 0; } [DirectIO] public static long D(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) { var f = () => () => offset; object o = (object); int[] a = new int[]; return $\"{}\".Length + string.Format(\"{0}\", ) + new(); } }",
        "[AddressSpaceOperations] public static partial class Fs { [NoAlloc] public static int M() { var x = new Undefined(); return x + \"a\" + Nope(1, 2, 3) + from q in Missing select q; } }",
        "[NoAlloc] public class NotAMethod { } [NoAlloc(1)] public static class C { [NoAlloc] static C() { _ = new object(); } }",
        "public static class C { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; } [ReadPage] public class D { }",
        "namespace AopsGen { public sealed class ReadPageAttribute : System.Attribute { } } [AddressSpaceOperations] public partial class Fs { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }",
        "[AddressSpaceOperations] public partial class Fs { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0;",
        "partial class { [ReadPage] static int ReadPage(OpenFile file, Page page) => 0; }",
        "[AddressSpaceOperations] unsafe partial class Fs { [ReadPage] public static int ReadPage(OpenFile* file, Page page) => 0; }",
        "[AddressSpaceOperations] partial class @class { [ReadPage] public static int @int(File @file, Page @page) => 0; }",
        "[global::AopsGen.AddressSpaceOperations] file partial class FileLocal { [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0; }",
        "[AddressSpaceOperations] public partial class Fs { [SwapActivate] public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span) { span = 0; return 0; } [SwapActivate] public static int SwapActivate2(SwapInfo sis, OpenFile file, out ulong span) { span = 0; return 0; } }",
        "#if\n[AddressSpaceOperations] partial class Fs { }\n#endif",
        "\u0000\uFFFF[AddressSpaceOperations]",
    };

    public static IEnumerable<object[]> Cases => Corpus.Select((source, i) => new object[] { i });

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task No_analyzer_throws_on_malformed_code(int index)
    {
        string source = Usings + Corpus[index];
        foreach (bool allowUnsafe in new[] { true, false })
        {
            foreach (bool runGenerator in new[] { true, false })
            {
                AnalysisRun run = await AnalyzeAsync(new[] { source }, allowUnsafe, runGenerator);
                AssertNoAnalyzerFailure(run);
            }
        }
    }

    public static IEnumerable<object[]> SharedCases => AopsGen.Generators.Tests.MalformedSources.Cases.Select(c => new object[] { c.Name });

    /// <summary>
    /// The generator tests' corpus (tests/AopsGen.Generators.Tests/MalformedSources.cs): no analyzer throws, and the
    /// analyzers agree with what the generator does with each case. Where it skips a type or an op, an AOPS diagnostic
    /// says why (or a compiler error does); where the case names its rule, that rule is reported; where the generator emits a
    /// full table, no AOPS error but AOPS004 (a duplicate the generator resolves by taking the first) is reported.
    /// </summary>
    [Theory]
    [MemberData(nameof(SharedCases))]
    public async Task Analyzers_agree_with_the_generator_on_the_shared_malformed_corpus(string name)
    {
        AopsGen.Generators.Tests.MalformedCase @case = AopsGen.Generators.Tests.MalformedSources.Get(name);
        AnalysisRun run = await AnalyzeAsync(@case.Sources);
        AssertNoAnalyzerFailure(run);
        string report = string.Join("\n", run.Aops.Concat(run.CompilerErrors));
        switch (@case.Expectation)
        {
            case AopsGen.Generators.Tests.MalformedExpectation.NoSource:
            case AopsGen.Generators.Tests.MalformedExpectation.TableWithoutOp:
                Assert.True(!run.Aops.IsEmpty || run.CompilerErrors.Any(),
                    name + ": the generator skips something here, but nothing says so:\n" + report);
                break;
            case AopsGen.Generators.Tests.MalformedExpectation.Valid:
                Assert.True(!run.Aops.Any(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error && d.Id != "AOPS004"),
                    name + ": the generator emits this table, but an analyzer calls it an error:\n" + report);
                break;
        }
        if (@case.Rule is string rule)
        {
            Assert.True(run.Aops.Any(d => d.Id == rule), name + ": expected " + rule + ":\n" + report);
        }
    }

    [Fact]
    public async Task No_analyzer_throws_on_the_whole_corpus_at_once_without_aopsgen_referenced()
    {
        // Without AopsGen.dll the analyzers register nothing; with a user type of the same name they must still cope.
        var compilation = Compile(new[] { Parse("namespace AopsGen { public sealed class AddressSpaceOperationsAttribute : System.Attribute { } }\n" + string.Join("\n", Corpus.Skip(0).Take(20)), "All.cs") })
            .RemoveAllReferences()
            .AddReferences(References.Where(r => !(r.Display ?? string.Empty).EndsWith("AopsGen.dll", StringComparison.Ordinal)));
        AnalysisRun run = await AnalyzeAsync(compilation, runGenerator: true);
        AssertNoAnalyzerFailure(run);
    }
}

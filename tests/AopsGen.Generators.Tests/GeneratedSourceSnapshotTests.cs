using System.Linq;
using AopsGen.Generators.Tests.Snapshots;
using Xunit;

namespace AopsGen.Generators.Tests;

/// <summary>
/// The generated text for representative classes, compared with the committed
/// <c>Snapshots/GeneratedSourceSnapshotTests.*.verified.cs</c>. Every case must also compile cleanly.
/// </summary>
public sealed class GeneratedSourceSnapshotTests
{
    [Fact]
    public void All_twenty_ops_in_a_static_class_in_a_file_scoped_namespace()
    {
        GeneratorRun run = GeneratorHarness.Run(TestSources.AllOps);

        run.AssertOutputCompilesCleanly();
        Assert.Equal("Fs.AllOps.AllOpsFs.Aops.g.cs", Assert.Single(run.GeneratedSources).HintName);
        Snapshot.Match(run.Source(), "AllOps");
    }

    [Fact]
    public void A_few_ops_in_an_internal_non_static_class_in_a_block_namespace()
    {
        GeneratorRun run = GeneratorHarness.Run(TestSources.FewOps);

        run.AssertOutputCompilesCleanly();
        Assert.Equal("Fs.Few.FewOpsFs.Aops.g.cs", Assert.Single(run.GeneratedSources).HintName);
        Snapshot.Match(run.Source(), "FewOps");
    }

    [Fact]
    public void Class_nested_in_a_partial_class()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using AopsGen;

            namespace Fs.Nested;

            public partial class Outer
            {
                [AddressSpaceOperations]
                internal static partial class InnerFs
                {
                    [ReadPage]
                    private static int ReadPage(OpenFile file, Page page) => 0;

                    [FreePage]
                    public static void FreePage(Page page) { }
                }
            }
            """);

        run.AssertOutputCompilesCleanly();
        Assert.Equal("Fs.Nested.Outer+InnerFs.Aops.g.cs", Assert.Single(run.GeneratedSources).HintName);
        Snapshot.Match(run.Source(), "NestedInClass");
    }

    [Fact]
    public void Class_nested_in_a_partial_struct()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using AopsGen;

            namespace Fs.Nested
            {
                public partial struct Holder
                {
                    public int Value;

                    [AddressSpaceOperations("holder_aops")]
                    public partial class HeldFs
                    {
                        [Bmap]
                        public static ulong Bmap(AddressSpace mapping, ulong block) => block + 1;
                    }
                }
            }
            """);

        run.AssertOutputCompilesCleanly();
        Assert.Equal("Fs.Nested.Holder+HeldFs.Aops.g.cs", Assert.Single(run.GeneratedSources).HintName);
        Snapshot.Match(run.Source(), "NestedInStruct");
    }

    [Fact]
    public void Class_nested_three_deep_in_a_record_a_record_struct_and_a_class()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using AopsGen;

            namespace Fs.Deep;

            public partial record Outer(int A)
            {
                public partial record struct Middle(int B)
                {
                    public static partial class Inner
                    {
                        [AddressSpaceOperations]
                        public static partial class DeepFs
                        {
                            [SyncPage]
                            public static void SyncPage(Page page) { }
                        }
                    }
                }
            }
            """);

        run.AssertOutputCompilesCleanly();
        Assert.Equal("Fs.Deep.Outer+Middle+Inner+DeepFs.Aops.g.cs", Assert.Single(run.GeneratedSources).HintName);
        Snapshot.Match(run.Source(), "NestedThreeDeep");
    }

    [Fact]
    public void Class_in_the_global_namespace()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using AopsGen;

            [AddressSpaceOperations]
            public partial class GlobalFs
            {
                [WritePage]
                public static int WritePage(Page page, WritebackControl wbc) => 0;

                [LaunderPage]
                public static int LaunderPage(Page page) => 0;
            }
            """);

        run.AssertOutputCompilesCleanly();
        Assert.Equal("GlobalFs.Aops.g.cs", Assert.Single(run.GeneratedSources).HintName);
        Snapshot.Match(run.Source(), "GlobalNamespace");
    }

    [Fact]
    public void Named_table()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using System;
            using AopsGen;

            namespace Fs.Nfs;

            [AddressSpaceOperations("nfs_file_aops")]
            public static partial class NfsFile
            {
                [ReadPage]
                public static int ReadPage(OpenFile file, Page page) => 0;

                [DirectIO]
                public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) => 0;

                [SwapActivate]
                public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span) { span = 0; return 0; }

                [SwapDeactivate]
                public static void SwapDeactivate(OpenFile file) { }
            }
            """);

        run.AssertOutputCompilesCleanly();
        Snapshot.Match(run.Source(), "NamedTable");
    }

    [Fact]
    public void Table_name_with_characters_to_escape_and_a_table_with_no_op()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using AopsGen;

            namespace Fs.Odd;

            [AddressSpaceOperations("quote\" back\\slash <angle> & amp\ttab")]
            public static partial class OddFs
            {
            }
            """);

        run.AssertOutputCompilesCleanly();
        Snapshot.Match(run.Source(), "EscapedNameNoOps");
    }

    [Fact]
    public void Keyword_named_op_methods_are_escaped()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using AopsGen;

            namespace Fs.Keywords;

            [AddressSpaceOperations]
            public static partial class KeywordFs
            {
                [ReadPage]
                public static int @checked(OpenFile file, Page page) => 0;

                [Bmap]
                public static ulong @class(AddressSpace mapping, ulong block) => 0;

                [FreePage]
                public static void @_(Page page) { }
            }
            """);

        run.AssertOutputCompilesCleanly();
        Snapshot.Match(run.Source(), "KeywordMethods");
    }

    [Fact]
    public void Same_class_name_in_two_namespaces_gets_two_hint_names()
    {
        GeneratorRun run = GeneratorHarness.Run(
            """
            using AopsGen;

            namespace Fs.First
            {
                [AddressSpaceOperations]
                public static partial class Table
                {
                    [ReadPage]
                    public static int ReadPage(OpenFile file, Page page) => 1;
                }
            }
            """,
            """
            using AopsGen;

            namespace Fs.Second
            {
                [AddressSpaceOperations]
                public static partial class Table
                {
                    [WritePage]
                    public static int WritePage(Page page, WritebackControl wbc) => 2;
                }
            }
            """);

        run.AssertOutputCompilesCleanly();
        Assert.Equal(
            new[] { "Fs.First.Table.Aops.g.cs", "Fs.Second.Table.Aops.g.cs" },
            run.GeneratedSources.Select(s => s.HintName).OrderBy(n => n, StringComparer.Ordinal));
        Snapshot.Match(run.Source("Fs.First.Table.Aops.g.cs"), "SameName.First");
        Snapshot.Match(run.Source("Fs.Second.Table.Aops.g.cs"), "SameName.Second");
    }
}

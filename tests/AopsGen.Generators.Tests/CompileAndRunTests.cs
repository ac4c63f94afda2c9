using System.Linq;
using System.Reflection;
using Xunit;

namespace AopsGen.Generators.Tests;

/// <summary>
/// The generated code compiled with the runtime, emitted, loaded and called: through the table
/// (<c>Operations</c> and <see cref="AopsCalls"/>), and through <c>StaticOps</c> (compile-time dispatch).
/// </summary>
public sealed class CompileAndRunTests
{
    [Fact]
    public void All_twenty_ops_are_set_and_each_call_through_the_table_reaches_its_method()
    {
        Assembly assembly = GeneratorHarness.EmitAndLoad(GeneratorHarness.Run(TestSources.AllOps));
        AddressSpaceOperations table = GeneratorHarness.Operations(assembly, "Fs.AllOps.AllOpsFs");
        FieldInfo last = assembly.GetType("Fs.AllOps.AllOpsFs", throwOnError: true)!.GetField("Last")!;

        Assert.Same(table, GeneratorHarness.Operations(assembly, "Fs.AllOps.AllOpsFs"));
        Assert.Equal("AllOpsFs", table.Name);
        Assert.All(Enum.GetValues<AddressSpaceOp>(), op => Assert.True(table.Has(op), op.ToString()));
        Assert.Equal(Enum.GetValues<AddressSpaceOp>(), table.SetOps);

        // Each call is (op, what the test source's method for it returns); each method records its kernel name.
        var calls = new (AddressSpaceOp Op, Func<object> Call, object Expected)[]
        {
            (AddressSpaceOp.WritePage, () => AopsCalls.WritePage(table, null!, null!), 0),
            (AddressSpaceOp.ReadPage, () => AopsCalls.ReadPage(table, null!, null!), 1),
            (AddressSpaceOp.WritePages, () => AopsCalls.WritePages(table, null!, null!), 2),
            (AddressSpaceOp.SetPageDirty, () => AopsCalls.SetPageDirty(table, null!), true),
            (AddressSpaceOp.ReadPages, () => AopsCalls.ReadPages(table, null!, null!, default), 4),
            (AddressSpaceOp.WriteBegin, () => AopsCalls.WriteBegin(table, null!, null!, 0, 0, 0, out _, out object? fsData) + ":" + fsData, "5:fs-data"),
            (AddressSpaceOp.WriteEnd, () => AopsCalls.WriteEnd(table, null!, null!, 0, 0, 0, null!, null), 6),
            (AddressSpaceOp.Bmap, () => AopsCalls.Bmap(table, null!, 0), 7UL),
            (AddressSpaceOp.InvalidatePage, () => { AopsCalls.InvalidatePage(table, null!, 0); return "void"; }, "void"),
            (AddressSpaceOp.ReleasePage, () => AopsCalls.ReleasePage(table, null!, default), true),
            (AddressSpaceOp.FreePage, () => { AopsCalls.FreePage(table, null!); return "void"; }, "void"),
            (AddressSpaceOp.DirectIO, () => AopsCalls.DirectIO(table, default, null!, default, 0), 11L),
            (AddressSpaceOp.MigratePage, () => AopsCalls.MigratePage(table, null!, null!, null!, default), 12),
            (AddressSpaceOp.LaunderPage, () => AopsCalls.LaunderPage(table, null!), 13),
            (AddressSpaceOp.IsPartiallyUptodate, () => AopsCalls.IsPartiallyUptodate(table, null!, 0, 0), true),
            (AddressSpaceOp.ErrorRemovePage, () => AopsCalls.ErrorRemovePage(table, null!, null!), 15),
            (AddressSpaceOp.SwapActivate, () => AopsCalls.SwapActivate(table, null!, null!, out ulong span) + ":" + span, "16:16"),
            (AddressSpaceOp.SwapDeactivate, () => { AopsCalls.SwapDeactivate(table, null!); return "void"; }, "void"),
            (AddressSpaceOp.SyncPage, () => { AopsCalls.SyncPage(table, null!); return "void"; }, "void"),
            (AddressSpaceOp.SwapRw, () => AopsCalls.SwapRw(table, null!, default), 19),
        };
        Assert.Equal(Enum.GetValues<AddressSpaceOp>(), calls.Select(c => c.Op));
        foreach (var (op, call, expected) in calls)
        {
            last.SetValue(null, "");
            Assert.Equal(expected, call());
            Assert.Equal(op.KernelName(), last.GetValue(null));
        }
    }

    [Fact]
    public void Declared_ops_are_set_others_are_null_and_both_dispatch_paths_reach_the_methods()
    {
        Assembly assembly = GeneratorHarness.EmitAndLoad(GeneratorHarness.Run(TestSources.FewOps));
        AddressSpaceOperations table = GeneratorHarness.Operations(assembly, "Fs.Few.FewOpsFs");
        AddressSpaceOp[] declared = { AddressSpaceOp.ReadPage, AddressSpaceOp.DirectIO, AddressSpaceOp.SwapActivate };

        Assert.All(Enum.GetValues<AddressSpaceOp>(), op => Assert.Equal(declared.Contains(op), table.Has(op)));
        Assert.Equal("few_aops { .readpage, .direct_IO, .swap_activate }", table.ToString());

        // The probe calls through Operations (bmap falls back to its NULL default, 0), then through
        // StaticOps (write_begin and bmap keep the interface's NULL defaults: -EINVAL and 0).
        string probe = (string)GeneratorHarness.Invoke(assembly, "Fs.Few.Probe", "Run")!;
        Assert.Equal(
            "few_aops { .readpage, .direct_IO, .swap_activate }|42|8|0/1234|0|ReadPage;DirectIO@7;SwapActivate;"
            + "||42|3|0/1234|0|-22/True/True|ReadPage;DirectIO@2;SwapActivate;|True|True",
            probe);
    }

    [Fact]
    public void A_call_through_AopsCalls_reaches_the_right_method_among_several()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using AopsGen;

            namespace Fs.Calls;

            [AddressSpaceOperations]
            public static partial class CallsFs
            {
                public static string Last = "";

                [ReadPage]
                public static int Read(OpenFile file, Page page) { Last = nameof(Read); return 1; }

                [WritePage]
                public static int Write(Page page, WritebackControl wbc) { Last = nameof(Write); return 2; }

                // Same parameter list, no attribute: must not be what the table points at.
                public static int NotAnOp(OpenFile file, Page page) { Last = nameof(NotAnOp); return -1; }
            }
            """);
        Assembly assembly = GeneratorHarness.EmitAndLoad(run);
        AddressSpaceOperations table = GeneratorHarness.Operations(assembly, "Fs.Calls.CallsFs");
        FieldInfo last = assembly.GetType("Fs.Calls.CallsFs", throwOnError: true)!.GetField("Last")!;

        Assert.Equal(1, AopsCalls.ReadPage(table, null!, null!));
        Assert.Equal("Read", last.GetValue(null));
        Assert.True(table.Has(AddressSpaceOp.ReadPage));
        Assert.False(table.Has(AddressSpaceOp.DirectIO));
    }

    [Fact]
    public void Overloaded_op_method_name_binds_the_overload_with_the_attribute()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using AopsGen;

            namespace Fs.Overloads;

            [AddressSpaceOperations]
            public static partial class OverloadFs
            {
                public static ulong Map(AddressSpace mapping, long block) => 1;

                [Bmap]
                public static ulong Map(AddressSpace mapping, ulong block) => block * 10;

                public static ulong Map(ulong block) => 3;

                public static string Probe() => OverloadFs.StaticOps.Bmap(null!, 4) + "|" + AopsCalls.Bmap(Operations, null!, 5);
            }
            """);
        Assembly assembly = GeneratorHarness.EmitAndLoad(run);

        Assert.Equal("40|50", GeneratorHarness.Invoke(assembly, "Fs.Overloads.OverloadFs", "Probe"));
    }

    [Fact]
    public void Static_and_non_static_public_and_internal_classes_all_compile_and_run()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using AopsGen;

            namespace Fs.Kinds;

            [AddressSpaceOperations] public static partial class PublicStatic { [LaunderPage] public static int L(Page page) => 1; }
            [AddressSpaceOperations] internal static partial class InternalStatic { [LaunderPage] public static int L(Page page) => 2; }
            [AddressSpaceOperations] public partial class PublicInstance { [LaunderPage] public static int L(Page page) => 3; }
            [AddressSpaceOperations] internal sealed partial class InternalSealed { [LaunderPage] internal static int L(Page page) => 4; }
            [AddressSpaceOperations] public abstract partial class PublicAbstract { [LaunderPage] protected static int L(Page page) => 5; }

            public static class Probe
            {
                public static string Run() => string.Join(",",
                    AopsCalls.LaunderPage(PublicStatic.Operations, null!),
                    AopsCalls.LaunderPage(InternalStatic.Operations, null!),
                    AopsCalls.LaunderPage(PublicInstance.Operations, null!),
                    AopsCalls.LaunderPage(InternalSealed.Operations, null!),
                    AopsCalls.LaunderPage(PublicAbstract.Operations, null!),
                    PublicAbstract.StaticOps.LaunderPage(null!));
            }
            """);
        Assert.Equal(5, run.GeneratedSources.Length);
        Assembly assembly = GeneratorHarness.EmitAndLoad(run);

        Assert.Equal("1,2,3,4,5,5", GeneratorHarness.Invoke(assembly, "Fs.Kinds.Probe", "Run"));
    }

    [Fact]
    public void Keyword_named_class_containing_class_and_method_compile_and_run()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using AopsGen;

            namespace Fs.Keywords
            {
                public partial class @class
                {
                    [AddressSpaceOperations]
                    public static partial class @record
                    {
                        [LaunderPage]
                        public static int @return(Page page) => 7;
                    }
                }

                public static class Probe
                {
                    public static string Run() => AopsCalls.LaunderPage(@class.@record.Operations, null!) + "|" + @class.@record.StaticOps.LaunderPage(null!);
                }
            }
            """);

        run.AssertOutputCompilesCleanly();
        Assert.Equal("Fs.Keywords.class+record.Aops.g.cs", Assert.Single(run.GeneratedSources).HintName);
        Assert.Equal("7|7", GeneratorHarness.Invoke(GeneratorHarness.EmitAndLoad(run), "Fs.Keywords.Probe", "Run"));
    }
}

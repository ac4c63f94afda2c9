using System.Linq;
using Xunit;

namespace AopsGen.Tests;

public sealed unsafe class AddressSpaceOperationsTableTests
{
    private static int ReadPageOp(OpenFile file, Page page) => 0;

    private static long DirectIOOp(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) => 0;

    private static readonly AddressSpaceOp[] AllOps = Enum.GetValues<AddressSpaceOp>();

    public static TheoryData<AddressSpaceOp> Ops()
    {
        var data = new TheoryData<AddressSpaceOp>();
        foreach (AddressSpaceOp op in AllOps)
        {
            data.Add(op);
        }
        return data;
    }

    [Fact]
    public void There_are_20_ops_numbered_in_table_order()
    {
        Assert.Equal(20, AddressSpaceOpInfo.Count);
        Assert.Equal(Enumerable.Range(0, 20), AllOps.Select(op => (int)op));
    }

    [Fact]
    public void Kernel_names_are_those_of_struct_address_space_operations()
    {
        string[] expected =
        [
            "writepage", "readpage", "writepages", "set_page_dirty", "readpages", "write_begin", "write_end",
            "bmap", "invalidatepage", "releasepage", "freepage", "direct_IO", "migratepage", "launder_page",
            "is_partially_uptodate", "error_remove_page", "swap_activate", "swap_deactivate", "sync_page", "swap_rw",
        ];
        Assert.Equal(expected, AllOps.Select(op => op.KernelName()));
    }

    [Fact]
    public void KernelName_and_NullDefault_of_an_unknown_op_throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ((AddressSpaceOp)20).KernelName());
        Assert.Throws<ArgumentOutOfRangeException>(() => ((AddressSpaceOp)(-1)).NullDefault());
    }

    [Fact]
    public void Every_op_describes_its_own_NULL_default()
    {
        string[] defaults = AllOps.Select(op => op.NullDefault()).ToArray();
        Assert.All(defaults, d => Assert.False(string.IsNullOrWhiteSpace(d)));
        // write_begin and write_end share one text (neither has a default); every other op has its own.
        Assert.Equal(AddressSpaceOp.WriteBegin.NullDefault(), AddressSpaceOp.WriteEnd.NullDefault());
        Assert.Equal(defaults.Length - 1, defaults.Distinct().Count());
        Assert.Contains("EINVAL", AddressSpaceOp.DirectIO.NullDefault(), StringComparison.Ordinal);
        Assert.Contains("AOP_WRITEPAGE_ACTIVATE", AddressSpaceOp.WritePage.NullDefault(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_table_built_with_readpage_and_direct_IO_has_exactly_those_two()
    {
        var aops = new AddressSpaceOperations(name: "x", readPage: &ReadPageOp, directIO: &DirectIOOp);
        foreach (AddressSpaceOp op in AllOps)
        {
            bool expected = op is AddressSpaceOp.ReadPage or AddressSpaceOp.DirectIO;
            Assert.True(expected == aops.Has(op), $"Has({op}) should be {expected}");
        }
        Assert.Equal((nint)(delegate*<OpenFile, Page, int>)&ReadPageOp, (nint)aops.ReadPage);
        Assert.Equal((nint)(delegate*<Rw, Kiocb, ReadOnlySpan<IoVec>, long, long>)&DirectIOOp, (nint)aops.DirectIO);
        Assert.True(aops.WritePage == null);
        Assert.Equal([AddressSpaceOp.ReadPage, AddressSpaceOp.DirectIO], aops.SetOps);
    }

    [Fact]
    public void ToString_lists_the_set_ops_as_designated_initializers()
    {
        var aops = new AddressSpaceOperations(name: "x", readPage: &ReadPageOp, directIO: &DirectIOOp);
        Assert.Equal("x { .readpage, .direct_IO }", aops.ToString());
    }

    [Fact]
    public void ToString_of_an_empty_table_is_empty_braces()
    {
        Assert.Equal("aops { }", new AddressSpaceOperations().ToString());
    }

    [Fact]
    public void ToString_of_a_full_table_lists_all_20_ops_in_table_order()
    {
        string expected = "full_aops { " + string.Join(", ", AllOps.Select(op => "." + op.KernelName())) + " }";
        Assert.Equal(expected, TestOps.Full().ToString());
    }

    [Fact]
    public void An_empty_table_has_all_20_slots_null()
    {
        var aops = new AddressSpaceOperations();
        Assert.All(AllOps, op => Assert.False(aops.Has(op)));
        Assert.Empty(aops.SetOps);
        Assert.True(aops.WritePage == null);
        Assert.True(aops.ReadPage == null);
        Assert.True(aops.WritePages == null);
        Assert.True(aops.SetPageDirty == null);
        Assert.True(aops.ReadPages == null);
        Assert.True(aops.WriteBegin == null);
        Assert.True(aops.WriteEnd == null);
        Assert.True(aops.Bmap == null);
        Assert.True(aops.InvalidatePage == null);
        Assert.True(aops.ReleasePage == null);
        Assert.True(aops.FreePage == null);
        Assert.True(aops.DirectIO == null);
        Assert.True(aops.MigratePage == null);
        Assert.True(aops.LaunderPage == null);
        Assert.True(aops.IsPartiallyUptodate == null);
        Assert.True(aops.ErrorRemovePage == null);
        Assert.True(aops.SwapActivate == null);
        Assert.True(aops.SwapDeactivate == null);
        Assert.True(aops.SyncPage == null);
        Assert.True(aops.SwapRw == null);
    }

    [Fact]
    public void A_full_table_has_all_20_ops_each_in_its_own_slot()
    {
        AddressSpaceOperations aops = TestOps.Full();
        Assert.All(AllOps, op => Assert.True(aops.Has(op)));
        Assert.Equal(AllOps, aops.SetOps);
        Assert.Equal(TestOps.Address(AddressSpaceOp.WritePage), (nint)aops.WritePage);
        Assert.Equal(TestOps.Address(AddressSpaceOp.ReadPage), (nint)aops.ReadPage);
        Assert.Equal(TestOps.Address(AddressSpaceOp.WritePages), (nint)aops.WritePages);
        Assert.Equal(TestOps.Address(AddressSpaceOp.SetPageDirty), (nint)aops.SetPageDirty);
        Assert.Equal(TestOps.Address(AddressSpaceOp.ReadPages), (nint)aops.ReadPages);
        Assert.Equal(TestOps.Address(AddressSpaceOp.WriteBegin), (nint)aops.WriteBegin);
        Assert.Equal(TestOps.Address(AddressSpaceOp.WriteEnd), (nint)aops.WriteEnd);
        Assert.Equal(TestOps.Address(AddressSpaceOp.Bmap), (nint)aops.Bmap);
        Assert.Equal(TestOps.Address(AddressSpaceOp.InvalidatePage), (nint)aops.InvalidatePage);
        Assert.Equal(TestOps.Address(AddressSpaceOp.ReleasePage), (nint)aops.ReleasePage);
        Assert.Equal(TestOps.Address(AddressSpaceOp.FreePage), (nint)aops.FreePage);
        Assert.Equal(TestOps.Address(AddressSpaceOp.DirectIO), (nint)aops.DirectIO);
        Assert.Equal(TestOps.Address(AddressSpaceOp.MigratePage), (nint)aops.MigratePage);
        Assert.Equal(TestOps.Address(AddressSpaceOp.LaunderPage), (nint)aops.LaunderPage);
        Assert.Equal(TestOps.Address(AddressSpaceOp.IsPartiallyUptodate), (nint)aops.IsPartiallyUptodate);
        Assert.Equal(TestOps.Address(AddressSpaceOp.ErrorRemovePage), (nint)aops.ErrorRemovePage);
        Assert.Equal(TestOps.Address(AddressSpaceOp.SwapActivate), (nint)aops.SwapActivate);
        Assert.Equal(TestOps.Address(AddressSpaceOp.SwapDeactivate), (nint)aops.SwapDeactivate);
        Assert.Equal(TestOps.Address(AddressSpaceOp.SyncPage), (nint)aops.SyncPage);
        Assert.Equal(TestOps.Address(AddressSpaceOp.SwapRw), (nint)aops.SwapRw);
        Assert.Equal(20, AllOps.Select(TestOps.Address).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void A_table_with_one_op_reports_only_that_op(AddressSpaceOp op)
    {
        AddressSpaceOperations aops = TestOps.Table("one", [op]);
        Assert.Equal([op], AllOps.Where(aops.Has));
        Assert.Equal([op], aops.SetOps);
        Assert.Equal($"one {{ .{op.KernelName()} }}", aops.ToString());
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void A_table_without_one_op_reports_all_others(AddressSpaceOp missing)
    {
        AddressSpaceOperations aops = TestOps.Table("all_but_one", AllOps.Where(op => op != missing).ToArray());
        Assert.Equal(AllOps.Where(op => op != missing), AllOps.Where(aops.Has));
        Assert.Equal(19, aops.SetOps.Count);
    }

    [Fact]
    public void SetOps_are_in_table_order_whatever_order_the_ops_were_given()
    {
        AddressSpaceOp[] chosen = [AddressSpaceOp.SwapRw, AddressSpaceOp.Bmap, AddressSpaceOp.WritePage, AddressSpaceOp.SwapActivate];
        AddressSpaceOperations aops = TestOps.Table(null, chosen);
        Assert.Equal([AddressSpaceOp.WritePage, AddressSpaceOp.Bmap, AddressSpaceOp.SwapActivate, AddressSpaceOp.SwapRw], aops.SetOps);
        Assert.Equal("aops { .writepage, .bmap, .swap_activate, .swap_rw }", aops.ToString());
    }

    [Fact]
    public void Has_of_an_unknown_op_throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TestOps.Full().Has((AddressSpaceOp)20));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Name_defaults_to_aops(string? name)
    {
        Assert.Equal("aops", new AddressSpaceOperations(name: name).Name);
    }

    [Fact]
    public void Name_is_the_given_name()
    {
        Assert.Equal("nfs_file_aops", new AddressSpaceOperations("nfs_file_aops").Name);
    }

    [Fact]
    public void Describe_lists_every_op_as_set_or_with_its_NULL_default()
    {
        var aops = new AddressSpaceOperations(name: "x", readPage: &ReadPageOp, directIO: &DirectIOOp);
        string[] lines = aops.Describe().Split('\n');
        Assert.Equal(22, lines.Length); // name, 20 ops, and the empty string after the last newline
        Assert.Equal("x", lines[0]);
        Assert.Equal("", lines[21]);
        for (int i = 0; i < AllOps.Length; i++)
        {
            AddressSpaceOp op = AllOps[i];
            string expected = "  " + op.KernelName().PadRight(22)
                + (op is AddressSpaceOp.ReadPage or AddressSpaceOp.DirectIO ? "set" : "default: " + op.NullDefault());
            Assert.Equal(expected, lines[i + 1]);
        }
        Assert.Equal("  readpage              set", lines[2]);
        Assert.StartsWith("  writepage             default: ", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_of_a_full_table_says_set_for_every_op()
    {
        string[] lines = TestOps.Full().Describe().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(21, lines.Length);
        Assert.All(lines.Skip(1), line => Assert.EndsWith(" set", line, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("default:", StringComparison.Ordinal));
    }

    [Fact]
    public void Tables_are_independent_objects()
    {
        var a = new AddressSpaceOperations(name: "a", readPage: &ReadPageOp);
        var b = new AddressSpaceOperations(name: "b");
        Assert.True(a.Has(AddressSpaceOp.ReadPage));
        Assert.False(b.Has(AddressSpaceOp.ReadPage));
        Assert.Equal("a { .readpage }", a.ToString());
        Assert.Equal("b { }", b.ToString());
    }
}

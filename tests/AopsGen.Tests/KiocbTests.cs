using Xunit;

namespace AopsGen.Tests;

public sealed unsafe class KiocbTests
{
    private static void Completion(Kiocb iocb, long result)
    {
    }

    [Fact]
    public void A_new_kiocb_is_synchronous_and_empty()
    {
        var iocb = new Kiocb();
        Assert.True(iocb.IsSync);
        Assert.Null(iocb.File);
        Assert.Equal(0, iocb.Position);
        Assert.Equal(0, iocb.NBytes);
        Assert.Equal(0, iocb.Left);
        Assert.Null(iocb.Private);
    }

    [Fact]
    public void A_kiocb_with_a_completion_is_not_synchronous()
    {
        var iocb = new Kiocb { Complete = &Completion };
        Assert.False(iocb.IsSync);
    }

    [Fact]
    public void Init_resets_every_field_and_returns_the_same_kiocb()
    {
        OpenFile first = TestFs.NewFile(TestFs.Empty, "/swap/first");
        OpenFile second = TestFs.NewFile(TestFs.Empty, "/swap/second");
        var iocb = new Kiocb();
        iocb.Init(first, 4096, 4096);
        iocb.Position = 123;
        iocb.Left = 17;
        iocb.Complete = &Completion;
        iocb.Private = new object();

        Kiocb same = iocb.Init(second, 8192, 3 * 4096);
        Assert.Same(iocb, same);
        Assert.Same(second, iocb.File);
        Assert.Equal(8192, iocb.Position);
        Assert.Equal(3 * 4096, iocb.NBytes);
        Assert.Equal(3 * 4096, iocb.Left);
        Assert.True(iocb.Complete == null);
        Assert.True(iocb.IsSync);
        Assert.Null(iocb.Private);
    }

    [Fact]
    public void ToString_shows_file_position_and_length()
    {
        var iocb = new Kiocb().Init(TestFs.NewFile(TestFs.Empty, "/swap/file"), 4096, 8192);
        Assert.Equal("kiocb /swap/file pos 4096 nbytes 8192", iocb.ToString());
        Assert.Equal("kiocb (no file) pos 0 nbytes 0", new Kiocb().ToString());
    }
}

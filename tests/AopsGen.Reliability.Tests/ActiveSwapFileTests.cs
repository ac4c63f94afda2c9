using AopsGen.Examples;
using Xunit;
using AopsGen.Vfs;

namespace AopsGen.Reliability.Tests;

/// <summary>
/// S_SWAPFILE: while a file backs swap nothing in the VFS may change what the swap core wrote — writes and
/// shrinking truncates are ETXTBSY (Linux 5.2+), unlink and rename (either way) EPERM (<c>may_delete</c>) — and
/// after swapoff the file is an ordinary file again. Every refusal leaves the swap area's pages intact.
/// </summary>
public sealed class ActiveSwapFileTests : IDisposable
{
    private readonly SwapMachine _m = new();
    private readonly Inode _inode;

    public ActiveSwapFileTests()
    {
        Assert.Equal(0, RamFs.CreateSwapFile(_m.Vfs, _m.Root, "/swapfile", 64L * Page.Size, null, out Inode? inode, out _));
        _inode = inode!;
        Assert.Equal(0, RamFs.CreateFile(_m.Vfs, _m.Root, "/other", Page.Size, Credentials.Root, out _));
        Assert.Equal(0, _m.Swap.SwapOn("/swapfile", 0, Credentials.Root));
    }

    public void Dispose() => _m.Dispose();

    [Fact]
    public void An_active_swap_file_cannot_be_written_shrunk_unlinked_or_renamed_and_stays_intact()
    {
        byte[] header = Snapshot();
        Assert.Equal(0, _m.Vfs.Open("/swapfile", OpenFlags.ReadWrite, Credentials.Root, out OpenFile? file));

        Assert.Equal(Errnos.Neg(Errno.ETXTBSY), MountNamespace.Write(file!, 0, new byte[16]));
        Assert.Equal(Errnos.Neg(Errno.ETXTBSY), MountNamespace.Write(file!, 63L * Page.Size, new byte[16]));
        Assert.Equal(Errnos.Neg(Errno.ETXTBSY), _m.Vfs.Truncate("/swapfile", 0, Credentials.Root));
        Assert.Equal(Errnos.Neg(Errno.ETXTBSY), _m.Vfs.Truncate("/swapfile", _inode.Size, Credentials.Root));
        Assert.Equal(Errnos.Neg(Errno.EPERM), _m.Vfs.Unlink("/swapfile", Credentials.Root));
        Assert.Equal(Errnos.Neg(Errno.EPERM), _m.Vfs.Rename("/swapfile", "/moved", Credentials.Root));
        Assert.Equal(Errnos.Neg(Errno.EPERM), _m.Vfs.Rename("/other", "/swapfile", Credentials.Root));

        Assert.Equal(header, Snapshot());
        Assert.Equal(0, _m.Vfs.Lookup("/swapfile", out Inode? still));
        Assert.Same(_inode, still);
        Assert.Equal(0, _m.Vfs.Lookup("/other", out _));
    }

    [Fact]
    public void Growing_an_active_swap_file_is_allowed_as_in_the_kernel()
    {
        Assert.Equal(0, _m.Vfs.Truncate("/swapfile", 128L * Page.Size, Credentials.Root));
        Assert.Equal(128L * Page.Size, _inode.Size);
    }

    [Fact]
    public void After_swapoff_the_file_is_an_ordinary_file_again()
    {
        Assert.Equal(0, _m.Swap.SwapOff("/swapfile", Credentials.Root));
        Assert.Equal(0, _m.Vfs.Open("/swapfile", OpenFlags.ReadWrite, Credentials.Root, out OpenFile? file));

        Assert.Equal(16, MountNamespace.Write(file!, 0, new byte[16]));
        Assert.Equal(0, _m.Vfs.Rename("/swapfile", "/moved", Credentials.Root));
        Assert.Equal(0, _m.Vfs.Unlink("/moved", Credentials.Root));
    }

    [Fact]
    public void Swapon_and_swapoff_need_CAP_SYS_ADMIN()
    {
        Credentials user = Credentials.User(1000, 1000);

        Assert.Equal(Errnos.Neg(Errno.EPERM), _m.Swap.SwapOff("/swapfile", user));
        Assert.Equal(Errnos.Neg(Errno.EPERM), _m.Swap.SwapOn("/other", 0, user));
        Assert.Single(_m.Swap.Areas);
    }

    private byte[] Snapshot()
    {
        byte[] bytes = new byte[Page.Size];
        RamFs.DataOf(_inode).Read(0, bytes);
        return bytes;
    }
}

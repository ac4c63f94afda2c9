using System.Collections.Generic;
using System.Linq;
using Xunit;
using AopsGen.Mm;
using AopsGen.Vfs;

namespace AopsGen.Tests;

/// <summary>The path side of the VFS: lookup, mounts, create, open, truncate, unlink, rename, write, and the
/// S_SWAPFILE rules for an active swap file.</summary>
public sealed unsafe class VfsNamespaceTests : IDisposable
{
    private static readonly Dictionary<Inode, byte[]> Stores = new();
    private static readonly PageFrames Frames = new(8);
    private readonly SuperBlock _rootFs = new("rootfs", 4096);
    private readonly SuperBlock _otherFs = new("otherfs", 4096);
    private readonly AddressSpaceOperations _memAops = new("mem_aops", writeBegin: &WriteBegin, writeEnd: &WriteEnd);
    private readonly MountNamespace _vfs;
    private ulong _nextIno = 2;

    public VfsNamespaceTests()
    {
        _vfs = new MountNamespace(Dir(_rootFs, 0x1ED /* 0755 */));
        Assert.Equal(0, _vfs.Create("/dir", Dir(_rootFs, 0x1ED), Credentials.Root));
        Assert.Equal(0, _vfs.Create("/dir/file", Reg(_rootFs, 0x180 /* 0600 */), Credentials.Root));
        Assert.Equal(0, _vfs.Create("/mnt", Dir(_rootFs, 0x1ED), Credentials.Root));
    }

    public void Dispose()
    {
        lock (Stores)
        {
            Stores.Clear();
        }
    }

    private Inode Dir(SuperBlock sb, uint mode) => new(sb, _nextIno++, FileType.Directory, mode, _memAops);

    private Inode Reg(SuperBlock sb, uint mode, AddressSpaceOperations? aops = null) => new(sb, _nextIno++, FileType.Regular, mode, aops ?? _memAops);

    private Inode SwapFile(string path)
    {
        Inode inode = Reg(_rootFs, 0x180);
        inode.Size = 10 * Page.Size;
        inode.Flags |= InodeFlags.SwapFile;
        Assert.Equal(0, _vfs.Create(path, inode, Credentials.Root));
        return inode;
    }

    [Fact]
    public void Lookup_walks_absolute_paths_with_dot_and_dotdot()
    {
        Assert.Equal(0, _vfs.Lookup("/dir/./../dir//file", out Inode? inode));
        Assert.Equal(FileType.Regular, inode!.Type);
        Assert.Equal(0, _vfs.Lookup("/", out Inode? root));
        Assert.Equal(FileType.Directory, root!.Type);
    }

    [Theory]
    [InlineData("/nope", Errno.ENOENT)]
    [InlineData("/dir/nope", Errno.ENOENT)]
    [InlineData("/dir/file/below", Errno.ENOTDIR)]
    [InlineData("relative/path", Errno.EINVAL)]
    [InlineData("", Errno.EINVAL)]
    public void Lookup_fails_with_the_kernels_errno(string path, Errno errno)
    {
        Assert.Equal(Errnos.Neg(errno), _vfs.Lookup(path, out Inode? inode));
        Assert.Null(inode);
    }

    [Fact]
    public void Lookup_of_a_component_longer_than_NAME_MAX_is_ENAMETOOLONG()
    {
        Assert.Equal(Errnos.Neg(Errno.ENAMETOOLONG), _vfs.Lookup("/" + new string('a', 256), out _));
    }

    [Fact]
    public void Mount_crosses_into_the_mounted_filesystem_and_dotdot_leads_back_out()
    {
        Inode otherRoot = Dir(_otherFs, 0x1ED);
        Assert.Equal(0, _vfs.Mount("/mnt", otherRoot));
        Assert.Equal(0, _vfs.Create("/mnt/swapfile", Reg(_otherFs, 0x180), Credentials.Root));

        Assert.Equal(0, _vfs.Lookup("/mnt/swapfile", out Inode? file));
        Assert.Same(_otherFs, file!.SuperBlock);
        Assert.Equal(0, _vfs.Lookup("/mnt", out Inode? mounted));
        Assert.Same(otherRoot, mounted);
        Assert.Equal(0, _vfs.Lookup("/mnt/../dir/file", out Inode? back));
        Assert.Same(_rootFs, back!.SuperBlock);
    }

    [Fact]
    public void Mount_stacks_on_a_mount_point_refuses_a_file_and_makes_the_mount_point_busy()
    {
        Assert.Equal(0, _vfs.Mount("/mnt", Dir(_otherFs, 0x1ED)));
        Inode top = Dir(_otherFs, 0x1ED);
        Assert.Equal(0, _vfs.Mount("/mnt", top));
        Assert.Equal(0, _vfs.Lookup("/mnt", out Inode? seen));
        Assert.Same(top, seen);
        Assert.Equal(Errnos.Neg(Errno.ENOTDIR), _vfs.Mount("/dir/file", Dir(_otherFs, 0x1ED)));
        Assert.Equal(Errnos.Neg(Errno.EBUSY), _vfs.Unlink("/mnt", Credentials.Root));
    }

    [Fact]
    public void Create_refuses_an_existing_name_a_missing_parent_and_an_inode_of_another_filesystem()
    {
        Assert.Equal(Errnos.Neg(Errno.EEXIST), _vfs.Create("/dir/file", Reg(_rootFs, 0x180), Credentials.Root));
        Assert.Equal(Errnos.Neg(Errno.ENOENT), _vfs.Create("/nope/file", Reg(_rootFs, 0x180), Credentials.Root));
        Assert.Equal(Errnos.Neg(Errno.EXDEV), _vfs.Create("/dir/x", Reg(_otherFs, 0x180), Credentials.Root));
        Assert.Equal(Errnos.Neg(Errno.EACCES), _vfs.Create("/dir/y", Reg(_rootFs, 0x180), Credentials.User(1000, 1000)));
    }

    [Fact]
    public void Open_checks_type_permission_bits_and_O_DIRECT_support()
    {
        Assert.Equal(Errnos.Neg(Errno.EISDIR), _vfs.Open("/dir", OpenFlags.ReadWrite, Credentials.Root, out _));
        Assert.Equal(Errnos.Neg(Errno.EACCES), _vfs.Open("/dir/file", OpenFlags.ReadOnly, Credentials.User(1000, 1000), out _));
        Assert.Equal(Errnos.Neg(Errno.EINVAL), _vfs.Open("/dir/file", OpenFlags.ReadWrite | OpenFlags.Direct, Credentials.Root, out _));
        Assert.Equal(Errnos.Neg(Errno.ENOENT), _vfs.Open("/dir/none", OpenFlags.ReadOnly, Credentials.Root, out _));

        Assert.Equal(0, _vfs.Open("/dir/file", OpenFlags.ReadWrite, Credentials.Root, out OpenFile? file));
        Assert.Equal("/dir/file", file!.Path);
    }

    [Fact]
    public void Owner_may_open_their_0600_file_and_others_may_not()
    {
        Inode own = Reg(_rootFs, 0x180);
        own.Uid = 1000;
        Assert.Equal(0, _vfs.Create("/dir/own", own, Credentials.Root));

        Assert.Equal(0, _vfs.Open("/dir/own", OpenFlags.ReadWrite, Credentials.User(1000, 1000), out _));
        Assert.Equal(Errnos.Neg(Errno.EACCES), _vfs.Open("/dir/own", OpenFlags.ReadOnly, Credentials.User(1001, 1000), out _));
    }

    [Fact]
    public void Truncating_an_active_swap_file_to_its_size_or_less_is_ETXTBSY_and_growing_it_is_allowed()
    {
        Inode swap = SwapFile("/dir/swap");

        Assert.Equal(Errnos.Neg(Errno.ETXTBSY), _vfs.Truncate("/dir/swap", 0, Credentials.Root));
        Assert.Equal(Errnos.Neg(Errno.ETXTBSY), _vfs.Truncate("/dir/swap", swap.Size, Credentials.Root));
        Assert.Equal(10L * Page.Size, swap.Size);
        Assert.Equal(0, _vfs.Truncate("/dir/swap", swap.Size + Page.Size, Credentials.Root));
        Assert.Equal(11L * Page.Size, swap.Size);
    }

    [Fact]
    public void Truncating_an_ordinary_file_sets_its_size()
    {
        Assert.Equal(0, _vfs.Truncate("/dir/file", 123, Credentials.Root));
        Assert.Equal(0, _vfs.Lookup("/dir/file", out Inode? inode));
        Assert.Equal(123, inode!.Size);
        Assert.Equal(Errnos.Neg(Errno.EINVAL), _vfs.Truncate("/dir/file", -1, Credentials.Root));
        Assert.Equal(Errnos.Neg(Errno.EISDIR), _vfs.Truncate("/dir", 0, Credentials.Root));
    }

    [Fact]
    public void Unlinking_an_active_swap_file_is_EPERM_and_leaves_it_in_place()
    {
        SwapFile("/dir/swap");

        Assert.Equal(Errnos.Neg(Errno.EPERM), _vfs.Unlink("/dir/swap", Credentials.Root));
        Assert.Equal(0, _vfs.Lookup("/dir/swap", out _));
    }

    [Fact]
    public void Unlink_removes_a_file_and_refuses_a_directory()
    {
        Assert.Equal(Errnos.Neg(Errno.EISDIR), _vfs.Unlink("/dir", Credentials.Root));
        Assert.Equal(0, _vfs.Unlink("/dir/file", Credentials.Root));
        Assert.Equal(Errnos.Neg(Errno.ENOENT), _vfs.Lookup("/dir/file", out _));
        Assert.Equal(Errnos.Neg(Errno.ENOENT), _vfs.Unlink("/dir/file", Credentials.Root));
    }

    [Fact]
    public void Renaming_an_active_swap_file_or_onto_one_is_EPERM()
    {
        SwapFile("/dir/swap");

        Assert.Equal(Errnos.Neg(Errno.EPERM), _vfs.Rename("/dir/swap", "/dir/other", Credentials.Root));
        Assert.Equal(Errnos.Neg(Errno.EPERM), _vfs.Rename("/dir/file", "/dir/swap", Credentials.Root));
        Assert.Equal(0, _vfs.Lookup("/dir/swap", out _));
        Assert.Equal(0, _vfs.Lookup("/dir/file", out _));
    }

    [Fact]
    public void Rename_moves_a_directory_with_its_children_but_not_into_itself_nor_across_filesystems()
    {
        Assert.Equal(0, _vfs.Rename("/dir", "/moved", Credentials.Root));
        Assert.Equal(0, _vfs.Lookup("/moved/file", out _));
        Assert.Equal(Errnos.Neg(Errno.ENOENT), _vfs.Lookup("/dir", out _));

        Assert.Equal(0, _vfs.Create("/moved/sub", Dir(_rootFs, 0x1ED), Credentials.Root));
        Assert.Equal(Errnos.Neg(Errno.EINVAL), _vfs.Rename("/moved", "/moved/sub/inside", Credentials.Root));

        Assert.Equal(0, _vfs.Mount("/mnt", Dir(_otherFs, 0x1ED)));
        Assert.Equal(Errnos.Neg(Errno.EXDEV), _vfs.Rename("/moved/file", "/mnt/file", Credentials.Root));
    }

    [Fact]
    public void Writing_to_an_active_swap_file_through_the_vfs_is_ETXTBSY()
    {
        Inode swap = SwapFile("/dir/swap");
        Assert.Equal(0, _vfs.Open("/dir/swap", OpenFlags.ReadWrite, Credentials.Root, out OpenFile? file));

        Assert.Equal(Errnos.Neg(Errno.ETXTBSY), MountNamespace.Write(file!, 0, new byte[] { 1, 2, 3 }));
        Assert.False(Stores.ContainsKey(swap));
    }

    [Fact]
    public void Write_goes_through_write_begin_and_write_end_page_by_page_and_grows_i_size()
    {
        Assert.Equal(0, _vfs.Open("/dir/file", OpenFlags.ReadWrite, Credentials.Root, out OpenFile? file));
        byte[] data = Enumerable.Range(0, 6000).Select(i => (byte)(i * 7)).ToArray();

        Assert.Equal(data.Length, MountNamespace.Write(file!, 1000, data));

        Assert.Equal(7000, file!.Inode.Size);
        Assert.Equal(data, Stores[file.Inode].AsSpan(1000, data.Length).ToArray());
    }

    [Fact]
    public void Write_needs_a_file_open_for_writing_and_a_filesystem_with_write_begin()
    {
        Assert.Equal(0, _vfs.Open("/dir/file", OpenFlags.ReadOnly, Credentials.Root, out OpenFile? readOnly));
        Assert.Equal(Errnos.Neg(Errno.EBADF), MountNamespace.Write(readOnly!, 0, new byte[] { 1 }));

        Assert.Equal(0, _vfs.Create("/dir/plain", Reg(_rootFs, 0x180, TestFs.Empty), Credentials.Root));
        Assert.Equal(0, _vfs.Open("/dir/plain", OpenFlags.ReadWrite, Credentials.Root, out OpenFile? plain));
        Assert.Equal(Errnos.Neg(Errno.EINVAL), MountNamespace.Write(plain!, 0, new byte[] { 1 }));
    }

    // A memory filesystem's buffered write: write_begin hands out a locked page holding the current bytes,
    // write_end copies the written range back to the inode's store and unlocks the page.
    private static int WriteBegin(OpenFile file, AddressSpace mapping, long pos, uint len, uint flags, out Page? page, out object? fsData)
    {
        page = Frames.Alloc()!;
        page.Lock();
        page.Index = (ulong)(pos >> Page.Shift);
        byte[] store = Store(file.Inode, (page.Index + 1) * Page.Size);
        store.AsSpan((int)page.Index * Page.Size, Page.Size).CopyTo(page.Bytes);
        fsData = null;
        return 0;
    }

    private static int WriteEnd(OpenFile file, AddressSpace mapping, long pos, uint len, uint copied, Page page, object? fsData)
    {
        int offset = (int)(pos & (Page.Size - 1));
        byte[] store = Store(file.Inode, (page.Index + 1) * Page.Size);
        page.Bytes.Slice(offset, (int)copied).CopyTo(store.AsSpan((int)(pos)));
        page.Unlock();
        page.Put();
        Frames.Free(page);
        return (int)copied;
    }

    private static byte[] Store(Inode inode, ulong atLeast)
    {
        lock (Stores)
        {
            if (!Stores.TryGetValue(inode, out byte[]? store) || (ulong)store.Length < atLeast)
            {
                byte[] grown = new byte[atLeast];
                store?.CopyTo(grown, 0);
                Stores[inode] = store = grown;
            }
            return store;
        }
    }
}

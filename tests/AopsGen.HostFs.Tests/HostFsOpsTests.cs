using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;
using AopsGen.Mm;
using AopsGen.Vfs;

namespace AopsGen.Examples.Tests;

/// <summary>HostFs's ops on real files of a host directory: readpage is pread, direct_IO one O_DIRECT
/// pwritev/preadv per batch with nothing allocated, FIEMAP's extents are filefrag's, symlinks are never followed.</summary>
public sealed class HostFsOpsTests : IDisposable
{
    private readonly HostFsMachine _m = new();
    private readonly PageFrames _ram = new(40);

    public void Dispose()
    {
        _ram.Dispose();
        _m.Dispose();
    }

    [Fact]
    public void The_table_sets_the_page_cache_ops_direct_IO_swap_activate_and_swap_deactivate()
    {
        Assert.Equal("hostfs_aops { .writepage, .readpage, .writepages, .set_page_dirty, .readpages, .write_begin, .write_end, .direct_IO, .swap_activate, .swap_deactivate }", HostFs.Operations.ToString());
    }

    [Fact]
    public void Readpage_preads_the_host_bytes_and_zeros_past_the_end_of_the_file()
    {
        byte[] bytes = Enumerable.Range(0, 6000).Select(i => (byte)(i % 253)).ToArray();
        System.IO.File.WriteAllBytes(_m.HostPath("data"), bytes);
        Inode inode = _m.Open("data");
        var file = new OpenFile("/mnt/data", inode, OpenFlags.ReadOnly);
        Page page = _ram.Alloc()!;
        page.Index = 1;
        page.Lock();

        Assert.Equal(0, AopsCalls.ReadPage(inode.Mapping.Aops, file, page));

        Assert.True(page.IsUptodate);
        Assert.False(page.IsLocked);
        Assert.Equal(bytes[Page.Size..], page.Bytes[..(6000 - Page.Size)].ToArray());
        Assert.True(page.Bytes[(6000 - Page.Size)..].IndexOfAnyExcept((byte)0) < 0);
        Assert.Equal(6000, inode.Size);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(32)]
    public void Direct_io_moves_a_batch_with_one_vectored_call_and_allocates_nothing(int segments)
    {
        Assert.Equal(0, HostFs.CreateFile(_m.Vfs, _m.Sb, "/mnt/direct", 64L * Page.Size, Credentials.Root, out Inode? inode));
        var file = new OpenFile("/mnt/direct", inode!, OpenFlags.ReadWrite);
        Page[] pages = Enumerable.Range(0, segments).Select(_ => _ram.Alloc()!).ToArray();
        IoVec[] iov = pages.Select(IoVec.ForPage).ToArray();
        for (int i = 0; i < segments; i++)
        {
            TestPages.Fill(pages[i].Bytes, segments, i);
        }
        var iocb = new Kiocb();
        long bytes = (long)segments * Page.Size;
        Assert.Equal(bytes, AopsCalls.DirectIO(inode!.Mapping.Aops, Rw.KernelWrite, iocb.Init(file, Page.Size, bytes), iov, Page.Size));
        foreach (Page page in pages)
        {
            page.Bytes.Clear();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        long read = AopsCalls.DirectIO(inode.Mapping.Aops, Rw.KernelRead, iocb, iov, Page.Size);
        long written = AopsCalls.DirectIO(inode.Mapping.Aops, Rw.KernelWrite, iocb, iov, Page.Size);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        Assert.Equal((bytes, bytes), (read, written));
        for (int i = 0; i < segments; i++)
        {
            Assert.True(TestPages.Verify(pages[i].Bytes, segments, i), $"segment {i} differs");
        }
        byte[] onHost = System.IO.File.ReadAllBytes(_m.HostPath("direct"));
        Assert.True(TestPages.Verify(onHost.AsSpan(Page.Size * segments, Page.Size), segments, segments - 1));
    }

    [Fact]
    public void A_direct_io_error_comes_back_as_the_hosts_negative_errno()
    {
        Assert.Equal(0, HostFs.CreateFile(_m.Vfs, _m.Sb, "/mnt/small", 4L * Page.Size, Credentials.Root, out Inode? inode));
        var file = new OpenFile("/mnt/small", inode!, OpenFlags.ReadWrite);
        Page page = _ram.Alloc()!;
        IoVec whole = IoVec.ForPage(page);
        IoVec misaligned = new(whole.Base + 1, Page.Size - 1);

        long rc = AopsCalls.DirectIO(inode!.Mapping.Aops, Rw.KernelWrite, new Kiocb().Init(file, 0, Page.Size - 1), new[] { misaligned }, 0);

        Assert.Equal(Errnos.Neg(Errno.EINVAL), rc);
    }

    [Fact]
    [Trait("Requires", "e2fsprogs")]
    public void Fiemap_extents_of_a_written_file_and_of_a_sparse_one_are_filefrags()
    {
        Assert.Equal(0, HostFs.CreateFile(_m.Vfs, _m.Sb, "/mnt/full", 256L * Page.Size, Credentials.Root, out Inode? full));
        WriteSparse("sparse", 64, 0, 5, 6, 40);
        Inode sparse = _m.Open("sparse");

        foreach ((string name, Inode inode) in new[] { ("full", full!), ("sparse", sparse) })
        {
            Assert.Equal(0, HostFs.FileOf(inode).Extents(out List<HostExtent> ours));
            var theirs = HostFsMachine.Filefrag(_m.HostPath(name));
            Assert.Equal(theirs.Select(e => (e.Logical, e.Physical, e.Length)), ours.Select(e => (e.Logical / Page.Size, e.Physical / Page.Size, e.Length / Page.Size)));
            Assert.Equal(theirs.Select(e => e.Flags.Contains("last")), ours.Select(e => (e.Flags & HostExtentFlags.Last) != 0));
        }
        Assert.Equal(0, HostFs.FileOf(sparse).Extents(out List<HostExtent> holes));
        Assert.Equal(new long[] { 0, 5, 40 }, holes.Select(e => e.Logical / Page.Size));
    }

    [Fact]
    public void A_symlink_in_the_directory_is_never_followed_and_names_cannot_leave_it()
    {
        System.IO.File.CreateSymbolicLink(_m.HostPath("escape"), "/etc/passwd");
        System.IO.File.WriteAllText(Path.Combine(Path.GetDirectoryName(_m.Directory)!, "outside-" + Path.GetFileName(_m.Directory)), "secret");

        Assert.Equal(Errnos.Neg(Errno.ELOOP), HostFs.Open(_m.Vfs, _m.Sb, "/mnt/escape", Credentials.Root, out _));
        Assert.Equal(Errnos.Neg(Errno.EEXIST), HostFs.CreateFile(_m.Vfs, _m.Sb, "/mnt/escape", Page.Size, Credentials.Root, out _));
        Assert.Equal(Errnos.Neg(Errno.EINVAL), HostFs.Open(_m.Vfs, _m.Sb, "/mnt/../outside-" + Path.GetFileName(_m.Directory), Credentials.Root, out _));
        Assert.Equal(Errnos.Neg(Errno.EINVAL), HostFs.Open(_m.Vfs, _m.Sb, "/mnt/..", Credentials.Root, out _));
        Assert.Equal(Errnos.Neg(Errno.ENOENT), HostFs.Open(_m.Vfs, _m.Sb, "/mnt/missing", Credentials.Root, out _));
        Assert.Equal("root:", System.IO.File.ReadAllText("/etc/passwd")[..5]);
        System.IO.File.Delete(Path.Combine(Path.GetDirectoryName(_m.Directory)!, "outside-" + Path.GetFileName(_m.Directory)));
    }

    // A host file of `pages` pages with only the given pages written: the rest are holes.
    private void WriteSparse(string name, int pages, params int[] written)
    {
        using var stream = new FileStream(_m.HostPath(name), FileMode.CreateNew);
        stream.SetLength((long)pages * Page.Size);
        byte[] data = new byte[Page.Size];
        foreach (int page in written)
        {
            TestPages.Fill(data, 3, page);
            stream.Position = (long)page * Page.Size;
            stream.Write(data);
        }
        stream.Flush(flushToDisk: true);
    }
}

using AopsGen.Mm;
using AopsGen.Vfs;
using Xunit;

namespace AopsGen.Examples.Tests;

/// <summary>The generic read/write paths (<see cref="PageCache"/>, mm/filemap.c) over RamFs's table: buffered reads
/// fill the page cache through readpage(s), writes keep cached pages current, O_DIRECT bypasses the cache, a
/// truncation drops the pages past the end, and none of it allocates managed memory per page.</summary>
public sealed class PageCacheOnRamFsTests : IDisposable
{
    private readonly MountNamespace _vfs;
    private readonly SuperBlock _sb;
    private readonly PageCache _cache = new(64);

    public PageCacheOnRamFsTests()
    {
        _vfs = RamFs.NewNamespace(out SuperBlock rootFs);
        Assert.Equal(0, RamFs.Mkdir(_vfs, rootFs, "/mnt", Credentials.Root));
        Assert.Equal(0, RamFs.Mount(_vfs, "/mnt", out SuperBlock? sb));
        _sb = sb!;
    }

    public void Dispose() => _cache.Dispose();

    private OpenFile NewFile(string name, OpenFlags flags = OpenFlags.ReadWrite)
    {
        Assert.Equal(0, _vfs.CreateFile("/mnt/" + name, 0x1A4, Credentials.Root, out Inode? inode));
        Assert.Same(_sb, inode!.SuperBlock);
        Assert.Equal(0, _vfs.Open("/mnt/" + name, flags, Credentials.Root, out OpenFile? file));
        return file!;
    }

    [Fact]
    public void ABufferedReadFillsThePageCacheAndSeesLaterWrites()
    {
        OpenFile file = NewFile("f");
        var data = new byte[5 * Page.Size + 100];
        new Random(1).NextBytes(data);
        Assert.Equal(data.Length, _cache.Write(file, 0, data));
        var read = new byte[data.Length];
        Assert.Equal(data.Length, _cache.Read(file, 0, read));
        Assert.Equal(data, read);
        Assert.Equal(6, file.Mapping.NrPages);
        data[Page.Size + 5] ^= 0xFF;
        Assert.Equal(1, _cache.Write(file, Page.Size + 5, data.AsSpan(Page.Size + 5, 1)));
        Assert.Equal(data.Length, _cache.Read(file, 0, read));
        Assert.Equal(data, read);
        Assert.Equal(0, _cache.Read(file, data.Length, read)); // at i_size
    }

    [Fact]
    public void ODirectGoesThroughDirectIoAndLeavesThePageCacheEmpty()
    {
        OpenFile writer = NewFile("d");
        Assert.Equal(0, _vfs.Open("/mnt/d", OpenFlags.ReadWrite | OpenFlags.Direct, Credentials.Root, out OpenFile? direct));
        var data = new byte[4 * Page.Size];
        new Random(2).NextBytes(data);
        Assert.Equal(data.Length, _cache.Write(direct!, 0, data));
        Assert.Equal(data.Length, writer.Inode.Size);
        var read = new byte[data.Length + Page.Size];
        Assert.Equal(data.Length, _cache.Read(direct!, 0, read)); // cut short at i_size
        Assert.Equal(data, read[..data.Length]);
        Assert.Equal(0, writer.Mapping.NrPages);
    }

    [Fact]
    public void TruncatingDropsThePagesPastTheEndAndGrowingAgainReadsZeros()
    {
        OpenFile file = NewFile("t");
        var data = new byte[3 * Page.Size];
        Array.Fill(data, (byte)0xAB);
        _cache.Write(file, 0, data);
        _cache.Read(file, 0, new byte[data.Length]);
        Assert.Equal(3, file.Mapping.NrPages);
        Assert.Equal(0, _vfs.Truncate("/mnt/t", 100, Credentials.Root));
        Assert.Equal(1, file.Mapping.NrPages);
        Assert.Equal(0, _vfs.Truncate("/mnt/t", data.Length, Credentials.Root));
        var read = new byte[data.Length];
        Assert.Equal(data.Length, _cache.Read(file, 0, read));
        Assert.All(read[..100], b => Assert.Equal(0xAB, b));
        Assert.All(read[100..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void ReadsAndWritesAllocateNoManagedMemoryPerPage()
    {
        OpenFile file = NewFile("a");
        var buffer = new byte[32 * Page.Size];
        _cache.Write(file, 0, buffer);
        _cache.Read(file, 0, buffer); // warm up: the per-thread readahead array, the JIT
        PageCache.TruncatePages(file.Mapping, 0);
        long moved = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int round = 0; round < 8; round++)
        {
            moved += _cache.Write(file, 0, buffer);
            moved += _cache.Read(file, 0, buffer); // misses on round 0, hits after
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(16L * buffer.Length, moved);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void WhenTheFramesRunOutCleanPagesAreReclaimed()
    {
        OpenFile file = NewFile("big");
        var buffer = new byte[128 * Page.Size]; // twice the cache
        new Random(3).NextBytes(buffer);
        _cache.Write(file, 0, buffer);
        var read = new byte[buffer.Length];
        Assert.Equal(buffer.Length, _cache.Read(file, 0, read));
        Assert.Equal(buffer, read);
        Assert.True(file.Mapping.NrPages <= _cache.Frames);
    }
}

using System.Buffers.Binary;
using AopsGen.Block;
using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Tests;

/// <summary>
/// A small machine for the swap-core tests: a VFS, a swap core, RAM of <c>frames</c> page frames, a memory
/// manager, and a swap file on <see cref="MemSwapFs"/> (SWP_FILE path) or <see cref="BlockSwapFs"/> (bmap
/// path on a temporary block device). Pages are filled with a pattern derived from (seed, index) whose
/// checksum says whether a page read back is the page written.
/// </summary>
internal sealed class SwapMachine : IDisposable
{
    private readonly TempBlockDevice? _disk;
    private ulong _ino = 10;

    public SwapMachine(int frames, int swapPages, bool blockPath = false, int devicePages = 0, AddressSpaceOperations? aops = null)
    {
        Fs = new SuperBlock(blockPath ? "blockswapfs" : "memswapfs", 4096);
        Vfs = new MountNamespace(new Inode(Fs, 1, FileType.Directory, 0x1ED, TestFs.Empty));
        Swap = new SwapCore(Vfs);
        Ram = new PageFrames(frames);
        Mm = new MemoryManager(Ram, Swap);
        if (blockPath)
        {
            // The file's pages lie on the device in runs of 8 with a gap after each run: several extents.
            _disk = new TempBlockDevice((long)(devicePages > 0 ? devicePages : swapPages * 2 + 64) << Page.Shift);
            Fs.Device = _disk.Device;
            var blocks = new ulong[swapPages];
            ulong next = 16;
            for (int i = 0; i < swapPages; i++)
            {
                blocks[i] = next++;
                if (i % 8 == 7)
                {
                    next += 3;
                }
            }
            SwapFileInode = BlockSwapFs.CreateSwapFile(Vfs, Fs, _ino++, "/swapfile", blocks, aops);
        }
        else
        {
            SwapFileInode = MemSwapFs.CreateSwapFile(Vfs, Fs, _ino++, "/swapfile", swapPages, aops);
        }
    }

    public SuperBlock Fs { get; }
    public MountNamespace Vfs { get; }
    public SwapCore Swap { get; }
    public PageFrames Ram { get; }
    public MemoryManager Mm { get; }
    public Inode SwapFileInode { get; }
    public BlockDevice? Disk => _disk?.Device;
    public string? ImagePath => _disk?.ImagePath;
    public MemSwapFs.FileData FileData => (MemSwapFs.FileData)SwapFileInode.Private!;

    /// <summary>The area swapon made (the first enabled one).</summary>
    public SwapInfo Area => Swap.Areas[0];

    public int SwapOn(string path = "/swapfile", int flags = 0) => Swap.SwapOn(path, flags, Credentials.Root);

    public Inode AddMemSwapFile(string path, int pages)
    {
        Inode inode = MemSwapFs.CreateSwapFile(Vfs, Fs, _ino++, path, pages);
        _extraFiles.Add((MemSwapFs.FileData)inode.Private!);
        return inode;
    }

    private readonly System.Collections.Generic.List<MemSwapFs.FileData> _extraFiles = new();

    /// <summary>Fills <paramref name="page"/> with the pattern of (<paramref name="seed"/>, <paramref name="index"/>).</summary>
    public static void Fill(Span<byte> page, int seed, int index)
    {
        ulong x = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)index * 0xC2B2AE3D27D4EB4FUL ^ 0x165667B19E3779F9UL;
        for (int i = 0; i < Page.Size; i += 8)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            BinaryPrimitives.WriteUInt64LittleEndian(page[i..], x);
        }
    }

    /// <summary>Whether <paramref name="page"/> holds exactly the pattern of (<paramref name="seed"/>, <paramref name="index"/>).</summary>
    public static bool Verify(ReadOnlySpan<byte> page, int seed, int index)
    {
        Span<byte> expected = stackalloc byte[Page.Size];
        Fill(expected, seed, index);
        return page.SequenceEqual(expected);
    }

    public void Dispose()
    {
        Swap.Dispose();
        Ram.Dispose();
        if (SwapFileInode.Private is MemSwapFs.FileData data)
        {
            data.Dispose();
        }
        _extraFiles.ForEach(static file => file.Dispose());
        _disk?.Dispose();
    }
}

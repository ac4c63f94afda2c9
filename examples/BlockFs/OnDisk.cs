using System.Buffers.Binary;
using System.Text;

namespace AopsGen.Examples;

/// <summary>
/// The byte layout of BlockFs's structures, little-endian. Block 0 is the superblock; a 128-byte inode holds
/// mode, uid, gid, flags, size, i_blocks, 12 direct, one single- and one double-indirect pointer (32-bit block
/// numbers, 0 = no block); a 64-byte directory entry holds an inode number (0 = free), a name length and the name.
/// </summary>
internal static class OnDisk
{
    // Superblock fields (block 0).
    private const int SbMagic = 0;
    private const int SbVersion = 4;
    private const int SbBlockSize = 8;
    private const int SbInodeSize = 12;
    private const int SbBlockCount = 16;
    private const int SbBitmapStart = 24;
    private const int SbBitmapBlocks = 32;
    private const int SbInodeTableStart = 40;
    private const int SbInodeTableBlocks = 48;
    private const int SbDirectoryStart = 56;
    private const int SbDirectoryBlocks = 64;
    private const int SbDataStart = 72;
    private const int SbInodeCount = 80;
    private const int SbDirectoryEntries = 84;
    private const int SbRootInode = 88;
    private const int SbDirEntrySize = 92;
    private const int SbFreeBlocks = 96;
    private const int SbFreeInodes = 104;

    // Inode fields.
    private const int InMode = 0;
    private const int InUid = 4;
    private const int InGid = 8;
    private const int InFlags = 12;
    private const int InSize = 16;
    private const int InBlocks = 24;
    private const int InDirect = 32;
    private const int InIndirect = InDirect + (4 * BlockFs.DirectBlocks);
    private const int InDoubleIndirect = InIndirect + 4;

    // Directory entry fields.
    private const int DeInode = 0;
    private const int DeNameLength = 4;
    private const int DeName = 5;

    public static void WriteSuperblock(Span<byte> block, BlockFsGeometry g, ulong freeBlocks, uint freeInodes)
    {
        block[..BlockFs.BlockSize].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(block[SbMagic..], BlockFs.Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(block[SbVersion..], BlockFs.FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(block[SbBlockSize..], BlockFs.BlockSize);
        BinaryPrimitives.WriteUInt32LittleEndian(block[SbInodeSize..], BlockFs.InodeSize);
        BinaryPrimitives.WriteUInt64LittleEndian(block[SbBlockCount..], g.BlockCount);
        BinaryPrimitives.WriteUInt64LittleEndian(block[SbBitmapStart..], g.BitmapStart);
        BinaryPrimitives.WriteUInt64LittleEndian(block[SbBitmapBlocks..], g.BitmapBlocks);
        BinaryPrimitives.WriteUInt64LittleEndian(block[SbInodeTableStart..], g.InodeTableStart);
        BinaryPrimitives.WriteUInt64LittleEndian(block[SbInodeTableBlocks..], g.InodeTableBlocks);
        BinaryPrimitives.WriteUInt64LittleEndian(block[SbDirectoryStart..], g.DirectoryStart);
        BinaryPrimitives.WriteUInt64LittleEndian(block[SbDirectoryBlocks..], g.DirectoryBlocks);
        BinaryPrimitives.WriteUInt64LittleEndian(block[SbDataStart..], g.DataStart);
        BinaryPrimitives.WriteUInt32LittleEndian(block[SbInodeCount..], g.InodeCount);
        BinaryPrimitives.WriteUInt32LittleEndian(block[SbDirectoryEntries..], g.DirectoryEntries);
        BinaryPrimitives.WriteUInt32LittleEndian(block[SbRootInode..], BlockFs.RootInode);
        BinaryPrimitives.WriteUInt32LittleEndian(block[SbDirEntrySize..], BlockFs.DirEntrySize);
        BinaryPrimitives.WriteUInt64LittleEndian(block[SbFreeBlocks..], freeBlocks);
        BinaryPrimitives.WriteUInt32LittleEndian(block[SbFreeInodes..], freeInodes);
    }

    /// <summary>Reads and checks a superblock: 0 and its geometry, or -EINVAL and why (the caller prefixes the image).</summary>
    public static int ReadSuperblock(ReadOnlySpan<byte> block, out BlockFsGeometry? geometry, out string? problem)
    {
        geometry = null;
        problem = null;
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(block[SbMagic..]);
        if (magic != BlockFs.Magic)
        {
            problem = $"can't find a BlockFs filesystem: bad magic 0x{magic:X8} (expected 0x{BlockFs.Magic:X8})";
            return Errnos.Neg(Errno.EINVAL);
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(block[SbVersion..]);
        if (version != BlockFs.FormatVersion)
        {
            problem = $"unsupported format version {version} (this driver reads version {BlockFs.FormatVersion})";
            return Errnos.Neg(Errno.EINVAL);
        }
        uint blockSize = BinaryPrimitives.ReadUInt32LittleEndian(block[SbBlockSize..]);
        uint inodeSize = BinaryPrimitives.ReadUInt32LittleEndian(block[SbInodeSize..]);
        uint entrySize = BinaryPrimitives.ReadUInt32LittleEndian(block[SbDirEntrySize..]);
        uint root = BinaryPrimitives.ReadUInt32LittleEndian(block[SbRootInode..]);
        if (blockSize != BlockFs.BlockSize || inodeSize != BlockFs.InodeSize || entrySize != BlockFs.DirEntrySize || root != BlockFs.RootInode)
        {
            problem = $"unsupported block size {blockSize}, inode size {inodeSize}, directory entry size {entrySize} or root inode {root} "
                + $"(BlockFs has {BlockFs.BlockSize}, {BlockFs.InodeSize}, {BlockFs.DirEntrySize} and {BlockFs.RootInode})";
            return Errnos.Neg(Errno.EINVAL);
        }
        ulong blockCount = BinaryPrimitives.ReadUInt64LittleEndian(block[SbBlockCount..]);
        uint inodeCount = BinaryPrimitives.ReadUInt32LittleEndian(block[SbInodeCount..]);
        if (inodeCount < 2 || inodeCount > BlockFs.MaxInodes || blockCount == 0 || blockCount > uint.MaxValue)
        {
            problem = $"corrupt superblock: {blockCount} blocks, {inodeCount} inodes";
            return Errnos.Neg(Errno.EINVAL);
        }
        BlockFsGeometry expected = BlockFsGeometry.For(blockCount, inodeCount);
        bool matches = BinaryPrimitives.ReadUInt64LittleEndian(block[SbBitmapStart..]) == expected.BitmapStart
            && BinaryPrimitives.ReadUInt64LittleEndian(block[SbBitmapBlocks..]) == expected.BitmapBlocks
            && BinaryPrimitives.ReadUInt64LittleEndian(block[SbInodeTableStart..]) == expected.InodeTableStart
            && BinaryPrimitives.ReadUInt64LittleEndian(block[SbInodeTableBlocks..]) == expected.InodeTableBlocks
            && BinaryPrimitives.ReadUInt64LittleEndian(block[SbDirectoryStart..]) == expected.DirectoryStart
            && BinaryPrimitives.ReadUInt64LittleEndian(block[SbDirectoryBlocks..]) == expected.DirectoryBlocks
            && BinaryPrimitives.ReadUInt64LittleEndian(block[SbDataStart..]) == expected.DataStart
            && BinaryPrimitives.ReadUInt32LittleEndian(block[SbDirectoryEntries..]) == expected.DirectoryEntries;
        if (!matches || expected.DataStart >= blockCount)
        {
            problem = $"corrupt superblock: its layout is not the one of {blockCount} blocks and {inodeCount} inodes ({expected})";
            return Errnos.Neg(Errno.EINVAL);
        }
        geometry = expected;
        return 0;
    }

    public static uint Mode(ReadOnlySpan<byte> inode) => BinaryPrimitives.ReadUInt32LittleEndian(inode[InMode..]);

    public static uint Uid(ReadOnlySpan<byte> inode) => BinaryPrimitives.ReadUInt32LittleEndian(inode[InUid..]);

    public static uint Gid(ReadOnlySpan<byte> inode) => BinaryPrimitives.ReadUInt32LittleEndian(inode[InGid..]);

    public static long Size(ReadOnlySpan<byte> inode) => (long)BinaryPrimitives.ReadUInt64LittleEndian(inode[InSize..]);

    public static uint Direct(ReadOnlySpan<byte> inode, int i) => BinaryPrimitives.ReadUInt32LittleEndian(inode[(InDirect + (4 * i))..]);

    public static uint Indirect(ReadOnlySpan<byte> inode) => BinaryPrimitives.ReadUInt32LittleEndian(inode[InIndirect..]);

    public static uint DoubleIndirect(ReadOnlySpan<byte> inode) => BinaryPrimitives.ReadUInt32LittleEndian(inode[InDoubleIndirect..]);

    public static void WriteInode(Span<byte> inode, uint mode, uint uid, uint gid, long size, ulong blocks512,
        ReadOnlySpan<uint> direct, uint indirect, uint doubleIndirect)
    {
        inode[..BlockFs.InodeSize].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(inode[InMode..], mode);
        BinaryPrimitives.WriteUInt32LittleEndian(inode[InUid..], uid);
        BinaryPrimitives.WriteUInt32LittleEndian(inode[InGid..], gid);
        BinaryPrimitives.WriteUInt32LittleEndian(inode[InFlags..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(inode[InSize..], (ulong)size);
        BinaryPrimitives.WriteUInt64LittleEndian(inode[InBlocks..], blocks512);
        for (int i = 0; i < BlockFs.DirectBlocks; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(inode[(InDirect + (4 * i))..], i < direct.Length ? direct[i] : 0);
        }
        BinaryPrimitives.WriteUInt32LittleEndian(inode[InIndirect..], indirect);
        BinaryPrimitives.WriteUInt32LittleEndian(inode[InDoubleIndirect..], doubleIndirect);
    }

    public static uint EntryInode(ReadOnlySpan<byte> entry) => BinaryPrimitives.ReadUInt32LittleEndian(entry[DeInode..]);

    /// <summary>The entry's name, or null when its length is out of range or it is not UTF-8.</summary>
    public static string? EntryName(ReadOnlySpan<byte> entry)
    {
        int length = entry[DeNameLength];
        if (length == 0 || length > BlockFs.NameMax)
        {
            return null;
        }
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(entry.Slice(DeName, length));
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    public static void WriteEntry(Span<byte> entry, uint inode, string name)
    {
        entry[..BlockFs.DirEntrySize].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(entry[DeInode..], inode);
        int length = Encoding.UTF8.GetBytes(name, entry[DeName..]);
        entry[DeNameLength] = (byte)length;
    }

    /// <summary>Writes <c>PointersPerBlock</c> block pointers from <paramref name="source"/> (missing ones as 0).</summary>
    public static void WritePointers(Span<byte> block, ReadOnlySpan<uint> source)
    {
        for (int i = 0; i < BlockFs.PointersPerBlock; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(block[(4 * i)..], i < source.Length ? source[i] : 0);
        }
    }

    public static uint Pointer(ReadOnlySpan<byte> block, int i) => BinaryPrimitives.ReadUInt32LittleEndian(block[(4 * i)..]);
}

using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;
using AopsGen.Vfs;

namespace AopsGen.Examples;

/// <summary>
/// The byte layout of BlockFs's structures, little-endian. Block 0 is the superblock; a 128-byte inode holds
/// mode, uid, gid, flags, size, i_blocks, 12 direct, one single- and one double-indirect pointer (32-bit block
/// numbers, 0 = no block), the link count and the access, modify and change times (nanoseconds since 1970). A
/// directory's blocks hold ext2's <c>ext2_dir_entry_2</c> records: inode number (0 = unused), record length, name
/// length, file type, name (up to 255 bytes of UTF-8), padded to 4 bytes; the last record of a block reaches its end.
/// A symbolic link keeps its target in its first block.
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
    private const int SbDataStart = 56;
    private const int SbInodeCount = 64;
    private const int SbRootInode = 68;
    private const int SbFreeBlocks = 72;
    private const int SbFreeInodes = 80;

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
    private const int InLinks = InDoubleIndirect + 4;
    private const int InAccessTime = InLinks + 8;
    private const int InModifyTime = InAccessTime + 8;
    private const int InChangeTime = InModifyTime + 8;

    // Directory record fields (ext2_dir_entry_2).
    private const int DeInode = 0;
    private const int DeRecordLength = 4;
    private const int DeNameLength = 6;
    private const int DeFileType = 7;
    private const int DeName = 8;

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
        BinaryPrimitives.WriteUInt64LittleEndian(block[SbDataStart..], g.DataStart);
        BinaryPrimitives.WriteUInt32LittleEndian(block[SbInodeCount..], g.InodeCount);
        BinaryPrimitives.WriteUInt32LittleEndian(block[SbRootInode..], BlockFs.RootInode);
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
        uint root = BinaryPrimitives.ReadUInt32LittleEndian(block[SbRootInode..]);
        if (blockSize != BlockFs.BlockSize || inodeSize != BlockFs.InodeSize || root != BlockFs.RootInode)
        {
            problem = $"unsupported block size {blockSize}, inode size {inodeSize} or root inode {root} "
                + $"(BlockFs has {BlockFs.BlockSize}, {BlockFs.InodeSize} and {BlockFs.RootInode})";
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
            && BinaryPrimitives.ReadUInt64LittleEndian(block[SbDataStart..]) == expected.DataStart;
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

    public static uint Links(ReadOnlySpan<byte> inode) => BinaryPrimitives.ReadUInt32LittleEndian(inode[InLinks..]);

    public static DateTime AccessTime(ReadOnlySpan<byte> inode) => Time(inode[InAccessTime..]);

    public static DateTime ModifyTime(ReadOnlySpan<byte> inode) => Time(inode[InModifyTime..]);

    public static DateTime ChangeTime(ReadOnlySpan<byte> inode) => Time(inode[InChangeTime..]);

    /// <summary>The inode record of <paramref name="inode"/> with its block map (<c>ext2_write_inode</c>).</summary>
    public static void WriteInode(Span<byte> record, Inode inode, ReadOnlySpan<uint> direct, uint indirect, uint doubleIndirect)
    {
        record[..BlockFs.InodeSize].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(record[InMode..], inode.Mode);
        BinaryPrimitives.WriteUInt32LittleEndian(record[InUid..], inode.Uid);
        BinaryPrimitives.WriteUInt32LittleEndian(record[InGid..], inode.Gid);
        BinaryPrimitives.WriteUInt32LittleEndian(record[InFlags..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(record[InSize..], (ulong)inode.Size);
        BinaryPrimitives.WriteUInt64LittleEndian(record[InBlocks..], (ulong)inode.Blocks);
        for (int i = 0; i < BlockFs.DirectBlocks; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(record[(InDirect + (4 * i))..], i < direct.Length ? direct[i] : 0);
        }
        BinaryPrimitives.WriteUInt32LittleEndian(record[InIndirect..], indirect);
        BinaryPrimitives.WriteUInt32LittleEndian(record[InDoubleIndirect..], doubleIndirect);
        BinaryPrimitives.WriteUInt32LittleEndian(record[InLinks..], inode.Links);
        WriteTime(record[InAccessTime..], inode.AccessTime);
        WriteTime(record[InModifyTime..], inode.ModifyTime);
        WriteTime(record[InChangeTime..], inode.ChangeTime);
    }

    /// <summary>mkfs's root directory: mode 0755, owned by root, two links, empty (no blocks yet).</summary>
    public static void WriteRootInode(Span<byte> record, DateTime now)
    {
        record[..BlockFs.InodeSize].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(record[InMode..], (uint)FileType.Directory | 0x1ED);
        BinaryPrimitives.WriteUInt32LittleEndian(record[InLinks..], 2);
        WriteTime(record[InAccessTime..], now);
        WriteTime(record[InModifyTime..], now);
        WriteTime(record[InChangeTime..], now);
    }

    private static DateTime Time(ReadOnlySpan<byte> field)
        => DateTime.UnixEpoch.AddTicks(BinaryPrimitives.ReadInt64LittleEndian(field) / 100);

    private static void WriteTime(Span<byte> field, DateTime time)
        => BinaryPrimitives.WriteInt64LittleEndian(field, (time.ToUniversalTime() - DateTime.UnixEpoch).Ticks * 100);

    /// <summary>ext2's EXT2_FT_* file type of a directory record.</summary>
    public static byte FileTypeCode(FileType type) => type switch
    {
        FileType.Regular => 1,
        FileType.Directory => 2,
        FileType.Symlink => 7,
        _ => 0,
    };

    /// <summary>
    /// The records of one directory block (<c>ext2_check_page</c>): each used one, as (name, inode), into
    /// <paramref name="into"/>. Returns null, or what is wrong with the block (a record length that is not a multiple
    /// of 4, too short, or past the block; a name that does not fit its record, is not UTF-8, or holds '/' or NUL).
    /// </summary>
    public static string? ReadDirectoryBlock(ReadOnlySpan<byte> block, List<(string Name, uint Inode)> into)
    {
        var utf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);
        int at = 0;
        while (at < BlockFs.BlockSize)
        {
            ReadOnlySpan<byte> record = block[at..];
            int length = BinaryPrimitives.ReadUInt16LittleEndian(record[DeRecordLength..]);
            int nameLength = record[DeNameLength];
            if (length < DeName + 4 || length % 4 != 0 || at + length > BlockFs.BlockSize || DeName + nameLength > length)
            {
                return $"bad record at offset {at}: length {length}, name length {nameLength}";
            }
            uint inode = BinaryPrimitives.ReadUInt32LittleEndian(record[DeInode..]);
            if (inode != 0)
            {
                string name;
                try
                {
                    name = utf8.GetString(record.Slice(DeName, nameLength));
                }
                catch (DecoderFallbackException)
                {
                    return $"the name at offset {at} is not UTF-8";
                }
                if (nameLength == 0 || name is "." or ".." || name.Contains('/') || name.Contains('\0'))
                {
                    return $"bad name \"{name}\" at offset {at}";
                }
                into.Add((name, inode));
            }
            at += length;
        }
        return null;
    }

    /// <summary>Bytes a record for a name of <paramref name="nameLength"/> bytes takes (EXT2_DIR_REC_LEN).</summary>
    private static int RecordLength(int nameLength) => (DeName + nameLength + 3) & ~3;

    /// <summary>Directory blocks <paramref name="names"/> need, as <see cref="WriteDirectory"/> lays them out (at least one).</summary>
    public static int BlocksFor(IEnumerable<string> names)
    {
        int blocks = 1;
        int at = 0;
        foreach (string name in names)
        {
            int length = RecordLength(Encoding.UTF8.GetByteCount(name));
            if (at + length > BlockFs.BlockSize)
            {
                blocks++;
                at = 0;
            }
            at += length;
        }
        return blocks;
    }

    /// <summary>
    /// Lays <paramref name="entries"/> out in directory blocks as <c>ext2_add_link</c> leaves them: records in
    /// order, one that does not fit starts the next block, the last record of a block reaches its end, a block with
    /// no record holds one unused record over all of it. <paramref name="blocks"/> is a whole number of blocks, at
    /// least <see cref="BlocksFor"/>.
    /// </summary>
    public static void WriteDirectory(Span<byte> blocks, IEnumerable<(string Name, uint Inode, byte Type)> entries)
    {
        blocks.Clear();
        int block = 0;
        int at = 0;
        int last = 0;
        foreach ((string name, uint inode, byte type) in entries)
        {
            int nameLength = Encoding.UTF8.GetByteCount(name);
            int length = RecordLength(nameLength);
            if (at + length > BlockFs.BlockSize)
            {
                Close(blocks, block, last);
                block++;
                at = 0;
            }
            Span<byte> record = blocks[((block * BlockFs.BlockSize) + at)..];
            BinaryPrimitives.WriteUInt32LittleEndian(record[DeInode..], inode);
            BinaryPrimitives.WriteUInt16LittleEndian(record[DeRecordLength..], (ushort)length);
            record[DeNameLength] = (byte)nameLength;
            record[DeFileType] = type;
            Encoding.UTF8.GetBytes(name, record[DeName..]);
            last = at;
            at += length;
        }
        Close(blocks, block, last);
        for (int b = block + 1; b < blocks.Length / BlockFs.BlockSize; b++)
        {
            Close(blocks, b, 0);
        }

        // The block's last record grows to the block's end (an empty block: one unused record over all of it).
        static void Close(Span<byte> blocks, int block, int last)
            => BinaryPrimitives.WriteUInt16LittleEndian(blocks[((block * BlockFs.BlockSize) + last + DeRecordLength)..], (ushort)(BlockFs.BlockSize - last));
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

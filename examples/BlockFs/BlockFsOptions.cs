using AopsGen;
using AopsGen.Mm;
using AopsGen.Vfs;

namespace AopsGen.Examples;

/// <summary>What <see cref="BlockFs.Mkfs(string, long, MkfsOptions?, out string?)"/> makes, beyond the image's size.</summary>
public sealed class MkfsOptions
{
    /// <summary>Inodes in the inode table, numbered from 1 as in ext2 (0 means "no inode"), the root directory's
    /// included (inode 1): from 2 to <see cref="BlockFs.MaxInodes"/>. Null (the default) sizes the table from the
    /// image, as <c>mke2fs</c> does: one inode per <see cref="BlockFs.BytesPerInode"/> bytes, at least
    /// <see cref="BlockFs.MinInodes"/>.</summary>
    public int? InodeCount { get; init; }

    /// <summary><c>O_CREAT | O_EXCL</c>: make a new image file, and fail with -EEXIST, touching nothing, when the
    /// path exists (by default an existing file is truncated and formatted, as <c>mkfs</c> on a file does).</summary>
    public bool CreateNew { get; init; }
}

/// <summary>How <see cref="BlockFs.Mount(MountNamespace, string, string, BlockFsMountOptions?, out BlockFsMount?, out string?)"/> mounts an image.</summary>
public sealed class BlockFsMountOptions
{
    /// <summary>Page frames of the mount's page cache (its own <see cref="PageFrames"/> pool): when they run out,
    /// clean pages are evicted and dirty ones written first. At least 2; 32 by default.</summary>
    public int CacheFrames { get; init; } = 32;

    /// <summary><c>mount -o sync</c>: <c>write_end</c> writes each page through to the device (and the metadata
    /// after it) instead of leaving it dirty for <see cref="BlockFsMount.Sync"/>. Off by default; a file whose inode
    /// has <see cref="InodeFlags.Sync"/> is written through either way.</summary>
    public bool Sync { get; init; }

    /// <summary>Open the image with O_DIRECT (the default), as the swap core's block path expects.</summary>
    public bool Direct { get; init; } = true;
}

/// <summary>
/// Where <see cref="BlockFsMount.Fallocate(string, long, AllocationPolicy?)"/> puts a file's new blocks.
/// <see cref="Contiguous"/> looks for one free run that holds them all, so that a swap file on it maps to one
/// extent; <see cref="Interleaved"/> deliberately leaves gaps, so that it maps to several.
/// </summary>
public sealed record AllocationPolicy
{
    private AllocationPolicy(int runBlocks, int gapBlocks)
    {
        RunBlocks = runBlocks;
        GapBlocks = gapBlocks;
    }

    /// <summary>All new blocks in one free run when the bitmap has one long enough (the first such run); otherwise
    /// block after block from the first free one, as the bitmap allows.</summary>
    public static AllocationPolicy Contiguous { get; } = new(0, 0);

    /// <summary>Runs of <paramref name="runBlocks"/> blocks with <paramref name="gapBlocks"/> free blocks left
    /// between them: a fragmented file whose swap extents break after every run.</summary>
    public static AllocationPolicy Interleaved(int runBlocks, int gapBlocks)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(runBlocks);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gapBlocks);
        return new AllocationPolicy(runBlocks, gapBlocks);
    }

    /// <summary>Blocks in each run; 0 for <see cref="Contiguous"/>.</summary>
    public int RunBlocks { get; }

    /// <summary>Free blocks skipped after each run; 0 for <see cref="Contiguous"/>.</summary>
    public int GapBlocks { get; }

    /// <inheritdoc/>
    public override string ToString() => RunBlocks == 0 ? "contiguous" : $"interleaved ({RunBlocks} blocks, {GapBlocks} skipped)";
}

/// <summary>Where a BlockFs image keeps what, in 4096-byte blocks: read from its superblock.</summary>
public sealed class BlockFsGeometry
{
    /// <summary>Blocks in the filesystem (the image's size / 4096, rounded down at mkfs).</summary>
    public ulong BlockCount { get; init; }

    /// <summary>Inodes in the inode table, numbered 1 to this (inode N is record N - 1; inode 1 is the root directory).</summary>
    public uint InodeCount { get; init; }

    /// <summary>First block of the block bitmap (one bit per block, 1 = in use).</summary>
    public ulong BitmapStart { get; init; }

    /// <summary>Blocks of the block bitmap.</summary>
    public ulong BitmapBlocks { get; init; }

    /// <summary>First block of the inode table (128-byte inodes, 32 a block).</summary>
    public ulong InodeTableStart { get; init; }

    /// <summary>Blocks of the inode table.</summary>
    public ulong InodeTableBlocks { get; init; }

    /// <summary>First data block: every block before it is metadata and marked in use.</summary>
    public ulong DataStart { get; init; }

    /// <summary>The geometry mkfs lays out for <paramref name="blockCount"/> blocks and <paramref name="inodeCount"/> inodes.</summary>
    internal static BlockFsGeometry For(ulong blockCount, uint inodeCount)
    {
        ulong bitmapBlocks = (blockCount + BlockFs.BitsPerBlock - 1) / BlockFs.BitsPerBlock;
        ulong inodeTableBlocks = (inodeCount + BlockFs.InodesPerBlock - 1) / BlockFs.InodesPerBlock;
        return new BlockFsGeometry
        {
            BlockCount = blockCount,
            InodeCount = inodeCount,
            BitmapStart = 1,
            BitmapBlocks = bitmapBlocks,
            InodeTableStart = 1 + bitmapBlocks,
            InodeTableBlocks = inodeTableBlocks,
            DataStart = 1 + bitmapBlocks + inodeTableBlocks,
        };
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{BlockCount} blocks, {InodeCount} inodes: superblock 0, bitmap {BitmapStart}+{BitmapBlocks}, inodes {InodeTableStart}+{InodeTableBlocks}, " +
        $"data {DataStart}..{BlockCount - 1}";
}

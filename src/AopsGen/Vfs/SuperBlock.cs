using AopsGen.Block;

namespace AopsGen;

/// <summary>
/// include/linux/fs.h: <c>struct super_block</c>, one mounted filesystem: its type name, block size and
/// the filesystem's private data (<c>s_fs_info</c>).
/// </summary>
public sealed class SuperBlock
{
    /// <summary>Creates a superblock for a filesystem of type <paramref name="fsType"/> with the given block size.</summary>
    public SuperBlock(string fsType, int blockSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(fsType);
        if (blockSize < 512 || blockSize > Page.Size || (blockSize & (blockSize - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(blockSize), blockSize, "A block size is a power of two from 512 to PAGE_SIZE.");
        }
        FsType = fsType;
        BlockSize = blockSize;
        BlockSizeBits = System.Numerics.BitOperations.Log2((uint)blockSize);
    }

    /// <summary><c>s_type->name</c>.</summary>
    public string FsType { get; }

    /// <summary><c>s_blocksize</c>.</summary>
    public int BlockSize { get; }

    /// <summary><c>s_blocksize_bits</c>.</summary>
    public int BlockSizeBits { get; }

    /// <summary><c>s_bdev</c>: the block device the filesystem lives on, or null (memory and network
    /// filesystems). A swap file mapped with <c>bmap</c> is written straight to it.</summary>
    public BlockDevice? Device { get; set; }

    /// <summary><c>s_d_op</c>: the dentry operations of every name on this filesystem, or null when the VFS's
    /// dcache is always right (see <see cref="AopsGen.DentryOperations"/>).</summary>
    public DentryOperations? DentryOperations { get; set; }

    /// <summary><c>s_fs_info</c>: the filesystem's own data.</summary>
    public object? FsInfo { get; set; }

    /// <inheritdoc/>
    public override string ToString() => $"{FsType} (block size {BlockSize})";
}

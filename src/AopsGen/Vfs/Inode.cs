using AopsGen.Block;

namespace AopsGen;

/// <summary>include/linux/stat.h: the file type bits of <c>i_mode</c>.</summary>
public enum FileType
{
    /// <summary>S_IFREG.</summary>
    Regular = 0x8000,
    /// <summary>S_IFDIR.</summary>
    Directory = 0x4000,
    /// <summary>S_IFBLK.</summary>
    BlockDevice = 0x6000,
    /// <summary>S_IFLNK.</summary>
    Symlink = 0xA000,
    /// <summary>S_IFCHR.</summary>
    CharDevice = 0x2000,
    /// <summary>S_IFIFO.</summary>
    Fifo = 0x1000,
    /// <summary>S_IFSOCK.</summary>
    Socket = 0xC000,
}

/// <summary>include/linux/fs.h: <c>i_flags</c> bits (S_SYNC, S_NOATIME, ..., S_SWAPFILE).</summary>
[Flags]
public enum InodeFlags
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary>S_SYNC: writes are synced at once.</summary>
    Sync = 1,
    /// <summary>S_NOATIME.</summary>
    NoAtime = 2,
    /// <summary>S_APPEND: append-only file.</summary>
    Append = 4,
    /// <summary>S_IMMUTABLE: immutable file.</summary>
    Immutable = 8,
    /// <summary>S_SWAPFILE (256): "Do not truncate: swapon got its bmaps". Set while the file is an active
    /// swap area; truncation then fails with ETXTBSY and unlink/rename with EPERM.</summary>
    SwapFile = 256,
}

/// <summary>
/// include/linux/fs.h: <c>struct inode</c>, kept to what the ops and the swap core read: type and
/// permission bits, size, block size, owner, <c>i_flags</c>, and the inode's own address space
/// (<c>i_data</c>, which <see cref="Mapping"/> points at).
/// </summary>
public sealed class Inode
{
    /// <summary>Creates an inode on <paramref name="sb"/> whose mapping uses <paramref name="aops"/>.</summary>
    public Inode(SuperBlock sb, ulong number, FileType type, uint permissions, AddressSpaceOperations aops)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(aops);
        SuperBlock = sb;
        Number = number;
        Type = type;
        Permissions = permissions & 0xFFF;
        BlockBits = sb.BlockSizeBits;
        Mapping = new AddressSpace(this, aops);
    }

    /// <summary><c>i_sb</c>.</summary>
    public SuperBlock SuperBlock { get; }

    /// <summary><c>i_ino</c>.</summary>
    public ulong Number { get; }

    /// <summary>The file type part of <c>i_mode</c>.</summary>
    public FileType Type { get; }

    /// <summary>The permission part of <c>i_mode</c> (07777).</summary>
    public uint Permissions { get; set; }

    /// <summary><c>i_mode</c>: type and permission bits as <c>stat</c> reports them.</summary>
    public uint Mode => (uint)Type | Permissions;

    /// <summary><c>i_uid</c>.</summary>
    public uint Uid { get; set; }

    /// <summary><c>i_gid</c>.</summary>
    public uint Gid { get; set; }

    /// <summary><c>i_size</c>, in bytes.</summary>
    public long Size { get; set; }

    /// <summary><c>i_blocks</c>: 512-byte units allocated (less than <see cref="Size"/>/512 when sparse).</summary>
    public long Blocks { get; set; }

    /// <summary><c>i_blkbits</c>: log2 of the filesystem block size.</summary>
    public int BlockBits { get; }

    /// <summary><c>i_flags</c>.</summary>
    public InodeFlags Flags { get; set; }

    /// <summary><c>IS_SWAPFILE(inode)</c>.</summary>
    public bool IsSwapFile => (Flags & InodeFlags.SwapFile) != 0;

    /// <summary><c>i_mapping</c>: the page cache of this inode and its ops table.</summary>
    public AddressSpace Mapping { get; }

    /// <summary><c>i_bdev</c>: for a block device node, the device it opens (<see cref="BlockDevice.NewInode"/>).</summary>
    public BlockDevice? Bdev { get; init; }

    /// <summary><c>i_private</c>: the filesystem's own per-inode data.</summary>
    public object? Private { get; set; }

    /// <summary><c>i_op</c>: the filesystem's inode operations (lookup, create, mkdir, unlink, rename, setattr, …),
    /// which <see cref="Vfs.MountNamespace"/> calls; null for an inode the namespace alone keeps track of.</summary>
    public InodeOperations? Operations { get; set; }

    /// <summary><c>i_nlink</c>: names that refer to the inode (a directory counts "." and each subdirectory's "..").</summary>
    public uint Links { get; set; } = 1;

    /// <summary><c>i_link</c>: the target of a symbolic link, or null.</summary>
    public string? LinkTarget { get; set; }

    /// <summary><c>i_atime</c>, UTC.</summary>
    public DateTime AccessTime { get; set; } = DateTime.UtcNow;

    /// <summary><c>i_mtime</c>, UTC.</summary>
    public DateTime ModifyTime { get; set; } = DateTime.UtcNow;

    /// <summary><c>i_ctime</c>, UTC.</summary>
    public DateTime ChangeTime { get; set; } = DateTime.UtcNow;

    /// <inheritdoc/>
    public override string ToString() => $"inode {Number} on {SuperBlock.FsType} ({Type}, {Size} bytes)";
}

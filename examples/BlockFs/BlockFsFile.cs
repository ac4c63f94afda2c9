using System.Collections.Generic;

namespace AopsGen.Examples;

/// <summary>
/// The in-memory side of one inode (<c>Inode.Private</c>, ext2's <c>ext2_inode_info</c>): its number, its whole block
/// map — the direct pointers and the contents of its indirect blocks — held as one array indexed by file block, so
/// that <c>bmap</c> is a lookup, and for a directory its entries. Which map blocks changed is remembered and they are
/// written at the next metadata flush. Guarded by the mount's lock.
/// </summary>
internal sealed class BlockFsFile
{
    /// <summary>Key of the single-indirect block in <see cref="DirtyMapBlocks"/>.</summary>
    public const int IndirectKey = -1;

    /// <summary>Key of the double-indirect (top) block in <see cref="DirtyMapBlocks"/>; 0..1023 are its children.</summary>
    public const int DoubleKey = -2;

    public BlockFsFile(uint number, bool directory)
    {
        Number = number;
        Entries = directory ? new Dictionary<string, uint>(StringComparer.Ordinal) : null;
    }

    public uint Number { get; }

    /// <summary>A directory's names and their inode numbers; null for other inodes.</summary>
    public Dictionary<string, uint>? Entries { get; }

    /// <summary>The directory's blocks must be written again.</summary>
    public bool EntriesDirty { get; set; }

    /// <summary>Unlinked for good (no name left) while the VFS may still use it: its inode record is free on the
    /// image, its blocks are freed when it is evicted or at unmount (ext2's orphan, without the orphan list).</summary>
    public bool Orphan { get; set; }

    /// <summary>Device block of each file block, 0 for a hole; indexes past the end are holes too.</summary>
    public uint[] Map { get; private set; } = new uint[BlockFs.DirectBlocks];

    public uint Indirect { get; set; }

    public uint DoubleIndirect { get; set; }

    /// <summary>The double-indirect block's pointers, once it exists.</summary>
    public uint[]? Children { get; set; }

    /// <summary>Data and map blocks the file holds (<c>i_blocks</c> / 8).</summary>
    public ulong AllocatedBlocks { get; set; }

    /// <summary>The inode record (size, pointers, i_blocks) must be written.</summary>
    public bool Dirty { get; set; }

    public HashSet<int> DirtyMapBlocks { get; } = new();

    public uint Get(ulong index) => index < (ulong)Map.Length ? Map[index] : 0;

    public void EnsureCapacity(ulong blocks)
    {
        if ((ulong)Map.Length < blocks)
        {
            ulong grown = Math.Min(Math.Max(blocks, (ulong)Map.Length * 2), BlockFs.MaxFileBlocks);
            uint[] map = Map;
            Array.Resize(ref map, (int)grown);
            Map = map;
        }
    }

    /// <summary>The map block that holds file block <paramref name="index"/>'s pointer: null for a direct pointer
    /// (the inode itself), <see cref="IndirectKey"/>, or the double-indirect child number.</summary>
    public static int? MapKey(ulong index) => index < BlockFs.DirectBlocks ? null
        : index < BlockFs.DirectBlocks + BlockFs.PointersPerBlock ? IndirectKey
        : (int)((index - BlockFs.DirectBlocks - BlockFs.PointersPerBlock) / BlockFs.PointersPerBlock);

    /// <summary>First file block whose pointer lives in double-indirect child <paramref name="child"/>.</summary>
    public static ulong ChildStart(int child) => (ulong)(BlockFs.DirectBlocks + BlockFs.PointersPerBlock) + ((ulong)child * BlockFs.PointersPerBlock);

    /// <summary>Whether any pointer in [start, start + count) is set.</summary>
    public bool AnyMapped(ulong start, ulong count)
    {
        ulong end = Math.Min(start + count, (ulong)Map.Length);
        for (ulong i = start; i < end; i++)
        {
            if (Map[i] != 0)
            {
                return true;
            }
        }
        return false;
    }

    public override string ToString() => $"blockfs inode {Number}";
}

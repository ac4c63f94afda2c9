using System.Collections.Generic;
using System.Linq;
using System.Threading;
using AopsGen;
using AopsGen.Block;
using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Examples;

/// <summary>
/// fs/ext2/super.c <c>ext2_fill_super</c> and inode.c <c>ext2_iget</c>: the image read and checked at mount —
/// superblock, bitmap, inode table, every inode of the tree, its block map, directories and links — and bound into the
/// dcache.
/// </summary>
public sealed unsafe partial class BlockFsMount
{
    // ext2_fill_super: the superblock, then the bitmap, inode table and directory, then each file's inode and map.
    private int Load(out string? problem)
    {
        problem = null;
        if (Device.Size < BlockFs.BlockSize)
        {
            problem = $"the image holds {Device.Size} bytes, too small for a BlockFs superblock ({BlockFs.BlockSize} bytes)";
            return Errnos.Neg(Errno.EINVAL);
        }
        int rc = ReadMeta(0, out problem);
        if (rc != 0)
        {
            return rc;
        }
        rc = OnDisk.ReadSuperblock(_scratch.Bytes, out BlockFsGeometry? geometry, out problem);
        if (rc != 0)
        {
            return rc;
        }
        BlockFsGeometry g = geometry!;
        if (g.BlockCount * BlockFs.BlockSize > (ulong)Device.Size)
        {
            problem = $"the filesystem has {g.BlockCount} blocks but the image holds only {Device.Size / BlockFs.BlockSize}";
            return Errnos.Neg(Errno.EINVAL);
        }
        Geometry = g;
        _bitmap = new byte[g.BitmapBlocks * BlockFs.BlockSize];
        _inodeTable = new byte[g.InodeTableBlocks * BlockFs.BlockSize];
        if ((rc = ReadRegion(g.BitmapStart, _bitmap, out problem)) != 0
            || (rc = ReadRegion(g.InodeTableStart, _inodeTable, out problem)) != 0)
        {
            return rc;
        }
        for (ulong b = 0; b < g.DataStart; b++)
        {
            if (!IsUsed(b))
            {
                problem = $"corrupt bitmap: metadata block {b} is marked free";
                return Errnos.Neg(Errno.EINVAL);
            }
        }
        for (ulong b = g.DataStart; b < g.BlockCount; b++)
        {
            _freeBlocks += IsUsed(b) ? 0UL : 1UL;
        }
        for (uint i = BlockFs.RootInode + 1; i <= g.InodeCount; i++)
        {
            _freeInodes += OnDisk.Mode(InodeRecord(i)) == 0 ? 1U : 0U;
        }
        if ((OnDisk.Mode(InodeRecord(BlockFs.RootInode)) & 0xF000) != (uint)FileType.Directory)
        {
            problem = $"corrupt inode table: the root inode has mode 0{Convert.ToString(OnDisk.Mode(InodeRecord(BlockFs.RootInode)), 8)}, not a directory";
            return Errnos.Neg(Errno.EINVAL);
        }
        return LoadTree(out problem);
    }

    // ext2_iget for every inode the tree names, from the root down: its record, its map, a directory's records.
    private int LoadTree(out string? problem)
    {
        int rc = LoadInode(BlockFs.RootInode, out Inode? root, out problem);
        if (rc != 0)
        {
            return rc;
        }
        Root = root!;
        var pending = new Queue<Inode>();
        pending.Enqueue(Root);
        while (pending.TryDequeue(out Inode? dir))
        {
            foreach ((string name, uint number) in EntriesOf(dir))
            {
                if (number <= BlockFs.RootInode || number > Geometry.InodeCount)
                {
                    problem = $"corrupt directory inode {dir.Number}: \"{name}\" names inode {number}, outside 2..{Geometry.InodeCount}";
                    return Errnos.Neg(Errno.EINVAL);
                }
                if (_inodes.TryGetValue(number, out Inode? seen))
                {
                    if (seen.Type == FileType.Directory)
                    {
                        problem = $"corrupt directory inode {dir.Number}: \"{name}\" is a second name of directory inode {number}";
                        return Errnos.Neg(Errno.EINVAL);
                    }
                    continue;
                }
                rc = LoadInode(number, out Inode? child, out problem);
                if (rc != 0)
                {
                    return rc;
                }
                if (child!.Type == FileType.Directory)
                {
                    pending.Enqueue(child);
                }
            }
        }
        return 0;
    }

    private int LoadInode(uint number, out Inode? inode, out string? problem)
    {
        inode = null;
        ReadOnlySpan<byte> record = InodeRecord(number);
        uint mode = OnDisk.Mode(record);
        var type = (FileType)(mode & 0xF000);
        if (type is not (FileType.Regular or FileType.Directory or FileType.Symlink) || OnDisk.Links(record) == 0)
        {
            problem = $"corrupt inode table: inode {number} is named in a directory but has mode 0{Convert.ToString(mode, 8)} "
                + $"and {OnDisk.Links(record)} links (not a file, directory or symbolic link in use)";
            return Errnos.Neg(Errno.EINVAL);
        }
        var file = new BlockFsFile(number, type == FileType.Directory);
        int rc = LoadMap(file, out problem);
        if (rc != 0)
        {
            return rc;
        }
        record = InodeRecord(number);
        inode = new Inode(SuperBlock, number, type, mode & 0xFFF, BlockFs.Operations)
        {
            Uid = OnDisk.Uid(record),
            Gid = OnDisk.Gid(record),
            Size = OnDisk.Size(record),
            Blocks = (long)file.AllocatedBlocks * (BlockFs.BlockSize / 512),
            Links = OnDisk.Links(record),
            AccessTime = OnDisk.AccessTime(record),
            ModifyTime = OnDisk.ModifyTime(record),
            ChangeTime = OnDisk.ChangeTime(record),
            Private = file,
            Operations = BlockFsInodes.Instance,
        };
        _inodes.Add(number, inode);
        return type switch
        {
            FileType.Directory => LoadDirectory(inode, file, out problem),
            FileType.Symlink => LoadSymlink(inode, file, out problem),
            _ => 0,
        };
    }

    // ext2_readdir's view of a directory's blocks: every record, checked.
    private int LoadDirectory(Inode dir, BlockFsFile file, out string? problem)
    {
        problem = null;
        var records = new List<(string Name, uint Inode)>();
        for (ulong i = 0; i < (ulong)(dir.Size / BlockFs.BlockSize); i++)
        {
            uint block = file.Get(i);
            if (block == 0)
            {
                problem = $"corrupt directory inode {dir.Number}: block {i} is a hole";
                return Errnos.Neg(Errno.EINVAL);
            }
            int rc = ReadMeta(block, out problem);
            if (rc != 0)
            {
                return rc;
            }
            string? bad = OnDisk.ReadDirectoryBlock(_scratch.Bytes, records);
            if (bad != null)
            {
                problem = $"corrupt directory inode {dir.Number}, block {i}: {bad}";
                return Errnos.Neg(Errno.EINVAL);
            }
        }
        foreach ((string name, uint number) in records)
        {
            if (!file.Entries!.TryAdd(name, number))
            {
                problem = $"corrupt directory inode {dir.Number}: the name \"{name}\" twice";
                return Errnos.Neg(Errno.EINVAL);
            }
        }
        return 0;
    }

    // page_get_link: the target is the first block's first i_size bytes.
    private int LoadSymlink(Inode link, BlockFsFile file, out string? problem)
    {
        problem = null;
        if (link.Size <= 0 || link.Size > BlockFs.SymlinkMax || file.Get(0) == 0)
        {
            problem = $"corrupt symbolic link inode {link.Number}: size {link.Size}, first block {file.Get(0)}";
            return Errnos.Neg(Errno.EINVAL);
        }
        int rc = ReadMeta(file.Get(0), out problem);
        if (rc != 0)
        {
            return rc;
        }
        link.LinkTarget = System.Text.Encoding.UTF8.GetString(_scratch.Bytes[..(int)link.Size]);
        return 0;
    }

    // d_add for every name of the tree: BlockFs's names live in the namespace's dcache (ListsDcache), as ramfs's do.
    private int BindTree(out string? problem)
    {
        problem = null;
        var pending = new Queue<(string Path, Inode Dir)>();
        pending.Enqueue((MountPoint.TrimEnd('/'), Root));
        while (pending.TryDequeue(out (string Path, Inode Dir) dir))
        {
            foreach ((string name, uint number) in EntriesOf(dir.Dir))
            {
                Inode child = _inodes[number];
                string path = dir.Path + "/" + name;
                int rc = Vfs.Create(path, child, Credentials.Root);
                if (rc != 0)
                {
                    problem = $"{path}: {Errnos.FromReturn(rc).Message()}";
                    return rc;
                }
                if (child.Type == FileType.Directory)
                {
                    pending.Enqueue((path, child));
                }
            }
        }
        return 0;
    }

    // The file's direct pointers, then its indirect blocks read into the one map array.
    private int LoadMap(BlockFsFile file, out string? problem)
    {
        problem = null;
        ReadOnlySpan<byte> record = InodeRecord(file.Number);
        uint indirect = OnDisk.Indirect(record);
        uint doubleIndirect = OnDisk.DoubleIndirect(record);
        for (int i = 0; i < BlockFs.DirectBlocks; i++)
        {
            uint block = OnDisk.Direct(InodeRecord(file.Number), i);
            if (!CheckPointer(file, block, out problem))
            {
                return Errnos.Neg(Errno.EINVAL);
            }
            file.Map[i] = block;
        }
        if (!CheckPointer(file, indirect, out problem) || !CheckPointer(file, doubleIndirect, out problem))
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        if (indirect != 0)
        {
            file.Indirect = indirect;
            file.AllocatedBlocks++;
            int rc = LoadPointers(file, indirect, BlockFs.DirectBlocks, out problem);
            if (rc != 0)
            {
                return rc;
            }
        }
        if (doubleIndirect != 0)
        {
            file.DoubleIndirect = doubleIndirect;
            file.AllocatedBlocks++;
            int rc = ReadMeta(doubleIndirect, out problem);
            if (rc != 0)
            {
                return rc;
            }
            var children = new uint[BlockFs.PointersPerBlock];
            for (int c = 0; c < children.Length; c++)
            {
                children[c] = OnDisk.Pointer(_scratch.Bytes, c);
                if (!CheckPointer(file, children[c], out problem))
                {
                    return Errnos.Neg(Errno.EINVAL);
                }
            }
            file.Children = children;
            for (int c = 0; c < children.Length; c++)
            {
                if (children[c] != 0)
                {
                    file.AllocatedBlocks++;
                    rc = LoadPointers(file, children[c], BlockFsFile.ChildStart(c), out problem);
                    if (rc != 0)
                    {
                        return rc;
                    }
                }
            }
        }
        for (int i = 0; i < file.Map.Length; i++)
        {
            file.AllocatedBlocks += file.Map[i] != 0 ? 1UL : 0UL;
        }
        return 0;
    }

    private int LoadPointers(BlockFsFile file, uint block, ulong firstIndex, out string? problem)
    {
        int rc = ReadMeta(block, out problem);
        if (rc != 0)
        {
            return rc;
        }
        file.EnsureCapacity(firstIndex + BlockFs.PointersPerBlock);
        for (int j = 0; j < BlockFs.PointersPerBlock; j++)
        {
            uint pointer = OnDisk.Pointer(_scratch.Bytes, j);
            if (!CheckPointer(file, pointer, out problem))
            {
                return Errnos.Neg(Errno.EINVAL);
            }
            file.Map[firstIndex + (ulong)j] = pointer;
        }
        return 0;
    }

    private bool CheckPointer(BlockFsFile file, uint block, out string? problem)
    {
        problem = null;
        if (block != 0 && (block < Geometry.DataStart || block >= Geometry.BlockCount || !IsUsed(block)))
        {
            problem = $"corrupt inode {file.Number}: block pointer {block} is outside the data area "
                + $"[{Geometry.DataStart}, {Geometry.BlockCount}) or free in the bitmap";
            return false;
        }
        return true;
    }
}

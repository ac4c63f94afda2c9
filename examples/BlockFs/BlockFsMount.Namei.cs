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
/// fs/ext2/namei.c and dir.c: the work of <see cref="BlockFsInodes"/> (the namespace has checked names, types and
/// permissions) — new inodes, links, unlink, rmdir, rename, setattr, evict, orphans — and the directories' records
/// written through.
/// </summary>
public sealed unsafe partial class BlockFsMount
{
    internal static Dictionary<string, uint> EntriesOf(Inode dir) => ((BlockFsFile)dir.Private!).Entries!;

    // Every regular file with pages: the named ones and the orphans still in use.
    private Inode[] RegularInodes() => _inodes.Values.Concat(_orphans.Values).Where(static i => i.Type == FileType.Regular).ToArray();

    /// <summary><c>ext2_create</c>, <c>ext2_mkdir</c>, <c>ext2_symlink</c>: a new inode of <paramref name="type"/> named
    /// <paramref name="name"/> in <paramref name="dir"/>, written through with the directory before it returns.</summary>
    internal int MakeInode(Inode dir, string name, FileType type, uint permissions, uint uid, uint gid, string? target, out Inode? inode)
    {
        inode = null;
        if (System.Text.Encoding.UTF8.GetByteCount(name) > BlockFs.NameMax
            || (target != null && System.Text.Encoding.UTF8.GetByteCount(target) > BlockFs.SymlinkMax))
        {
            return Errnos.Neg(Errno.ENAMETOOLONG);
        }
        lock (_lock)
        {
            if (_unmounted)
            {
                return Errnos.Neg(Errno.ENXIO);
            }
            uint number = FreeInodeNumber();
            if (number == 0)
            {
                return Errnos.Neg(Errno.ENOSPC);
            }
            int error = EnsureDirectoryRoom(dir, name);
            if (error != 0)
            {
                return error;
            }
            var file = new BlockFsFile(number, type == FileType.Directory) { Dirty = true };
            var made = new Inode(SuperBlock, number, type, permissions, BlockFs.Operations)
            {
                Uid = uid,
                Gid = gid,
                Links = type == FileType.Directory ? 2U : 1U,
                Private = file,
                Operations = BlockFsInodes.Instance,
            };
            if (target != null && (error = WriteSymlink(made, file, target)) != 0)
            {
                FreeFileBlocks(file);
                return error;
            }
            _inodes.Add(number, made);
            _freeInodes--;
            _superDirty = true;
            AddEntry(dir, name, made);
            if (type == FileType.Directory)
            {
                dir.Links++;
            }
            inode = made;
            return FlushMetadataLocked();
        }
    }

    /// <summary><c>ext2_link</c>: one more name for <paramref name="inode"/>.</summary>
    internal int Link(Inode inode, Inode dir, string name)
    {
        lock (_lock)
        {
            int error = _unmounted ? Errnos.Neg(Errno.ENXIO) : EnsureDirectoryRoom(dir, name);
            if (error != 0)
            {
                return error;
            }
            AddEntry(dir, name, inode);
            inode.Links++;
            Touch(inode);
            return FlushMetadataLocked();
        }
    }

    /// <summary><c>ext2_unlink</c>: the name goes; at the last link the inode becomes an orphan.</summary>
    internal int Unlink(Inode dir, string name, Inode inode)
    {
        lock (_lock)
        {
            if (_unmounted)
            {
                return Errnos.Neg(Errno.ENXIO);
            }
            RemoveEntry(dir, name);
            DropLink(inode);
            return FlushMetadataLocked();
        }
    }

    /// <summary><c>ext2_rmdir</c>: the empty directory's name goes, and with it the directory.</summary>
    internal int Rmdir(Inode dir, string name, Inode inode)
    {
        lock (_lock)
        {
            if (_unmounted)
            {
                return Errnos.Neg(Errno.ENXIO);
            }
            RemoveEntry(dir, name);
            dir.Links--;
            inode.Links = 0;
            MakeOrphan(inode);
            return FlushMetadataLocked();
        }
    }

    /// <summary><c>ext2_rename</c>: the entry moves; a replaced target loses a link (a directory: its only one).</summary>
    internal int Rename(Inode oldDir, string oldName, Inode inode, Inode newDir, string newName, Inode? target)
    {
        lock (_lock)
        {
            int error = _unmounted ? Errnos.Neg(Errno.ENXIO) : target == null ? EnsureDirectoryRoom(newDir, newName) : 0;
            if (error != 0)
            {
                return error;
            }
            RemoveEntry(oldDir, oldName);
            if (target != null && target.Type == FileType.Directory)
            {
                newDir.Links--;
                target.Links = 0;
                MakeOrphan(target);
            }
            else if (target != null)
            {
                DropLink(target);
            }
            AddEntry(newDir, newName, inode);
            if (inode.Type == FileType.Directory && !ReferenceEquals(oldDir, newDir))
            {
                oldDir.Links--;
                newDir.Links++;
            }
            Touch(inode);
            return FlushMetadataLocked();
        }
    }

    /// <summary><c>ext2_setattr</c>: a new size through <see cref="TruncateInode"/>, the rest copied; written through.</summary>
    internal int SetAttr(Inode inode, in InodeAttr attr)
    {
        if ((attr.Valid & AttrValid.Size) != 0 && inode.Type == FileType.Regular && attr.Size != inode.Size)
        {
            int error = TruncateInode(inode, attr.Size);
            if (error != 0)
            {
                return error;
            }
        }
        lock (_lock)
        {
            if (_unmounted)
            {
                return Errnos.Neg(Errno.ENXIO);
            }
            attr.CopyTo(inode);
            ((BlockFsFile)inode.Private!).Dirty = true;
            return FlushMetadataLocked();
        }
    }

    /// <summary><c>ext2_evict_inode</c>: an orphan nobody uses any more gives its pages and blocks back.</summary>
    internal void Evict(Inode inode)
    {
        if (inode.Private is not BlockFsFile { Orphan: true } file)
        {
            return;
        }
        foreach (Page page in inode.Mapping.LookupPages())
        {
            page.Lock();
            page.WaitOnWriteback();
            page.Clear(PageFlags.Dirty);
            inode.Mapping.DeletePage(page);
            page.Unlock();
            page.Release();
        }
        lock (_lock)
        {
            if (!_unmounted && _orphans.Remove(file.Number))
            {
                FreeFileBlocks(file);
                _freeInodes++;
                _superDirty = true;
                FlushMetadataLocked();
            }
        }
    }

    // The first free inode record (mode 0) that no orphan still holds; 0 when there is none.
    private uint FreeInodeNumber()
    {
        for (uint n = 0; n < Geometry.InodeCount - 1; n++)
        {
            uint i = BlockFs.RootInode + 1 + ((_inodeHint + n) % (Geometry.InodeCount - 1));
            if (OnDisk.Mode(InodeRecord(i)) == 0 && !_inodes.ContainsKey(i) && !_orphans.ContainsKey(i))
            {
                _inodeHint = i - BlockFs.RootInode;
                return i;
            }
        }
        return 0;
    }

    // The directory's blocks for one more name, allocated now so that the flush cannot run out of space: -ENOSPC.
    private int EnsureDirectoryRoom(Inode dir, string name)
    {
        var file = (BlockFsFile)dir.Private!;
        int blocks = OnDisk.BlocksFor(file.Entries!.Keys.Append(name));
        for (int i = 0; i < blocks; i++)
        {
            int error = MapForWrite(file, (ulong)i, out _);
            if (error != 0)
            {
                return error;
            }
        }
        return 0;
    }

    private static void AddEntry(Inode dir, string name, Inode inode)
    {
        var file = (BlockFsFile)dir.Private!;
        file.Entries![name] = (uint)inode.Number;
        file.EntriesDirty = true;
        Touch(dir);
        dir.ModifyTime = dir.ChangeTime;
    }

    private static void RemoveEntry(Inode dir, string name)
    {
        var file = (BlockFsFile)dir.Private!;
        file.Entries!.Remove(name);
        file.EntriesDirty = true;
        Touch(dir);
        dir.ModifyTime = dir.ChangeTime;
    }

    private static void Touch(Inode inode)
    {
        inode.ChangeTime = DateTime.UtcNow;
        ((BlockFsFile)inode.Private!).Dirty = true;
    }

    private void DropLink(Inode inode)
    {
        inode.Links--;
        Touch(inode);
        if (inode.Links == 0)
        {
            MakeOrphan(inode);
        }
    }

    // The inode leaves the tree: its record is free on the image at the next flush. A directory or symbolic link has
    // no user left and gives its blocks back at once; a regular file keeps them until it is evicted or unmounted.
    private void MakeOrphan(Inode inode)
    {
        var file = (BlockFsFile)inode.Private!;
        file.Orphan = true;
        _inodes.Remove(file.Number);
        InodeRecord(file.Number).Clear();
        _dirtyMeta.Add(Geometry.InodeTableStart + ((file.Number - 1) / BlockFs.InodesPerBlock));
        if (inode.Type == FileType.Regular)
        {
            _orphans[file.Number] = inode;
            return;
        }
        FreeFileBlocks(file);
        _freeInodes++;
        _superDirty = true;
    }

    // Every data and map block of the file back to the bitmap.
    private void FreeFileBlocks(BlockFsFile file)
    {
        for (int i = 0; i < file.Map.Length; i++)
        {
            if (file.Map[i] != 0)
            {
                FreeBlock(file.Map[i]);
                file.Map[i] = 0;
            }
        }
        foreach (uint child in file.Children ?? [])
        {
            if (child != 0)
            {
                FreeBlock(child);
            }
        }
        foreach (uint block in new[] { file.Indirect, file.DoubleIndirect })
        {
            if (block != 0)
            {
                FreeBlock(block);
            }
        }
        file.Children = null;
        file.Indirect = file.DoubleIndirect = 0;
        file.AllocatedBlocks = 0;
        file.DirtyMapBlocks.Clear();
    }

    // page_symlink: the target into the link's first block.
    private int WriteSymlink(Inode link, BlockFsFile file, string target)
    {
        int error = MapForWrite(file, 0, out ulong block);
        if (error != 0)
        {
            return error;
        }
        _scratch.Bytes.Clear();
        int length = System.Text.Encoding.UTF8.GetBytes(target, _scratch.Bytes);
        link.Size = length;
        link.LinkTarget = target;
        return WriteScratch(block);
    }

    // A directory's size: every block its records need (held since EnsureDirectoryRoom), never less than before.
    private int LayOutDirectory(Inode dir, BlockFsFile file)
    {
        int blocks = Math.Max(OnDisk.BlocksFor(file.Entries!.Keys), (int)(dir.Size / BlockFs.BlockSize));
        for (int i = 0; i < blocks; i++)
        {
            int error = MapForWrite(file, (ulong)i, out _);
            if (error != 0)
            {
                return error;
            }
        }
        dir.Size = (long)blocks * BlockFs.BlockSize;
        file.Dirty = true;
        return 0;
    }

    // ext2_commit_chunk for the whole directory: its records, laid out again, into its blocks.
    private int WriteDirectory(Inode dir, BlockFsFile file)
    {
        int blocks = (int)(dir.Size / BlockFs.BlockSize);
        var bytes = new byte[blocks * BlockFs.BlockSize];
        OnDisk.WriteDirectory(bytes, file.Entries!.Select(e => (e.Key, e.Value, OnDisk.FileTypeCode(_inodes[e.Value].Type))));
        int first = 0;
        for (int i = 0; i < blocks; i++)
        {
            bytes.AsSpan(i * BlockFs.BlockSize, BlockFs.BlockSize).CopyTo(_scratch.Bytes);
            int error = WriteScratch(file.Get((ulong)i));
            first = first != 0 ? first : error;
        }
        file.EntriesDirty = false;
        return first;
    }
}

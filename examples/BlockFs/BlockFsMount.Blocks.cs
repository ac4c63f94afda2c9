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
/// fs/ext2/balloc.c, the block map (<c>ext2_get_block</c>) and <c>ext2_write_inode</c>: the bitmap, block allocation,
/// indirect map blocks, zeroing, and the metadata flush (all under <c>_lock</c>).
/// </summary>
public sealed unsafe partial class BlockFsMount
{
    private bool IsUsed(ulong block) => (_bitmap[block >> 3] & (1 << (int)(block & 7))) != 0;

    private void MarkUsed(ulong block, bool used)
    {
        if (used)
        {
            _bitmap[block >> 3] |= (byte)(1 << (int)(block & 7));
            _freeBlocks--;
        }
        else
        {
            _bitmap[block >> 3] &= (byte)~(1 << (int)(block & 7));
            _freeBlocks++;
        }
        _dirtyMeta.Add(Geometry.BitmapStart + (block / BlockFs.BitsPerBlock));
        _superDirty = true;
    }

    private void FreeBlock(ulong block) => MarkUsed(block, used: false);

    // The first free block at or after goal, wrapping to the data start; 0 when the disk is full.
    private ulong AllocBlock(ulong goal)
    {
        ulong start = Math.Clamp(goal, Geometry.DataStart, Geometry.BlockCount);
        ulong block = Scan(start, Geometry.BlockCount);
        if (block == 0)
        {
            block = Scan(Geometry.DataStart, start);
        }
        if (block != 0)
        {
            MarkUsed(block, used: true);
        }
        return block;

        ulong Scan(ulong from, ulong to)
        {
            for (ulong b = from; b < to; b++)
            {
                if ((b & 7) == 0 && b + 8 <= to && _bitmap[b >> 3] == 0xFF)
                {
                    b += 7;
                    continue;
                }
                if (!IsUsed(b))
                {
                    return b;
                }
            }
            return 0;
        }
    }

    private bool RunIsFree(ulong start, ulong count)
    {
        if (start < Geometry.DataStart || start + count > Geometry.BlockCount)
        {
            return false;
        }
        for (ulong b = start; b < start + count; b++)
        {
            if (IsUsed(b))
            {
                return false;
            }
        }
        return true;
    }

    // The first run of count free blocks, or 0.
    private ulong FindFreeRun(ulong count)
    {
        ulong runStart = Geometry.DataStart;
        ulong length = 0;
        for (ulong b = Geometry.DataStart; b < Geometry.BlockCount; b++)
        {
            if (IsUsed(b))
            {
                length = 0;
                runStart = b + 1;
                continue;
            }
            if (++length == count)
            {
                return runStart;
            }
        }
        return 0;
    }

    // Map blocks a file of `blocks` blocks, fully mapped, needs beyond the ones it has.
    private static ulong NewMapBlocks(BlockFsFile file, ulong blocks)
    {
        ulong needed = 0;
        if (blocks > BlockFs.DirectBlocks && file.Indirect == 0)
        {
            needed++;
        }
        ulong doubleStart = BlockFs.DirectBlocks + BlockFs.PointersPerBlock;
        if (blocks > doubleStart)
        {
            needed += file.DoubleIndirect == 0 ? 1UL : 0UL;
            int lastChild = (int)((blocks - 1 - doubleStart) / BlockFs.PointersPerBlock);
            for (int c = 0; c <= lastChild; c++)
            {
                needed += file.Children is null || file.Children[c] == 0 ? 1UL : 0UL;
            }
        }
        return needed;
    }

    private void SetPointer(BlockFsFile file, ulong index, ulong block)
    {
        file.EnsureCapacity(index + 1);
        file.Map[index] = (uint)block;
        file.AllocatedBlocks++;
        file.Dirty = true;
        if (BlockFsFile.MapKey(index) is int key)
        {
            file.DirtyMapBlocks.Add(key);
        }
    }

    // The indirect blocks file block `index` needs, allocated first-fit from the data start. Callers checked the space.
    private int EnsureMapBlocks(BlockFsFile file, ulong index)
    {
        int? key = BlockFsFile.MapKey(index);
        if (key is null)
        {
            return 0;
        }
        if (key == BlockFsFile.IndirectKey)
        {
            if (file.Indirect == 0)
            {
                ulong block = AllocBlock(Geometry.DataStart);
                if (block == 0)
                {
                    return Errnos.Neg(Errno.ENOSPC);
                }
                file.Indirect = (uint)block;
                file.AllocatedBlocks++;
                file.DirtyMapBlocks.Add(BlockFsFile.IndirectKey);
            }
            return 0;
        }
        if (file.DoubleIndirect == 0)
        {
            ulong block = AllocBlock(Geometry.DataStart);
            if (block == 0)
            {
                return Errnos.Neg(Errno.ENOSPC);
            }
            file.DoubleIndirect = (uint)block;
            file.Children ??= new uint[BlockFs.PointersPerBlock];
            file.AllocatedBlocks++;
            file.DirtyMapBlocks.Add(BlockFsFile.DoubleKey);
        }
        int child = key.Value;
        if (file.Children![child] == 0)
        {
            ulong block = AllocBlock(Geometry.DataStart);
            if (block == 0)
            {
                return Errnos.Neg(Errno.ENOSPC);
            }
            file.Children[child] = (uint)block;
            file.AllocatedBlocks++;
            file.DirtyMapBlocks.Add(BlockFsFile.DoubleKey);
            file.DirtyMapBlocks.Add(child);
        }
        return 0;
    }

    // get_block(create): the block of file block `index`, allocated (after the previous file block where free) if a hole.
    private int MapForWrite(BlockFsFile file, ulong index, out ulong block)
    {
        lock (_lock)
        {
            block = file.Get(index);
            if (block != 0)
            {
                return 0;
            }
            if (index >= BlockFs.MaxFileBlocks)
            {
                return Errnos.Neg(Errno.EFBIG);
            }
            ulong needed = 1;
            if (BlockFsFile.MapKey(index) is int key)
            {
                needed += key == BlockFsFile.IndirectKey ? (file.Indirect == 0 ? 1UL : 0UL)
                    : (file.DoubleIndirect == 0 ? 1UL : 0UL) + (file.Children is null || file.Children[key] == 0 ? 1UL : 0UL);
            }
            if (needed > _freeBlocks)
            {
                return Errnos.Neg(Errno.ENOSPC);
            }
            ulong previous = index > 0 ? file.Get(index - 1) : 0;
            ulong goal = previous != 0 ? previous + 1 : Geometry.DataStart;
            block = AllocBlock(goal);
            SetPointer(file, index, block);
            return EnsureMapBlocks(file, index);
        }
    }

    // Map blocks that no longer hold a pointer go back to the bitmap.
    private void ReleaseEmptyMapBlocks(BlockFsFile file)
    {
        if (file.Indirect != 0 && !file.AnyMapped(BlockFs.DirectBlocks, BlockFs.PointersPerBlock))
        {
            FreeBlock(file.Indirect);
            file.Indirect = 0;
            file.AllocatedBlocks--;
            file.DirtyMapBlocks.Remove(BlockFsFile.IndirectKey);
        }
        if (file.DoubleIndirect != 0 && file.Children is { } children)
        {
            bool any = false;
            for (int c = 0; c < children.Length; c++)
            {
                if (children[c] != 0 && !file.AnyMapped(BlockFsFile.ChildStart(c), BlockFs.PointersPerBlock))
                {
                    FreeBlock(children[c]);
                    children[c] = 0;
                    file.AllocatedBlocks--;
                    file.DirtyMapBlocks.Remove(c);
                    file.DirtyMapBlocks.Add(BlockFsFile.DoubleKey);
                }
                any |= children[c] != 0;
            }
            if (!any)
            {
                FreeBlock(file.DoubleIndirect);
                file.DoubleIndirect = 0;
                file.AllocatedBlocks--;
                file.DirtyMapBlocks.Remove(BlockFsFile.DoubleKey);
            }
        }
    }

    // Writes zeros over the blocks, consecutive ones in one vectored write.
    private int ZeroBlocks(List<ulong> blocks)
    {
        blocks.Sort();
        Span<IoVec> zeros = stackalloc IoVec[ZeroBatch];
        zeros.Fill(IoVec.ForPage(_zero));
        int i = 0;
        while (i < blocks.Count)
        {
            int run = 1;
            while (i + run < blocks.Count && run < ZeroBatch && blocks[i + run] == blocks[i] + (ulong)run)
            {
                run++;
            }
            long written = Device.Write(zeros[..run], (long)blocks[i] * BlockFs.BlockSize);
            if (written != (long)run * BlockFs.BlockSize)
            {
                return written < 0 ? (int)written : Errnos.Neg(Errno.EIO);
            }
            i += run;
        }
        return 0;
    }

    // block_truncate_page: the bytes of the new last block past the new end become zeros on the device.
    private int ZeroTail(ulong block, int from)
    {
        IoVec segment = IoVec.ForPage(_scratch);
        long position = (long)block * BlockFs.BlockSize;
        long done = Device.Read(new ReadOnlySpan<IoVec>(in segment), position);
        if (done == Page.Size)
        {
            _scratch.Bytes[from..].Clear();
            done = Device.Write(new ReadOnlySpan<IoVec>(in segment), position);
        }
        return done == Page.Size ? 0 : done < 0 ? (int)done : Errnos.Neg(Errno.EIO);
    }

    // write_inode and the metadata buffers: map blocks and inode records of changed files, then the changed bitmap,
    // inode-table and directory blocks, then the superblock's counts.
    private int FlushMetadataLocked()
    {
        if (_unmounted)
        {
            return Errnos.Neg(Errno.ENXIO);
        }
        int first = 0;
        var directories = new List<Inode>();
        foreach (Inode inode in _inodes.Values)
        {
            var file = (BlockFsFile)inode.Private!;
            if (file.EntriesDirty)
            {
                // The blocks first (they may need new ones), the records themselves after the inode table.
                int error = LayOutDirectory(inode, file);
                first = first != 0 ? first : error;
                directories.Add(inode);
            }
            if (file.Dirty)
            {
                int error = StoreFile(inode, file);
                first = first != 0 ? first : error;
            }
        }
        foreach (ulong block in _dirtyMeta.Order())
        {
            ReadOnlySpan<byte> source = block >= Geometry.InodeTableStart ? _inodeTable.AsSpan((int)((block - Geometry.InodeTableStart) * BlockFs.BlockSize), BlockFs.BlockSize)
                : _bitmap.AsSpan((int)((block - Geometry.BitmapStart) * BlockFs.BlockSize), BlockFs.BlockSize);
            source.CopyTo(_scratch.Bytes);
            int error = WriteScratch(block);
            first = first != 0 ? first : error;
        }
        _dirtyMeta.Clear();
        foreach (Inode dir in directories)
        {
            int error = WriteDirectory(dir, (BlockFsFile)dir.Private!);
            first = first != 0 ? first : error;
        }
        if (!_superDirty)
        {
            return first;
        }
        OnDisk.WriteSuperblock(_scratch.Bytes, Geometry, _freeBlocks, _freeInodes);
        int written = WriteScratch(0);
        _superDirty = false;
        return first != 0 ? first : written;
    }

    private int StoreFile(Inode inode, BlockFsFile file)
    {
        int first = 0;
        foreach (int key in file.DirtyMapBlocks.Order())
        {
            uint block;
            if (key == BlockFsFile.IndirectKey)
            {
                block = file.Indirect;
                if (block != 0)
                {
                    OnDisk.WritePointers(_scratch.Bytes, file.Map.AsSpan(Math.Min(BlockFs.DirectBlocks, file.Map.Length)));
                }
            }
            else if (key == BlockFsFile.DoubleKey)
            {
                block = file.DoubleIndirect;
                if (block != 0)
                {
                    OnDisk.WritePointers(_scratch.Bytes, file.Children);
                }
            }
            else
            {
                block = file.Children?[key] ?? 0;
                if (block != 0)
                {
                    ulong start = BlockFsFile.ChildStart(key);
                    OnDisk.WritePointers(_scratch.Bytes, start < (ulong)file.Map.Length ? file.Map.AsSpan((int)start) : ReadOnlySpan<uint>.Empty);
                }
            }
            if (block != 0)
            {
                int error = WriteScratch(block);
                first = first != 0 ? first : error;
            }
        }
        file.DirtyMapBlocks.Clear();
        inode.Blocks = (long)file.AllocatedBlocks * (BlockFs.BlockSize / 512);
        if (!file.Orphan)
        {
            OnDisk.WriteInode(InodeRecord(file.Number), inode, file.Map.AsSpan(0, Math.Min(BlockFs.DirectBlocks, file.Map.Length)), file.Indirect, file.DoubleIndirect);
        }
        _dirtyMeta.Add(Geometry.InodeTableStart + ((file.Number - 1) / BlockFs.InodesPerBlock));
        file.Dirty = false;
        return first;
    }

    // Inode N is record N - 1 of the table, as in ext2.
    private Span<byte> InodeRecord(uint number) => _inodeTable.AsSpan((int)(number - 1) * BlockFs.InodeSize, BlockFs.InodeSize);


    private int WriteScratch(ulong block)
    {
        IoVec segment = IoVec.ForPage(_scratch);
        long written = Device.Write(new ReadOnlySpan<IoVec>(in segment), (long)block * BlockFs.BlockSize);
        return written == Page.Size ? 0 : written < 0 ? (int)written : Errnos.Neg(Errno.EIO);
    }

    private int ReadMeta(ulong block, out string? problem)
    {
        problem = null;
        IoVec segment = IoVec.ForPage(_scratch);
        long done = Device.Read(new ReadOnlySpan<IoVec>(in segment), (long)block * BlockFs.BlockSize);
        if (done == Page.Size)
        {
            return 0;
        }
        int error = done < 0 ? (int)done : Errnos.Neg(Errno.EIO);
        problem = $"cannot read block {block}: {Errnos.FromReturn(error).Message()}";
        return error;
    }

    private int ReadRegion(ulong start, byte[] destination, out string? problem)
    {
        problem = null;
        for (int i = 0; i < destination.Length / BlockFs.BlockSize; i++)
        {
            int rc = ReadMeta(start + (ulong)i, out problem);
            if (rc != 0)
            {
                return rc;
            }
            _scratch.Bytes.CopyTo(destination.AsSpan(i * BlockFs.BlockSize));
        }
        return 0;
    }
}

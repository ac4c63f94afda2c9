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
/// fs/ext2/inode.c's address_space work and the mount's own page cache: readpage, writepage, write_begin/write_end,
/// bmap, direct_IO, buffered reads, and eviction of its frames.
/// </summary>
public sealed unsafe partial class BlockFsMount
{
    /// <summary>readpage's work: file block <c>page.FileIndex</c> into the page; zeros for a hole and past i_size.</summary>
    internal int FillPage(Inode inode, Page page)
    {
        if (inode.Private is not BlockFsFile file || inode.Type != FileType.Regular)
        {
            return Errnos.Neg(Errno.EISDIR);
        }
        if (Volatile.Read(ref _unmounted))
        {
            return Errnos.Neg(Errno.ENXIO);
        }
        long size = inode.Size;
        long offset = page.FileOffset;
        if (offset >= size)
        {
            page.Bytes.Clear();
            return 0;
        }
        ulong block;
        lock (_lock)
        {
            block = file.Get(page.FileIndex);
        }
        if (block == 0)
        {
            page.Bytes.Clear();
            return 0;
        }
        IoVec segment = IoVec.ForPage(page);
        long done = Device.Read(new ReadOnlySpan<IoVec>(in segment), (long)block * BlockFs.BlockSize);
        if (done != Page.Size)
        {
            return done < 0 ? (int)done : Errnos.Neg(Errno.EIO);
        }
        if (size - offset < Page.Size)
        {
            page.Bytes[(int)(size - offset)..].Clear();
        }
        return 0;
    }

    /// <summary>The most pages one device read of <see cref="ReadPages"/> carries (the readahead window).</summary>
    private const int MaxReadRun = 32;

    /// <summary>
    /// readpages' work (ext2_readpages → mpage_readpages): each page goes into <paramref name="mapping"/> locked (one
    /// already cached is left to its reader); their blocks are mapped under the lock at once; each run of pages whose
    /// blocks follow each other on the device is one vectored read. A page past i_size or over a hole is zeros. A
    /// failed read leaves its pages not uptodate, with PG_error: the reader's readpage then reports why.
    /// </summary>
    internal void ReadPages(Inode inode, AddressSpace mapping, ReadOnlySpan<Page> pages)
    {
        if (inode.Private is not BlockFsFile file || inode.Type != FileType.Regular || Volatile.Read(ref _unmounted))
        {
            return; // nothing added: readpage answers for each page
        }
        Span<int> run = stackalloc int[MaxReadRun];
        Span<ulong> blocks = stackalloc ulong[MaxReadRun];
        IoVec* iov = stackalloc IoVec[MaxReadRun];
        for (int start = 0; start < pages.Length; start += MaxReadRun)
        {
            ReadOnlySpan<Page> batch = pages.Slice(start, Math.Min(MaxReadRun, pages.Length - start));
            int added = 0;
            for (int i = 0; i < batch.Length; i++)
            {
                Page page = batch[i];
                if (page.TryLock())
                {
                    if (mapping.AddPage(page, page.Index) == 0)
                    {
                        run[added++] = start + i;
                    }
                    else
                    {
                        page.Unlock();
                    }
                }
            }
            long size = inode.Size;
            lock (_lock)
            {
                for (int k = 0; k < added; k++)
                {
                    Page page = pages[run[k]];
                    blocks[k] = page.FileOffset >= size ? 0 : file.Get(page.FileIndex);
                }
            }
            int first = 0;
            for (int k = 0; k <= added; k++)
            {
                bool joins = k < added && k > first && blocks[k] != 0 && blocks[k] == blocks[k - 1] + 1 && pages[run[k]].Index == pages[run[k - 1]].Index + 1;
                if (k > first && !joins)
                {
                    ReadRun(pages, run[first..k], blocks[first], size, iov);
                    first = k;
                }
                if (k < added && blocks[k] == 0)
                {
                    Page hole = pages[run[k]];
                    hole.Bytes.Clear();
                    hole.Clear(PageFlags.Error);
                    hole.Set(PageFlags.Uptodate);
                    hole.Unlock();
                    first = k + 1;
                }
            }
        }
    }

    // One device read for pages[run[0]], pages[run[1]], … whose blocks start at `block` and follow each other.
    private void ReadRun(ReadOnlySpan<Page> pages, ReadOnlySpan<int> run, ulong block, long size, IoVec* iov)
    {
        for (int k = 0; k < run.Length; k++)
        {
            iov[k] = IoVec.ForPage(pages[run[k]]);
        }
        long done = Device.Read(new ReadOnlySpan<IoVec>(iov, run.Length), (long)block * BlockFs.BlockSize);
        bool ok = done == (long)run.Length * Page.Size;
        foreach (int i in run)
        {
            Page page = pages[i];
            if (ok)
            {
                if (size - page.FileOffset < Page.Size)
                {
                    page.Bytes[(int)Math.Max(size - page.FileOffset, 0)..].Clear();
                }
                page.Clear(PageFlags.Error);
                page.Set(PageFlags.Uptodate);
            }
            else
            {
                page.Set(PageFlags.Error);
            }
            page.Unlock();
        }
    }

    /// <summary>writepage's work on a locked page whose dirty bit is clear. With <paramref name="keepLocked"/> (the
    /// write-through and eviction paths) the page stays locked throughout.</summary>
    internal int WritePage(Inode inode, Page page, bool keepLocked)
    {
        if (inode.Private is not BlockFsFile file || inode.Type != FileType.Regular || Volatile.Read(ref _unmounted))
        {
            page.Set(PageFlags.Dirty);
            Done();
            return Errnos.Neg(inode.Type == FileType.Regular ? Errno.ENXIO : Errno.EISDIR);
        }
        if (inode.IsSwapFile)
        {
            // The blocks belong to the swap area now (mm/swapfile.c writes them through the device); this page
            // would overwrite swap slots. Keep it dirty and locked, as AOP_WRITEPAGE_ACTIVATE asks.
            page.Set(PageFlags.Dirty);
            if (keepLocked)
            {
                return 0;
            }
            return AopReturn.WritePageActivate;
        }
        long size = inode.Size;
        long offset = page.FileOffset;
        if (offset >= size)
        {
            Done();
            return 0;
        }
        if (size - offset < Page.Size)
        {
            page.Bytes[(int)(size - offset)..].Clear();
        }
        int error = MapForWrite(file, page.FileIndex, out ulong block);
        if (error != 0)
        {
            page.Set(PageFlags.Error | PageFlags.Dirty);
            Done();
            return error;
        }
        page.SetWriteback();
        Done();
        IoVec segment = IoVec.ForPage(page);
        long written = Device.Write(new ReadOnlySpan<IoVec>(in segment), (long)block * BlockFs.BlockSize);
        error = written == Page.Size ? 0 : written < 0 ? (int)written : Errnos.Neg(Errno.EIO);
        if (error != 0)
        {
            page.Set(PageFlags.Error | PageFlags.Dirty);
        }
        else
        {
            page.Clear(PageFlags.Error);
        }
        page.EndWriteback();
        return error;

        void Done()
        {
            if (!keepLocked)
            {
                page.Unlock();
            }
        }
    }

    internal int WriteBegin(Inode inode, AddressSpace mapping, long pos, uint len, out Page? page)
    {
        page = null;
        if (inode.Private is not BlockFsFile file || inode.Type != FileType.Regular)
        {
            return Errnos.Neg(Errno.EISDIR);
        }
        if (Volatile.Read(ref _unmounted))
        {
            return Errnos.Neg(Errno.ENXIO);
        }
        if (pos < 0 || len > Page.Size)
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        if (pos + len > BlockFs.MaxFileSize)
        {
            return Errnos.Neg(Errno.EFBIG);
        }
        int offset = (int)(pos & (Page.Size - 1));
        int error = GetCachePage(mapping, (ulong)pos >> Page.Shift, out Page? locked);
        if (error != 0)
        {
            return error;
        }
        // Read the rest of the page before its block is allocated: a hole reads as zeros, a new block as garbage.
        if (!locked!.IsUptodate && (offset != 0 || len != Page.Size))
        {
            error = FillPage(inode, locked);
            if (error == 0)
            {
                locked.Set(PageFlags.Uptodate);
            }
        }
        if (error == 0)
        {
            error = MapForWrite(file, locked.Index, out _);
        }
        if (error != 0)
        {
            locked.Unlock();
            locked.Release();
            return error;
        }
        page = locked;
        return 0;
    }

    internal int WriteEnd(Inode inode, AddressSpace mapping, long pos, uint len, uint copied, Page page)
    {
        if (copied < len && !page.IsUptodate)
        {
            copied = 0;
        }
        int error = 0;
        if (copied > 0)
        {
            page.Set(PageFlags.Uptodate);
            long end = pos + copied;
            if (inode.Private is BlockFsFile file)
            {
                lock (_lock)
                {
                    if (end > inode.Size)
                    {
                        inode.Size = end;
                    }
                    file.Dirty = true;
                }
            }
            if (_options.Sync || (inode.Flags & InodeFlags.Sync) != 0)
            {
                page.Clear(PageFlags.Dirty);
                error = WritePage(inode, page, keepLocked: true);
                if (error == 0)
                {
                    lock (_lock)
                    {
                        error = FlushMetadataLocked();
                    }
                }
            }
            else
            {
                AopsCalls.SetPageDirty(mapping.Aops, page);
            }
        }
        page.Unlock();
        page.Release();
        return error != 0 ? error : (int)copied;
    }

    internal ulong MapBlock(Inode inode, ulong block)
    {
        if (inode.Private is not BlockFsFile file || inode.Type != FileType.Regular)
        {
            return 0;
        }
        lock (_lock)
        {
            return file.Get(block);
        }
    }

    /// <summary>direct_IO's work (ext2_direct_IO → blockdev_direct_IO): the bytes move between the segments and the
    /// device block by block, past the page cache. A cached dirty page of a block is written back first
    /// (filemap_write_and_wait_range), so neither side sees stale bytes. A read stops at i_size and reads a hole as
    /// zeros; a write allocates a hole's block as write_begin does and grows i_size. The image is opened O_DIRECT and
    /// the caller's buffers need not be aligned, so each block passes through one aligned bounce frame.</summary>
    internal long DirectIO(Inode inode, Rw rw, ReadOnlySpan<IoVec> iov, long offset)
    {
        if (inode.Private is not BlockFsFile file || inode.Type != FileType.Regular)
        {
            return Errnos.Neg(Errno.EISDIR);
        }
        if (Volatile.Read(ref _unmounted))
        {
            return Errnos.Neg(Errno.ENXIO);
        }
        bool write = (rw & Rw.Write) != 0;
        if (offset < 0)
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        if (write && offset + IoVec.TotalLength(iov) > BlockFs.MaxFileSize)
        {
            return Errnos.Neg(Errno.EFBIG);
        }
        long done = 0;
        foreach (IoVec segment in iov)
        {
            Span<byte> bytes = segment.AsSpan();
            int at = 0;
            while (at < bytes.Length)
            {
                long pos = offset + done;
                long size = inode.Size;
                if (!write && pos >= size)
                {
                    return done;
                }
                int inBlock = (int)(pos & (BlockFs.BlockSize - 1));
                int chunk = Math.Min(BlockFs.BlockSize - inBlock, bytes.Length - at);
                if (!write)
                {
                    chunk = (int)Math.Min(chunk, size - pos);
                }
                int error = DirectBlock(inode, file, write, (ulong)(pos >> Page.Shift), inBlock, bytes.Slice(at, chunk));
                if (error != 0)
                {
                    return done > 0 ? done : error;
                }
                at += chunk;
                done += chunk;
                if (write)
                {
                    lock (_lock)
                    {
                        if (pos + chunk > inode.Size)
                        {
                            inode.Size = pos + chunk;
                        }
                        file.Dirty = true;
                    }
                }
            }
        }
        return done;
    }

    // One block of a direct transfer through the bounce frame: read it (zeros for a hole), then copy out, or copy in and write.
    private int DirectBlock(Inode inode, BlockFsFile file, bool write, ulong index, int inBlock, Span<byte> bytes)
    {
        if (inode.Mapping.FindGetPage(index) is { } cached)
        {
            cached.Lock();
            if (ReferenceEquals(cached.Mapping, inode.Mapping) && cached.TestAndClear(PageFlags.Dirty))
            {
                WritePage(inode, cached, keepLocked: true);
            }
            cached.Unlock();
            cached.Release();
        }
        ulong block;
        int error = 0;
        if (write)
        {
            error = MapForWrite(file, index, out block);
        }
        else
        {
            lock (_lock)
            {
                block = file.Get(index);
            }
        }
        if (error != 0)
        {
            return error;
        }
        lock (_bounceLock)
        {
            IoVec frame = IoVec.ForPage(_bounce);
            long position = (long)block * BlockFs.BlockSize;
            bool whole = write && inBlock == 0 && bytes.Length == BlockFs.BlockSize;
            if (block == 0)
            {
                _bounce.Bytes.Clear();
            }
            else if (!whole)
            {
                long read = Device.Read(new ReadOnlySpan<IoVec>(in frame), position);
                if (read != Page.Size)
                {
                    return read < 0 ? (int)read : Errnos.Neg(Errno.EIO);
                }
            }
            if (!write)
            {
                _bounce.Bytes.Slice(inBlock, bytes.Length).CopyTo(bytes);
                return 0;
            }
            bytes.CopyTo(_bounce.Bytes[inBlock..]);
            long written = Device.Write(new ReadOnlySpan<IoVec>(in frame), position);
            return written == Page.Size ? 0 : written < 0 ? (int)written : Errnos.Neg(Errno.EIO);
        }
    }

    internal long Read(OpenFile file, long position, Span<byte> buffer)
    {
        Inode inode = file.Inode;
        if (inode.Type == FileType.Directory)
        {
            return Errnos.Neg(Errno.EISDIR);
        }
        long done = 0;
        while (done < buffer.Length)
        {
            long pos = position + done;
            long size = inode.Size;
            if (pos >= size)
            {
                break;
            }
            int offset = (int)(pos & (Page.Size - 1));
            int length = (int)Math.Min(Math.Min(Page.Size - offset, buffer.Length - done), size - pos);
            int error = GetCachePage(file.Mapping, (ulong)pos >> Page.Shift, out Page? page);
            if (error == 0 && !page!.IsUptodate)
            {
                error = AopsCalls.ReadPage(file.Mapping.Aops, file, page);
                if (error == 0 && !page.IsUptodate)
                {
                    error = Errnos.Neg(Errno.EIO);
                }
            }
            else if (error == 0)
            {
                page!.Unlock();
            }
            if (error != 0)
            {
                page?.Release();
                return done > 0 ? done : error;
            }
            page!.Bytes.Slice(offset, length).CopyTo(buffer[(int)done..]);
            page.Release();
            done += length;
        }
        return done;
    }

    // find_or_create_page: the locked page at index with a reference, a new frame added to the cache if none is there.
    private int GetCachePage(AddressSpace mapping, ulong index, out Page? page)
    {
        int busy = 0;
        while (true)
        {
            Page? found = mapping.FindGetPage(index);
            if (found != null)
            {
                found.Lock();
                if (ReferenceEquals(found.Mapping, mapping))
                {
                    page = found;
                    return 0;
                }
                found.Unlock();
                found.Release();
                continue;
            }
            if (Volatile.Read(ref _unmounted))
            {
                page = null;
                return Errnos.Neg(Errno.ENXIO);
            }
            Page? fresh = _cache.Alloc();
            if (fresh == null)
            {
                // Reclaim, as the allocator does, and try again; other threads may hold every page for a moment
                // (locked for their own write or eviction), so only a pool that stays busy is -ENOMEM.
                if (!EvictOne() && ++busy > ReclaimAttempts)
                {
                    page = null;
                    return Errnos.Neg(Errno.ENOMEM);
                }
                if (busy > 0)
                {
                    Thread.Sleep(1);
                }
                continue;
            }
            fresh.Lock();
            if (mapping.AddPage(fresh, index) == 0)
            {
                page = fresh;
                return 0;
            }
            fresh.Unlock();
            _cache.Free(fresh);
        }
    }

    // shrink_page_list, for the mount's own cache: the first page no one else holds leaves its mapping — written
    // first if dirty — and its frame goes back to the pool. False when every page is busy.
    private bool EvictOne()
    {
        Inode[] files;
        lock (_lock)
        {
            files = RegularInodes();
        }
        foreach (Inode inode in files)
        {
            AddressSpace mapping = inode.Mapping;
            bool evicted = false;
            foreach (Page page in mapping.LookupPages())
            {
                // Only a frame of this pool helps (the FUSE bridge's page cache puts its own in the same mappings).
                bool ours = page.FrameNumber < _cache.Count && ReferenceEquals(_cache[page.FrameNumber], page);
                if (ours && !evicted && !page.IsWriteback && page.TryLock())
                {
                    if (ReferenceEquals(page.Mapping, mapping) && page.TestAndClear(PageFlags.Dirty))
                    {
                        WritePage(inode, page, keepLocked: true);
                    }
                    evicted = !page.IsDirty && !page.IsWriteback && ReferenceEquals(page.Mapping, mapping) && mapping.DeletePageIfCount(page, 2);
                    page.Unlock();
                }
                page.Release();
            }
            if (evicted)
            {
                return true;
            }
        }
        return false;
    }
}

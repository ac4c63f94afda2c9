using System.Collections.Generic;
using System.Runtime.InteropServices;
using AopsGen.Vfs;

namespace AopsGen.Mm;

/// <summary>
/// mm/filemap.c: the generic read, write and sync paths of regular files over the page cache, with the frames
/// the cache may fill. Every byte moves through the file's <see cref="AddressSpace.Aops"/>: a buffered read finds
/// the page in the mapping or reads it with <c>readpages</c> (readahead of the request's missing pages) and
/// <c>readpage</c>; a buffered write is <c>write_begin</c>/<c>write_end</c> (<see cref="MountNamespace.Write"/>);
/// an <c>O_DIRECT</c> file goes through <c>direct_IO</c>; fsync is <c>writepages</c> (or the <c>writepage</c>
/// walk). When the frames run out, clean unused pages are reclaimed (<c>releasepage</c> for private ones) in clock
/// order. Thread-safe; a read or write allocates no managed memory per page.
/// </summary>
public sealed unsafe class PageCache : IDisposable
{
    /// <summary>Pages one readahead asks <c>readpages</c> for at most (the kernel's default 128 KiB window).</summary>
    public const int ReadaheadPages = 32;

    private readonly PageFrames _frames;
    private readonly object _clockLock = new();
    private int _clockHand;

    [ThreadStatic]
    private static Page[]? t_readahead;

    [ThreadStatic]
    private static Kiocb? t_kiocb;

    /// <summary>A page cache that holds up to <paramref name="frames"/> pages.</summary>
    public PageCache(int frames)
    {
        _frames = new PageFrames(frames);
    }

    /// <summary>Frames the cache may use.</summary>
    public int Frames => _frames.Count;

    /// <summary>Frames not holding a page right now.</summary>
    public int FreeFrames => _frames.FreeCount;

    /// <summary>
    /// <c>generic_file_read_iter</c>: read up to <paramref name="destination"/>'s length at <paramref name="position"/>,
    /// stopping at <c>i_size</c>. Returns the bytes read, or -EINVAL, -EIO (a page that did not come uptodate), -ENOMEM
    /// (every frame busy), or the filesystem's error.
    /// </summary>
    public long Read(OpenFile file, long position, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (position < 0)
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        long size = file.Inode.Size;
        if ((file.Flags & OpenFlags.Direct) != 0)
        {
            // A direct read stops at i_size too (iomap_dio_rw).
            return position >= size ? 0 : DirectIO(file, Rw.Read, position, destination[..(int)Math.Min(destination.Length, size - position)]);
        }
        if (position >= size || destination.Length == 0)
        {
            return 0;
        }
        int length = (int)Math.Min(destination.Length, size - position);
        AddressSpace mapping = file.Mapping;
        ulong first = (ulong)(position >> Page.Shift);
        ulong last = (ulong)((position + length - 1) >> Page.Shift);
        Readahead(file, mapping, first, last);
        int done = 0;
        while (done < length)
        {
            long pos = position + done;
            int offset = (int)(pos & (Page.Size - 1));
            int chunk = Math.Min(Page.Size - offset, length - done);
            int error = GetUptodatePage(file, mapping, (ulong)(pos >> Page.Shift), out Page? page);
            if (error != 0)
            {
                return done > 0 ? done : error;
            }
            page!.Bytes.Slice(offset, chunk).CopyTo(destination.Slice(done));
            page.Put();
            done += chunk;
        }
        return done;
    }

    /// <summary>
    /// <c>generic_file_write_iter</c>: write <paramref name="source"/> at <paramref name="position"/> — through
    /// <c>direct_IO</c> for an <c>O_DIRECT</c> file (then the cached pages of the range are refreshed), else through
    /// <c>write_begin</c>/<c>write_end</c>; a cached page the filesystem did not hand out itself is brought up to date
    /// with the new bytes. Returns the bytes written or the errors of <see cref="MountNamespace.Write"/>.
    /// </summary>
    public long Write(OpenFile file, long position, ReadOnlySpan<byte> source)
    {
        ArgumentNullException.ThrowIfNull(file);
        long written;
        if ((file.Flags & OpenFlags.Direct) != 0)
        {
            if ((file.Flags & (OpenFlags.WriteOnly | OpenFlags.ReadWrite)) == 0)
            {
                return Errnos.Neg(Errno.EBADF);
            }
            if (file.Inode.IsSwapFile)
            {
                return Errnos.Neg(Errno.ETXTBSY);
            }
            fixed (byte* data = source)
            {
                written = DirectIO(file, Rw.Write, position, new Span<byte>(data, source.Length));
            }
            if (written > 0 && position + written > file.Inode.Size)
            {
                file.Inode.Size = position + written;
            }
        }
        else
        {
            written = MountNamespace.Write(file, position, source);
        }
        if (written > 0)
        {
            Refresh(file.Mapping, position, source[..(int)written]);
            file.Inode.ModifyTime = file.Inode.ChangeTime = DateTime.UtcNow;
        }
        return written;
    }

    /// <summary><c>vfs_fsync</c> → <c>filemap_write_and_wait</c>: <c>writepages</c> with WB_SYNC_ALL over the whole
    /// file. Returns 0 or the first error.</summary>
    public static int Fsync(OpenFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var wbc = new WritebackControl { SyncMode = WritebackSyncMode.All };
        return AopsCalls.WritePages(file.Mapping.Aops, file.Mapping, wbc);
    }

    /// <summary>
    /// mm/truncate.c <c>truncate_inode_pages_range</c>: drop the cached pages wholly past <paramref name="from"/>
    /// (<c>invalidatepage</c> on those with private data, waiting for locks and writeback) and zero the tail of the
    /// page it falls in. A page from a <see cref="PageCache"/> goes back to its frames.
    /// </summary>
    public static void TruncatePages(AddressSpace mapping, long from)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ulong firstWhole = (ulong)((from + Page.Size - 1) >> Page.Shift);
        foreach (Page page in mapping.LookupPages())
        {
            page.Lock();
            page.WaitOnWriteback();
            if (ReferenceEquals(page.Mapping, mapping))
            {
                if (page.Index >= firstWhole)
                {
                    if (page.Test(PageFlags.Private))
                    {
                        AopsCalls.InvalidatePage(mapping.Aops, page, 0);
                    }
                    page.Clear(PageFlags.Dirty);
                    mapping.DeletePage(page);
                }
                else if ((ulong)(from >> Page.Shift) == page.Index)
                {
                    page.Bytes[(int)(from & (Page.Size - 1))..].Clear();
                }
            }
            page.Unlock();
            page.Release();
        }
    }

    /// <summary>Drops every cached page of <paramref name="inode"/> (<c>truncate_inode_pages(mapping, 0)</c> at evict).</summary>
    public static void Evict(Inode inode)
    {
        ArgumentNullException.ThrowIfNull(inode);
        TruncatePages(inode.Mapping, 0);
    }

    /// <summary>
    /// Empties the cache, then frees the frames: each mapping that still has a page here is written back first
    /// (<c>writepages</c>, WB_SYNC_ALL: a filesystem's <c>write_begin</c> may have dirtied a page it found here) and
    /// then truncated (<c>truncate_inode_pages</c>), so no mapping keeps a frame that is gone and nothing is lost.
    /// </summary>
    public void Dispose()
    {
        var mappings = new HashSet<AddressSpace>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < _frames.Count; i++)
        {
            if (_frames[i].Mapping is { } mapping)
            {
                mappings.Add(mapping);
            }
        }
        var wbc = new WritebackControl { SyncMode = WritebackSyncMode.All };
        foreach (AddressSpace mapping in mappings)
        {
            AopsCalls.WritePages(mapping.Aops, mapping, wbc);
            TruncatePages(mapping, 0);
        }
        _frames.Dispose();
    }

    // find_get_page, or page_cache_alloc + add_to_page_cache_lru + readpage; then wait_on_page_locked.
    private int GetUptodatePage(OpenFile file, AddressSpace mapping, ulong index, out Page? page)
    {
        while (true)
        {
            page = mapping.FindGetPage(index);
            if (page == null)
            {
                page = AllocFrame();
                if (page == null)
                {
                    return Errnos.Neg(Errno.ENOMEM);
                }
                page.Lock();
                if (mapping.AddPage(page, index) != 0)
                {
                    page.Unlock();
                    page.Release();
                    continue; // another reader cached it first
                }
                int error = AopsCalls.ReadPage(mapping.Aops, file, page);
                if (error != 0)
                {
                    Discard(mapping, page);
                    return error;
                }
            }
            if (!page.IsUptodate)
            {
                page.WaitOnLocked();
                if (!page.IsUptodate)
                {
                    page.Lock();
                    if (!ReferenceEquals(page.Mapping, mapping))
                    {
                        page.Unlock();
                        page.Put();
                        continue; // truncated meanwhile
                    }
                    if (!page.IsUptodate)
                    {
                        int error = AopsCalls.ReadPage(mapping.Aops, file, page);
                        page.WaitOnLocked();
                        if (error != 0 || !page.IsUptodate)
                        {
                            Discard(mapping, page);
                            return error != 0 ? error : Errnos.Neg(Errno.EIO);
                        }
                    }
                    else
                    {
                        page.Unlock();
                    }
                }
            }
            return 0;
        }
    }

    // page_cache_sync_readahead: fresh pages for the missing indexes of the request, handed to readpages (which
    // adds each to the cache, locked, and starts its read); pages it left out go back to the frames.
    private void Readahead(OpenFile file, AddressSpace mapping, ulong first, ulong last)
    {
        if (last == first)
        {
            return;
        }
        Page[] batch = t_readahead ??= new Page[ReadaheadPages];
        ulong index = first;
        while (index <= last)
        {
            int count = 0;
            for (; index <= last && count < batch.Length; index++)
            {
                Page? cached = mapping.FindGetPage(index);
                if (cached != null)
                {
                    cached.Put();
                    continue;
                }
                Page? fresh = AllocFrame();
                if (fresh == null)
                {
                    break;
                }
                fresh.Index = index;
                batch[count++] = fresh;
            }
            if (count == 0)
            {
                return;
            }
            AopsCalls.ReadPages(mapping.Aops, file, mapping, batch.AsSpan(0, count));
            for (int i = 0; i < count; i++)
            {
                batch[i].Release();
                batch[i] = null!;
            }
        }
    }

    // Copy freshly written bytes into the cached pages of their range.
    private static void Refresh(AddressSpace mapping, long position, ReadOnlySpan<byte> data)
    {
        int done = 0;
        while (done < data.Length)
        {
            long pos = position + done;
            int offset = (int)(pos & (Page.Size - 1));
            int chunk = Math.Min(Page.Size - offset, data.Length - done);
            Page? page = mapping.FindGetPage((ulong)(pos >> Page.Shift));
            if (page != null)
            {
                page.Lock();
                if (page.IsUptodate && ReferenceEquals(page.Mapping, mapping))
                {
                    data.Slice(done, chunk).CopyTo(page.Bytes.Slice(offset));
                }
                page.Unlock();
                page.Put();
            }
            done += chunk;
        }
    }

    private static void Discard(AddressSpace mapping, Page page)
    {
        if (!page.IsLocked)
        {
            page.Lock();
        }
        mapping.DeletePage(page);
        page.Unlock();
        page.Release();
    }

    private long DirectIO(OpenFile file, Rw rw, long position, Span<byte> buffer)
    {
        Kiocb iocb = (t_kiocb ??= new Kiocb()).Init(file, position, buffer.Length);
        fixed (byte* data = buffer)
        {
            IoVec segment = new((nint)data, (nuint)buffer.Length);
            long result = AopsCalls.DirectIO(file.Mapping.Aops, rw, iocb, MemoryMarshal.CreateReadOnlySpan(ref segment, 1), position);
            iocb.Init(null, 0, 0);
            return result;
        }
    }

    // alloc_page for the cache, reclaiming one clean unused page (clock order) when none is free.
    private Page? AllocFrame()
    {
        Page? page = _frames.Alloc();
        if (page != null)
        {
            return page;
        }
        lock (_clockLock)
        {
            for (int scanned = 0; scanned < 2 * _frames.Count; scanned++)
            {
                Page candidate = _frames[_clockHand];
                _clockHand = (_clockHand + 1) % _frames.Count;
                AddressSpace? mapping = candidate.Mapping;
                if (mapping == null || candidate.IsDirty || candidate.IsWriteback || !candidate.TryLock())
                {
                    continue;
                }
                bool released = !candidate.Test(PageFlags.Private) || AopsCalls.ReleasePage(mapping.Aops, candidate, GfpFlags.Kernel);
                if (released && ReferenceEquals(candidate.Mapping, mapping) && !candidate.IsDirty && mapping.DeletePageIfCount(candidate, 1))
                {
                    candidate.Unlock();
                    AopsCalls.FreePage(mapping.Aops, candidate);
                    _frames.Free(candidate);
                    page = _frames.Alloc();
                    if (page != null)
                    {
                        return page;
                    }
                }
                else
                {
                    candidate.Unlock();
                }
            }
        }
        return _frames.Alloc();
    }
}

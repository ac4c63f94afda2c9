using System.IO;
using AopsGen;
using AopsGen.Block;
using AopsGen.Vfs;

namespace AopsGen.Examples;

/// <summary>
/// BlockFs, a small block-mapped filesystem on a disk image, in the manner of a minimal ext2: 4096-byte blocks, a
/// block bitmap, an inode table whose inodes map file blocks with 12 direct, one single- and one double-indirect
/// pointer, and directories of ext2's variable-length records. <see cref="Mkfs(string, long, MkfsOptions?, out string?)"/> formats an image,
/// <see cref="Mount(MountNamespace, string, string, BlockFsMountOptions?, out BlockFsMount?, out string?)"/> mounts it into a
/// <see cref="MountNamespace"/>. Its <c>address_space_operations</c> — readpage, writepage, writepages, write_begin,
/// write_end, direct_IO, bmap and swap_activate — are declared with the attributes and generated into
/// <c>BlockFs.Operations</c>; <see cref="BlockFsInodes"/> are its <c>inode_operations</c>. Its <c>swap_activate</c>
/// (BlockFsSwap.cs) describes a swap file's blocks with <c>add_swap_extent</c>, as ext4 and xfs do in 6.x, and the
/// swap core writes its pages straight to the mount's block device at those blocks.
/// </summary>
[AddressSpaceOperations("blockfs_aops")]
public static partial class BlockFs
{
    /// <summary>The filesystem block size, equal to PAGE_SIZE: one page is one block.</summary>
    public const int BlockSize = Page.Size;

    /// <summary>The superblock's magic number: the bytes "BLFS".</summary>
    public const uint Magic = 0x53464C42;

    /// <summary>The on-disk format version this driver reads and writes.</summary>
    public const uint FormatVersion = 2;

    /// <summary>The filesystem type name (<c>s_type->name</c>).</summary>
    public const string FsType = "blockfs";

    /// <summary>Bytes of an on-disk inode.</summary>
    public const int InodeSize = 128;

    /// <summary>Inodes in one inode-table block.</summary>
    public const int InodesPerBlock = BlockSize / InodeSize;

    /// <summary>Longest file name, in UTF-8 bytes (ext2's EXT2_NAME_LEN).</summary>
    public const int NameMax = 255;

    /// <summary>Longest symbolic link target, in UTF-8 bytes: it lives in one block.</summary>
    public const int SymlinkMax = BlockSize - 1;

    /// <summary>Direct block pointers in an inode.</summary>
    public const int DirectBlocks = 12;

    /// <summary>32-bit block pointers in an indirect block.</summary>
    public const int PointersPerBlock = BlockSize / 4;

    /// <summary>The root directory's inode number (inode 0 means "no inode").</summary>
    public const uint RootInode = 1;

    /// <summary>Most inodes an image can have (a 32 MiB inode table, held in memory while mounted).</summary>
    public const int MaxInodes = 1 << 18;

    /// <summary>Fewest inodes mkfs gives an image when it sizes the table itself.</summary>
    public const int MinInodes = 16;

    /// <summary>Image bytes per inode when mkfs sizes the inode table (mke2fs's default inode_ratio).</summary>
    public const int BytesPerInode = 16384;

    /// <summary>Fewest data blocks mkfs accepts after the metadata.</summary>
    public const int MinDataBlocks = 16;

    /// <summary>Largest file, in blocks: direct, single-indirect and double-indirect pointers.</summary>
    public const ulong MaxFileBlocks = DirectBlocks + PointersPerBlock + ((ulong)PointersPerBlock * PointersPerBlock);

    /// <summary>Largest file, in bytes (just over 4 GiB).</summary>
    public const long MaxFileSize = (long)MaxFileBlocks * BlockSize;

    /// <summary>Blocks one bitmap block describes.</summary>
    internal const int BitsPerBlock = BlockSize * 8;

    /// <summary>
    /// <c>mkfs.blockfs</c>: create or truncate the image at <paramref name="imagePath"/> to <paramref name="sizeBytes"/>
    /// (rounded down to whole blocks; the image is sparse) and write an empty filesystem: superblock, bitmap with the
    /// metadata blocks in use, an inode table (sized from the image unless <see cref="MkfsOptions.InodeCount"/> says)
    /// holding the empty root directory. Returns 0 or a negative errno:
    /// -EINVAL (too small for the metadata and <see cref="MinDataBlocks"/> data blocks, or a bad inode count), -EFBIG
    /// (more blocks than 32-bit pointers address), -EACCES, -ENOENT or -EIO from the host; <paramref name="error"/>
    /// says why in words.
    /// </summary>
    public static int Mkfs(string imagePath, long sizeBytes, MkfsOptions? options, out string? error)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagePath);
        options ??= new MkfsOptions();
        error = null;
        string who = $"mkfs.blockfs: {imagePath}";
        if (options.InodeCount is < 2 or > MaxInodes)
        {
            error = $"{who}: {options.InodeCount} inodes: the inode count is from 2 (the root directory and one file) to {MaxInodes}";
            return Errnos.Neg(Errno.EINVAL);
        }
        if (sizeBytes < 0)
        {
            error = $"{who}: a size of {sizeBytes} bytes is negative";
            return Errnos.Neg(Errno.EINVAL);
        }
        ulong blockCount = (ulong)sizeBytes / BlockSize;
        if (blockCount > uint.MaxValue)
        {
            error = $"{who}: {sizeBytes} bytes is too large: block pointers are 32 bits, so a BlockFs has at most {uint.MaxValue} blocks";
            return Errnos.Neg(Errno.EFBIG);
        }
        uint inodeCount = (uint)(options.InodeCount ?? (int)Math.Clamp(sizeBytes / BytesPerInode, MinInodes, MaxInodes));
        BlockFsGeometry g = BlockFsGeometry.For(Math.Max(blockCount, 1), inodeCount);
        ulong minBlocks = g.DataStart + MinDataBlocks;
        if (blockCount < minBlocks)
        {
            error = $"{who}: {sizeBytes} bytes is too small: {inodeCount} inodes need {minBlocks} blocks of {BlockSize} bytes "
                + $"({minBlocks * BlockSize} bytes), {g.DataStart} of metadata and at least {MinDataBlocks} of data";
            return Errnos.Neg(Errno.EINVAL);
        }

        var bitmap = new byte[g.BitmapBlocks * BlockSize];
        for (ulong b = 0; b < g.BitmapBlocks * BitsPerBlock; b++)
        {
            if (b < g.DataStart || b >= blockCount)
            {
                bitmap[b >> 3] |= (byte)(1 << (int)(b & 7));
            }
        }
        var inodeTable = new byte[g.InodeTableBlocks * BlockSize];
        OnDisk.WriteRootInode(inodeTable.AsSpan((int)(RootInode - 1) * InodeSize, InodeSize), DateTime.UtcNow);
        var superblock = new byte[BlockSize];
        OnDisk.WriteSuperblock(superblock, g, blockCount - g.DataStart, inodeCount - 1);
        bool created = false;
        try
        {
            if (options.CreateNew && System.IO.File.Exists(imagePath))
            {
                error = $"{who}: the file exists (nothing was written to it)";
                return Errnos.Neg(Errno.EEXIST);
            }
            using var image = new FileStream(imagePath, options.CreateNew ? FileMode.CreateNew : FileMode.Create, FileAccess.ReadWrite, FileShare.None);
            created = options.CreateNew;
            image.SetLength((long)(blockCount * BlockSize));
            image.Write(superblock);
            image.Position = (long)(g.BitmapStart * BlockSize);
            image.Write(bitmap);
            image.Position = (long)(g.InodeTableStart * BlockSize);
            image.Write(inodeTable);
            image.Flush(flushToDisk: true);
        }
        catch (UnauthorizedAccessException e)
        {
            error = $"{who}: {e.Message}";
            return Errnos.Neg(Errno.EACCES);
        }
        catch (DirectoryNotFoundException e)
        {
            error = $"{who}: {e.Message}";
            return Errnos.Neg(Errno.ENOENT);
        }
        catch (IOException) when (options.CreateNew && !created && System.IO.File.Exists(imagePath))
        {
            error = $"{who}: the file exists (nothing was written to it)";
            return Errnos.Neg(Errno.EEXIST);
        }
        catch (IOException e)
        {
            error = $"{who}: {e.Message}";
            if (created)
            {
                System.IO.File.Delete(imagePath); // half a filesystem is no use to anyone; the file was ours
            }
            return e.HResult is > 0 and < 4096 ? -e.HResult : Errnos.Neg(Errno.EIO);
        }
        return 0;
    }

    /// <summary><see cref="Mkfs(string, long, MkfsOptions?, out string?)"/> without the message.</summary>
    public static int Mkfs(string imagePath, long sizeBytes, MkfsOptions? options = null) => Mkfs(imagePath, sizeBytes, options, out _);

    /// <summary>
    /// <c>mount -t blockfs IMAGE MOUNTPOINT</c>: open the image as a <see cref="BlockDevice"/>, read and check its
    /// superblock, bitmap, inode table and directory, build the <see cref="SuperBlock"/> (its <c>Device</c> the image,
    /// its <c>FsInfo</c> the returned mount) and the root directory inode, mount it on <paramref name="mountPoint"/>
    /// (a directory that must exist in <paramref name="vfs"/>) and create a dentry for every file, so that
    /// <see cref="MountNamespace.Open"/> finds them. Returns 0, or the device's open error, -EINVAL for an image that is not a
    /// BlockFs (bad magic, too small, corrupt), -ENOENT/-ENOTDIR for the mount point; <paramref name="error"/> says
    /// why, as the kernel's log line would. Dispose the mount to unmount it.
    /// </summary>
    public static int Mount(MountNamespace vfs, string mountPoint, string imagePath, BlockFsMountOptions? options, out BlockFsMount? mount, out string? error)
        => BlockFsMount.Mount(vfs, mountPoint, imagePath, options ?? new BlockFsMountOptions(), out mount, out error);

    /// <summary><see cref="Mount(MountNamespace, string, string, BlockFsMountOptions?, out BlockFsMount?, out string?)"/> with the default options and no message.</summary>
    public static int Mount(MountNamespace vfs, string mountPoint, string imagePath, out BlockFsMount? mount)
        => Mount(vfs, mountPoint, imagePath, null, out mount, out _);

    /// <summary>
    /// <c>generic_file_read</c>: read up to <paramref name="buffer"/>'s length from <paramref name="file"/> at
    /// <paramref name="position"/> through the page cache — a page not cached is added and filled with the table's
    /// <c>readpage</c>. Stops at <c>i_size</c>. Returns the bytes read, or -EBADF (not open for reading), -EINVAL
    /// (not a BlockFs file, or a negative position), -EISDIR, -ENOMEM (no cache frame), the read's error.
    /// </summary>
    public static long Read(OpenFile file, long position, Span<byte> buffer)
    {
        ArgumentNullException.ThrowIfNull(file);
        if ((file.Flags & OpenFlags.WriteOnly) != 0)
        {
            return Errnos.Neg(Errno.EBADF);
        }
        if (position < 0 || MountOf(file.Inode) is not { } mount)
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        return mount.Read(file, position, buffer);
    }

    /// <summary>
    /// readpage: fill a locked page with file block <c>page.FileIndex</c> read from the device at the block its map
    /// names — zeros for a hole and past <c>i_size</c> — then mark it uptodate and unlock it. The swap core also
    /// calls it on a frame of its own to read the swap header, so it works from <c>file.Inode</c> and
    /// <c>page.FileIndex</c>, never from the page's mapping. A failed read sets PG_error and returns the error.
    /// </summary>
    [ReadPage]
    public static int ReadPage(OpenFile file, Page page)
    {
        int error = MountOf(file.Inode) is { } mount ? mount.FillPage(file.Inode, page) : Errnos.Neg(Errno.EIO);
        if (error == 0)
        {
            page.Clear(PageFlags.Error);
            page.Set(PageFlags.Uptodate);
        }
        else
        {
            page.Set(PageFlags.Error);
        }
        page.Unlock();
        return error;
    }

    /// <summary>
    /// readpages (ext2_readpages → mpage_readpages): the readahead window's pages go into the page cache and each run
    /// of them whose blocks are contiguous on the image is one read of the device — not one 4 KiB read per block.
    /// Holes and pages past <c>i_size</c> read as zeros; pages not added (already cached) are left alone.
    /// </summary>
    [ReadPages]
    public static int ReadPages(OpenFile file, AddressSpace mapping, ReadOnlySpan<Page> pages)
    {
        MountOf(file.Inode)?.ReadPages(mapping.Host ?? file.Inode, mapping, pages);
        return 0;
    }

    /// <summary>
    /// writepage: write back a locked page-cache page whose dirty bit the caller cleared — zero its part past
    /// <c>i_size</c>, allocate a block if the page is over a hole, set writeback, unlock, write the block, end
    /// writeback. A page wholly past <c>i_size</c> is dropped (0). A failure (-ENOSPC, the device's error) leaves the
    /// page dirty with PG_error, so nothing is lost. A page of an active swap file is not written — the swap area owns
    /// its blocks — and stays dirty and locked (AOP_WRITEPAGE_ACTIVATE).
    /// </summary>
    [WritePage]
    public static int WritePage(Page page, WritebackControl wbc)
    {
        if (page.Mapping?.Host is not { } inode || MountOf(inode) is not { } mount)
        {
            page.Unlock();
            return Errnos.Neg(Errno.EIO);
        }
        return mount.WritePage(inode, page, keepLocked: false);
    }

    /// <summary>
    /// writepages (ext2_writepages, then <c>sync_inode_metadata</c> for a data-integrity sync as <c>ext2_fsync</c>
    /// does): every dirty page through <see cref="WritePage"/> (the generic walk), then, with WB_SYNC_ALL, the inode's
    /// metadata — size, block map, bitmap — so that an fsync'd or closed file survives a daemon that dies next.
    /// </summary>
    [WritePages]
    public static int WritePages(AddressSpace mapping, WritebackControl wbc)
    {
        int error = AopsCalls.NullWritePages(Operations, mapping, wbc);
        if (error == 0 && wbc.SyncMode == WritebackSyncMode.All && mapping.Host is { } inode && MountOf(inode) is { } mount)
        {
            error = mount.SyncMetadata();
        }
        return error;
    }

    /// <summary>
    /// write_begin: the locked page of the file's page cache that holds <paramref name="pos"/> (a frame of the mount's
    /// cache pool, evicting a clean page when they run out), read in first unless the write covers it whole; its block
    /// is allocated now if it is a hole, as ext2's <c>get_block(create)</c> does, so that a full disk is the writer's
    /// -ENOSPC. Returns 0, or -EFBIG past <see cref="MaxFileSize"/>, -ENOSPC, -ENOMEM, -EISDIR, the read's error.
    /// </summary>
    [WriteBegin]
    public static int WriteBegin(OpenFile file, AddressSpace mapping, long pos, uint len, uint flags, out Page? page, out object? fsData)
    {
        fsData = null;
        page = null;
        Inode inode = mapping.Host ?? file.Inode;
        if (MountOf(inode) is not { } mount)
        {
            return Errnos.Neg(Errno.EIO);
        }
        return mount.WriteBegin(inode, mapping, pos, len, out page);
    }

    /// <summary>
    /// write_end: the caller copied <paramref name="copied"/> bytes into the page; mark it uptodate, grow
    /// <c>i_size</c>, then either mark it dirty (<c>set_page_dirty</c>, written by <see cref="BlockFsMount.Sync"/>,
    /// eviction or unmount) or — on a <see cref="BlockFsMountOptions.Sync"/> mount or an S_SYNC inode — write it through
    /// with its metadata; unlock it and drop write_begin's reference. Returns the bytes committed or the write's error.
    /// </summary>
    [WriteEnd]
    public static int WriteEnd(OpenFile file, AddressSpace mapping, long pos, uint len, uint copied, Page page, object? fsData)
    {
        Inode inode = mapping.Host ?? file.Inode;
        if (MountOf(inode) is not { } mount)
        {
            page.Unlock();
            page.Release();
            return Errnos.Neg(Errno.EIO);
        }
        return mount.WriteEnd(inode, mapping, pos, len, copied, page);
    }

    /// <summary>bmap: the device block of file block <paramref name="block"/> (blocks are pages), 0 for a hole or past
    /// the map. The swap core's generic swapon walk builds its extents from these numbers.</summary>
    [Bmap]
    public static ulong Bmap(AddressSpace mapping, ulong block)
    {
        if (mapping.Host is not { } inode || MountOf(inode) is not { } mount)
        {
            return 0;
        }
        return mount.MapBlock(inode, block);
    }

    /// <summary>
    /// direct_IO: an O_DIRECT read or write of a regular file straight between the segments and the image, past the
    /// page cache (fs/ext2/inode.c: ext2_direct_IO). A read stops at <c>i_size</c>, a hole reads as zeros; a write
    /// allocates the blocks of holes and grows <c>i_size</c>. Returns the bytes moved or a negative errno (-ENOSPC,
    /// -EFBIG, -EISDIR, -ENXIO once unmounted, the device's error).
    /// </summary>
    [DirectIO]
    public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset)
    {
        Inode inode = iocb.File!.Inode;
        return MountOf(inode) is { } mount ? mount.DirectIO(inode, rw, iov, offset) : Errnos.Neg(Errno.EIO);
    }

    internal static BlockFsMount? MountOf(Inode inode) => inode.SuperBlock.FsInfo as BlockFsMount;
}

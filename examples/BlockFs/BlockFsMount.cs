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
/// A mounted BlockFs (<c>s_fs_info</c> of its <see cref="SuperBlock"/>): the image's <see cref="BlockDevice"/>, the
/// bitmap and inode table held in memory and written back when they change, every inode of the tree (loaded at mount,
/// bound into the namespace's dcache; <see cref="BlockFsInodes"/> are its <c>inode_operations</c>, each change of a
/// name written through before it returns), and a page cache of <see cref="BlockFsMountOptions.CacheFrames"/>
/// frames of its own. Files in the root directory can also be made here with
/// <see cref="CreateFile(string, out Inode?)"/>, given blocks with <see cref="Fallocate"/>, resized (sparse when
/// grown) with <see cref="Truncate"/>; their data moves through <see cref="MountNamespace.Write"/> and
/// <see cref="BlockFs.Read"/>. Methods return 0 or a negative errno and never throw for a filesystem condition.
/// Dispose to unmount: dirty pages and metadata are written and the device closed.
/// </summary>
public sealed unsafe partial class BlockFsMount : IDisposable
{
    private const int ZeroBatch = 64;
    private const int ReclaimAttempts = 1000;

    private readonly object _lock = new();
    private readonly BlockFsMountOptions _options;
    private readonly Dictionary<uint, Inode> _inodes = new();
    private readonly Dictionary<uint, Inode> _orphans = new();
    private readonly HashSet<ulong> _dirtyMeta = new();
    private readonly PageFrames _cache;
    private readonly PageFrames _metaFrames;
    private readonly Page _scratch;
    private readonly Page _zero;
    private readonly Page _bounce;
    private readonly object _bounceLock = new();
    private byte[] _bitmap = Array.Empty<byte>();
    private byte[] _inodeTable = Array.Empty<byte>();
    private ulong _freeBlocks;
    private uint _freeInodes;
    private bool _superDirty;
    private bool _unmounted;
    private uint _inodeHint;

    private BlockFsMount(MountNamespace vfs, string mountPoint, BlockDevice device, BlockFsMountOptions options)
    {
        Vfs = vfs;
        MountPoint = mountPoint;
        Device = device;
        _options = options;
        SuperBlock = new SuperBlock(BlockFs.FsType, BlockFs.BlockSize) { Device = device, FsInfo = this };
        _cache = new PageFrames(options.CacheFrames);
        _metaFrames = new PageFrames(3);
        _scratch = _metaFrames.Alloc()!;
        _zero = _metaFrames.AllocZeroed()!;
        _bounce = _metaFrames.Alloc()!;
        Root = null!;
        Geometry = null!;
    }

    /// <summary>The namespace the filesystem is mounted in.</summary>
    public MountNamespace Vfs { get; }

    /// <summary>The directory it is mounted on.</summary>
    public string MountPoint { get; }

    /// <summary>The image, opened as a block device: the superblock's <c>s_bdev</c>, where a bmap-mapped swap file's
    /// pages are written.</summary>
    public BlockDevice Device { get; }

    /// <summary>The image file.</summary>
    public string ImagePath => Device.Path;

    /// <summary>The VFS superblock: type "blockfs", 4096-byte blocks, <c>Device</c> and <c>FsInfo</c> (this) set.</summary>
    public SuperBlock SuperBlock { get; }

    /// <summary>The root directory's inode (inode 1), mounted on <see cref="MountPoint"/>.</summary>
    public Inode Root { get; private set; }

    /// <summary>Where the image keeps what.</summary>
    public BlockFsGeometry Geometry { get; private set; }

    /// <summary>Frames of the page cache pool (<see cref="BlockFsMountOptions.CacheFrames"/>).</summary>
    public int CacheFrames => _cache.Count;

    /// <summary>Page-cache frames not holding a page right now.</summary>
    public int FreeCacheFrames => _cache.FreeCount;

    /// <summary>Whether the mount has been unmounted (disposed).</summary>
    public bool IsUnmounted => Volatile.Read(ref _unmounted);

    /// <summary>Free data blocks.</summary>
    public ulong FreeBlocks
    {
        get
        {
            lock (_lock)
            {
                return _freeBlocks;
            }
        }
    }

    /// <summary>Free inodes.</summary>
    public uint FreeInodes
    {
        get
        {
            lock (_lock)
            {
                return _freeInodes;
            }
        }
    }

    /// <summary>The names in the root directory, sorted.</summary>
    public IReadOnlyList<string> FileNames
    {
        get
        {
            lock (_lock)
            {
                return EntriesOf(Root).Keys.OrderBy(static name => name, StringComparer.Ordinal).ToArray();
            }
        }
    }

    /// <summary>The VFS path of <paramref name="name"/> in the root directory (<c>MountPoint/name</c>).</summary>
    public string PathOf(string name) => MountPoint.TrimEnd('/') + "/" + name;

    /// <summary>The inode of <paramref name="name"/> in the root directory: 0, or -ENOENT.</summary>
    public int Lookup(string name, out Inode? inode)
    {
        lock (_lock)
        {
            inode = EntriesOf(Root).TryGetValue(name, out uint number) ? _inodes[number] : null;
            return inode != null ? 0 : Errnos.Neg(Errno.ENOENT);
        }
    }

    /// <summary>Opens the file <paramref name="name"/> through the VFS as root (<see cref="MountNamespace.Open"/>).</summary>
    public int Open(string name, OpenFlags flags, out OpenFile? file) => Vfs.Open(PathOf(name), flags, Credentials.Root, out file);

    /// <summary><see cref="CreateFile(string, uint, Credentials, out Inode?)"/> as root, mode 0644.</summary>
    public int CreateFile(string name, out Inode? inode) => CreateFile(name, 0x1A4, Credentials.Root, out inode);

    /// <summary>
    /// Creates an empty regular file <paramref name="name"/> in the root directory through the namespace
    /// (<see cref="MountNamespace.CreateFile"/>, which calls <see cref="BlockFsInodes"/>' <c>create</c>): a free inode and
    /// a directory record on the image, an <see cref="Inode"/> with <see cref="BlockFs"/>'s table, and its dentry; owned
    /// by <paramref name="cred"/>. Returns 0, or -EINVAL (an empty name, "." or "..", a '/' or NUL in it),
    /// -ENAMETOOLONG (over <see cref="BlockFs.NameMax"/> UTF-8 bytes), -EEXIST, -ENOSPC (no free inode or block), the
    /// VFS's error (-EACCES), -ENXIO once unmounted, the metadata write's error.
    /// </summary>
    public int CreateFile(string name, uint permissions, Credentials cred, out Inode? inode)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(cred);
        inode = null;
        if (name.Length == 0 || name == "." || name == ".." || name.Contains('/') || name.Contains('\0'))
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        if (IsUnmounted)
        {
            return Errnos.Neg(Errno.ENXIO);
        }
        return Vfs.CreateFile(PathOf(name), permissions, cred, out inode);
    }

    /// <summary>
    /// <c>fallocate(fd, 0, 0, size)</c>: give every hole of the file's first <paramref name="size"/> bytes a block,
    /// zeroed on the device, and grow <c>i_size</c> to <paramref name="size"/> if it is smaller. New blocks are placed
    /// by <paramref name="policy"/> (<see cref="AllocationPolicy.Contiguous"/> by default); the indirect blocks the map
    /// needs are allocated after them, so a contiguous file's data stays one run. Metadata is written before it
    /// returns. Returns 0, or -ENOENT, -EINVAL (negative size), -EFBIG, -ETXTBSY (an active swap file), -ENOSPC (nothing
    /// allocated then), -ENXIO once unmounted, the device's error.
    /// </summary>
    public int Fallocate(string name, long size, AllocationPolicy? policy = null)
    {
        policy ??= AllocationPolicy.Contiguous;
        lock (_lock)
        {
            if (_unmounted)
            {
                return Errnos.Neg(Errno.ENXIO);
            }
            if (Lookup(name, out Inode? inode) != 0 || inode!.Type != FileType.Regular)
            {
                return Errnos.Neg(inode == null ? Errno.ENOENT : Errno.EISDIR);
            }
            if (size < 0)
            {
                return Errnos.Neg(Errno.EINVAL);
            }
            if (size > BlockFs.MaxFileSize)
            {
                return Errnos.Neg(Errno.EFBIG);
            }
            if (inode.IsSwapFile)
            {
                return Errnos.Neg(Errno.ETXTBSY);
            }
            var file = (BlockFsFile)inode.Private!;
            ulong blocks = (ulong)((size + BlockFs.BlockSize - 1) / BlockFs.BlockSize);
            var holes = new List<ulong>();
            for (ulong i = 0; i < blocks; i++)
            {
                if (file.Get(i) == 0)
                {
                    holes.Add(i);
                }
            }
            if ((ulong)holes.Count + NewMapBlocks(file, blocks) > _freeBlocks)
            {
                return Errnos.Neg(Errno.ENOSPC);
            }
            var allocated = new List<ulong>(holes.Count);
            if (holes.Count > 0)
            {
                ulong count = (ulong)holes.Count;
                ulong span = policy.RunBlocks == 0 ? count : count + ((count - 1) / (ulong)policy.RunBlocks * (ulong)policy.GapBlocks);
                ulong cursor = 0;
                ulong previous = holes[0] > 0 ? file.Get(holes[0] - 1) : 0;
                if (policy.RunBlocks == 0 && previous != 0 && RunIsFree(previous + 1, count))
                {
                    cursor = previous + 1;
                }
                if (cursor == 0)
                {
                    cursor = FindFreeRun(span);
                }
                if (cursor == 0)
                {
                    cursor = Geometry.DataStart;
                }
                int inRun = 0;
                foreach (ulong index in holes)
                {
                    ulong block = AllocBlock(cursor);
                    SetPointer(file, index, block);
                    allocated.Add(block);
                    cursor = block + 1;
                    if (policy.RunBlocks > 0 && ++inRun == policy.RunBlocks)
                    {
                        inRun = 0;
                        cursor += (ulong)policy.GapBlocks;
                    }
                }
                foreach (ulong index in holes)
                {
                    EnsureMapBlocks(file, index);
                }
            }
            if (size > inode.Size)
            {
                inode.Size = size;
            }
            file.Dirty = true;
            int error = ZeroBlocks(allocated);
            int flushed = FlushMetadataLocked();
            return error != 0 ? error : flushed;
        }
    }

    /// <summary>
    /// <c>truncate(path, size)</c>: set the file's size. Growing leaves holes (a sparse file: <c>i_size</c> set, no
    /// blocks). Shrinking frees the blocks past the new end — and the indirect blocks left empty — drops their cached
    /// pages and zeroes the tail of the new last block. Returns 0, or -ENOENT, -EINVAL, -EFBIG, -ETXTBSY (an active swap
    /// file that would not grow), -ENXIO once unmounted, the device's error.
    /// </summary>
    public int Truncate(string name, long size)
    {
        Inode? inode;
        lock (_lock)
        {
            if (_unmounted)
            {
                return Errnos.Neg(Errno.ENXIO);
            }
            if (Lookup(name, out inode) != 0 || inode!.Type != FileType.Regular)
            {
                return Errnos.Neg(inode == null ? Errno.ENOENT : Errno.EISDIR);
            }
        }
        return TruncateInode(inode, size);
    }

    /// <summary><c>ext2_setsize</c>: <see cref="Truncate"/>'s work on an inode, for it and for <c>setattr</c>.</summary>
    internal int TruncateInode(Inode inode, long size)
    {
        if (size < 0)
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        if (size > BlockFs.MaxFileSize)
        {
            return Errnos.Neg(Errno.EFBIG);
        }
        if (inode.IsSwapFile && size <= inode.Size)
        {
            return Errnos.Neg(Errno.ETXTBSY);
        }
        var file = (BlockFsFile)inode.Private!;
        ulong keep = (ulong)((size + BlockFs.BlockSize - 1) / BlockFs.BlockSize);
        int tail = (int)(size % BlockFs.BlockSize);
        if (size < inode.Size)
        {
            // truncate_inode_pages: the pages past the end go; the new last page loses its tail.
            AddressSpace mapping = inode.Mapping;
            foreach (Page page in mapping.LookupPages())
            {
                if (page.Index >= keep || (tail != 0 && page.Index == keep - 1))
                {
                    page.Lock();
                    page.WaitOnWriteback();
                    if (ReferenceEquals(page.Mapping, mapping))
                    {
                        if (page.Index >= keep)
                        {
                            page.Clear(PageFlags.Dirty);
                            mapping.DeletePage(page);
                        }
                        else
                        {
                            page.Bytes[tail..].Clear();
                        }
                    }
                    page.Unlock();
                }
                page.Release();
            }
        }
        lock (_lock)
        {
            if (size < inode.Size)
            {
                for (ulong i = keep; i < (ulong)file.Map.Length; i++)
                {
                    if (file.Map[i] != 0)
                    {
                        FreeBlock(file.Map[i]);
                        file.Map[i] = 0;
                        file.AllocatedBlocks--;
                        if (BlockFsFile.MapKey(i) is int key)
                        {
                            file.DirtyMapBlocks.Add(key);
                        }
                    }
                }
                ReleaseEmptyMapBlocks(file);
                ulong last = tail != 0 && keep > 0 ? file.Get(keep - 1) : 0;
                int error = last != 0 ? ZeroTail(last, tail) : 0;
                if (error != 0)
                {
                    return error;
                }
            }
            inode.Size = size;
            inode.Blocks = (long)file.AllocatedBlocks * (BlockFs.BlockSize / 512);
            file.Dirty = true;
            return FlushMetadataLocked();
        }
    }

    /// <summary>
    /// Creates a swap file ready for swapon in one step: <see cref="CreateFile(string, uint, Credentials, out Inode?)"/>
    /// (mode 0600), <see cref="Fallocate"/> of <paramref name="sizeBytes"/> with <paramref name="policy"/>, a swap header
    /// by <see cref="Mkswap.Format(Span{byte}, long, MkswapOptions?)"/> written with <see cref="MountNamespace.Write"/>, then
    /// <see cref="Sync"/> so that the header is on the device when swapon reads it. Returns 0 or the first step's error.
    /// </summary>
    public int CreateSwapFile(string name, long sizeBytes, out Inode? inode, string? label = null, AllocationPolicy? policy = null)
    {
        int error = CreateFile(name, 0x180, Credentials.Root, out inode);
        if (error != 0)
        {
            return error;
        }
        error = Fallocate(name, sizeBytes, policy);
        if (error != 0)
        {
            return error;
        }
        var header = new byte[Page.Size];
        MkswapResult made = Mkswap.Format(header, sizeBytes, new MkswapOptions { Label = label });
        if (!made.Succeeded)
        {
            return made.ReturnValue;
        }
        error = Open(name, OpenFlags.ReadWrite, out OpenFile? file);
        if (error != 0)
        {
            return error;
        }
        long written = MountNamespace.Write(file!, 0, header);
        if (written < 0)
        {
            return (int)written;
        }
        return Sync();
    }

    /// <summary>
    /// <c>sync_filesystem</c>: write every dirty page of every file through the table (<c>writepages</c>, whose NULL
    /// default calls BlockFs's <c>writepage</c> per dirty page), then the changed metadata — map blocks, inodes,
    /// bitmap, directory, superblock — then flush the device. Returns 0 or the first error.
    /// </summary>
    public int Sync()
    {
        Inode[] files;
        lock (_lock)
        {
            if (_unmounted)
            {
                return Errnos.Neg(Errno.ENXIO);
            }
            files = RegularInodes();
        }
        int first = 0;
        foreach (Inode inode in files)
        {
            int error = AopsCalls.WritePages(inode.Mapping.Aops, inode.Mapping, new WritebackControl { SyncMode = WritebackSyncMode.All });
            first = first != 0 ? first : error;
        }
        lock (_lock)
        {
            int error = FlushMetadataLocked();
            first = first != 0 ? first : error;
        }
        int flushed = Device.Flush();
        return first != 0 ? first : flushed;
    }

    /// <summary>The metadata part of <see cref="Sync"/>: changed map blocks, inodes, bitmap, directories, superblock.</summary>
    internal int SyncMetadata()
    {
        lock (_lock)
        {
            return FlushMetadataLocked();
        }
    }

    /// <summary><c>umount</c>: -EBUSY while a file of this filesystem is an active swap file (nothing is done);
    /// otherwise as <see cref="Dispose"/>, returning the final sync's error.</summary>
    public int Unmount()
    {
        lock (_lock)
        {
            if (_unmounted)
            {
                return 0;
            }
            if (_inodes.Values.Any(static inode => inode.IsSwapFile))
            {
                return Errnos.Neg(Errno.EBUSY);
            }
        }
        return Teardown();
    }

    /// <summary>Unmounts: writes dirty pages and metadata, empties the page cache, closes the device. Unlike
    /// <see cref="Unmount"/> it does not wait for swapoff: an area still on a file here then fails its I/O with
    /// -ENXIO. The VFS keeps the dentries (it has no umount); calls through them get -ENXIO.</summary>
    public void Dispose() => Teardown();

    /// <inheritdoc/>
    public override string ToString() => $"blockfs on {ImagePath} at {MountPoint} ({Geometry})";

    internal static int Mount(MountNamespace vfs, string mountPoint, string imagePath, BlockFsMountOptions options, out BlockFsMount? mount, out string? error)
    {
        ArgumentNullException.ThrowIfNull(vfs);
        ArgumentException.ThrowIfNullOrEmpty(mountPoint);
        ArgumentException.ThrowIfNullOrEmpty(imagePath);
        ArgumentNullException.ThrowIfNull(options);
        mount = null;
        error = null;
        string who = $"BlockFs ({imagePath})";
        if (options.CacheFrames < 2)
        {
            error = $"{who}: error: {options.CacheFrames} cache frames: a mount needs at least 2";
            return Errnos.Neg(Errno.EINVAL);
        }
        int rc = BlockDevice.Open(imagePath, out BlockDevice? device, options.Direct);
        if (rc != 0)
        {
            error = $"{who}: error: cannot open the image: {Errnos.FromReturn(rc).Message()}";
            return rc;
        }
        var candidate = new BlockFsMount(vfs, mountPoint, device!, options);
        rc = candidate.Load(out string? problem);
        if (rc == 0)
        {
            rc = vfs.Lookup(mountPoint, out Inode? target);
            if (rc != 0)
            {
                problem = $"mount point {mountPoint}: {Errnos.FromReturn(rc).Message()}";
            }
            else if (target!.Type != FileType.Directory)
            {
                rc = Errnos.Neg(Errno.ENOTDIR);
                problem = $"mount point {mountPoint}: {Errno.ENOTDIR.Message()}";
            }
        }
        if (rc == 0)
        {
            rc = vfs.Mount(mountPoint, candidate.Root);
            problem = rc == 0 ? null : $"mount on {mountPoint}: {Errnos.FromReturn(rc).Message()}";
        }
        if (rc == 0)
        {
            rc = candidate.BindTree(out problem);
        }
        if (rc != 0)
        {
            error = $"{who}: error: {problem}";
            candidate.Close();
            return rc;
        }
        mount = candidate;
        return 0;
    }

    private int Teardown()
    {
        lock (_lock)
        {
            if (_unmounted)
            {
                return 0;
            }
        }
        Inode[] orphans;
        lock (_lock)
        {
            orphans = _orphans.Values.ToArray();
        }
        foreach (Inode orphan in orphans)
        {
            Evict(orphan);
        }
        int error = Sync();
        Inode[] files;
        lock (_lock)
        {
            _unmounted = true;
            files = RegularInodes();
        }
        foreach (Inode inode in files)
        {
            foreach (Page page in inode.Mapping.LookupPages())
            {
                page.Lock();
                page.WaitOnWriteback();
                inode.Mapping.DeletePage(page);
                page.Unlock();
                page.Release();
            }
        }
        Close();
        return error;
    }

    private void Close()
    {
        Volatile.Write(ref _unmounted, true);
        _cache.Dispose();
        _metaFrames.Dispose();
        Device.Dispose();
    }
}

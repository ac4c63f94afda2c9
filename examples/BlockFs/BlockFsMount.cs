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
public sealed unsafe class BlockFsMount : IDisposable
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

    // ---- inode_operations' work (BlockFsInodes; the namespace has checked names, types and permissions) -------

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

    // ---- The page cache and the ops' work -------------------------------------------------------------------

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

    // ---- Blocks and metadata (under _lock) -------------------------------------------------------------------

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

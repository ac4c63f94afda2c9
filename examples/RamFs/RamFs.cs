using System.Runtime.InteropServices;
using System.Threading;
using AopsGen.Block;
using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Examples;

/// <summary>
/// A filesystem in memory, the smallest complete swap-capable one and the <c>aops demo</c> default. Each file's
/// bytes live in native memory (<see cref="RamFile"/> in <c>Inode.Private</c>); there is no block device, so a
/// swap file on RamFs is activated with <c>swap_activate</c> (SWP_FILE) and the swap core writes its pages with
/// <c>direct_IO</c> and reads them with <c>readpage</c> — the seed commit's routing, as NFS did it in 3.6.
/// <see cref="RamFsSwapRw"/> is the same filesystem with the 5.19+ table: SWP_FS_OPS and <c>swap_rw</c>.
/// </summary>
[AddressSpaceOperations("ramfs_aops")]
public static unsafe partial class RamFs
{
    /// <summary>The filesystem type name.</summary>
    public const string FsType = "ramfs";

    private static long s_nextInode = 1;

    /// <summary>
    /// <c>mount -t ramfs</c>: a new, empty RamFs mounted on the directory <paramref name="mountPoint"/>. Returns 0,
    /// or the mount's error (-ENOENT, -ENOTDIR).
    /// </summary>
    public static int Mount(MountNamespace vfs, string mountPoint, out SuperBlock? sb)
    {
        ArgumentNullException.ThrowIfNull(vfs);
        sb = new SuperBlock(FsType, Page.Size) { FsInfo = new PageFrames(StagingFrames) };
        Inode root = NewInode(sb, FileType.Directory, 0x1ED /* 0755 */, 0, 0);
        root.Links = 2;
        int error = vfs.Mount(mountPoint, root);
        if (error != 0)
        {
            ((PageFrames)sb.FsInfo).Dispose();
            sb = null;
        }
        return error;
    }

    /// <summary>
    /// <c>init_mount_tree</c>: a new namespace whose "/" is a new RamFs (in Linux too the root filesystem, rootfs,
    /// is a ramfs), to make directories and mount other filesystems in.
    /// </summary>
    public static MountNamespace NewNamespace(out SuperBlock rootFs)
    {
        rootFs = new SuperBlock("rootfs", Page.Size) { FsInfo = new PageFrames(StagingFrames) };
        Inode root = NewInode(rootFs, FileType.Directory, 0x1ED /* 0755 */, 0, 0);
        root.Links = 2;
        return new MountNamespace(root);
    }

    /// <summary><c>mkdir</c>: an empty directory at <paramref name="path"/> on the RamFs <paramref name="sb"/>, mode
    /// 0755. Returns 0 or the create's error (-EEXIST, -ENOENT, -EXDEV, -EACCES).</summary>
    public static int Mkdir(MountNamespace vfs, SuperBlock sb, string path, Credentials cred)
    {
        ArgumentNullException.ThrowIfNull(vfs);
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(cred);
        Inode inode = NewInode(sb, FileType.Directory, 0x1ED, cred.Uid, cred.Gid);
        inode.Links = 2;
        return vfs.Create(path, inode, cred);
    }

    /// <summary>
    /// <c>creat</c> + <c>fallocate</c>: a regular file of <paramref name="size"/> zero bytes at <paramref name="path"/>
    /// on a RamFs, with mode <paramref name="permissions"/> (0600 by default, as for a swap file) owned by
    /// <paramref name="cred"/>. Returns 0 or the create's error (-EEXIST, -ENOENT, -EXDEV, -EACCES).
    /// </summary>
    public static int CreateFile(MountNamespace vfs, SuperBlock sb, string path, long size, Credentials cred, out Inode? inode, uint permissions = 0x180,
        AddressSpaceOperations? aops = null)
    {
        ArgumentNullException.ThrowIfNull(vfs);
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var file = new RamFile(size);
        inode = new Inode(sb, NextInode(), FileType.Regular, permissions, aops ?? Operations)
        {
            Size = size,
            Blocks = (size + 511) / 512,
            Uid = cred.Uid,
            Gid = cred.Gid,
            Private = file,
            Operations = RamFsInodes.Instance,
        };
        int error = vfs.Create(path, inode, cred);
        if (error != 0)
        {
            file.Dispose();
            inode = null;
        }
        return error;
    }

    /// <summary>
    /// <c>mkswap --file</c> on RamFs: a file of <paramref name="size"/> bytes at <paramref name="path"/>, mode 0600,
    /// owned by root, with a swap header written by <see cref="AopsGen.Swap.Mkswap"/> (<paramref name="options"/> for the
    /// label and UUID). Returns 0, the create's error, or mkswap's (-EINVAL: fewer than 10 pages); the header and
    /// mkswap's messages are in <paramref name="mkswap"/>. The file's table is <paramref name="aops"/>:
    /// <see cref="Operations"/> (SWP_FILE) by default, or <see cref="RamFsSwapRw.Operations"/> (SWP_FS_OPS).
    /// </summary>
    public static int CreateSwapFile(MountNamespace vfs, SuperBlock sb, string path, long size, MkswapOptions? options, out Inode? inode, out MkswapResult mkswap,
        AddressSpaceOperations? aops = null)
    {
        Span<byte> header = stackalloc byte[Page.Size];
        header.Clear();
        mkswap = AopsGen.Swap.Mkswap.Format(header, size, options);
        inode = null;
        if (!mkswap.Succeeded)
        {
            return mkswap.ReturnValue;
        }
        int error = CreateFile(vfs, sb, path, size, Credentials.Root, out inode, aops: aops);
        if (error == 0)
        {
            DataOf(inode!).Write(0, header);
        }
        return error;
    }

    /// <summary><c>mknod PATH b</c>: a node for <paramref name="device"/> at <paramref name="path"/> on the RamFs
    /// <paramref name="sb"/>, mode 0660 (<see cref="BlockDevice.NewInode"/>). swapon of it makes an SWP_BLKDEV area.
    /// Returns 0 or the create's error.</summary>
    public static int Mknod(MountNamespace vfs, SuperBlock sb, string path, BlockDevice device, Credentials cred)
    {
        ArgumentNullException.ThrowIfNull(vfs);
        ArgumentNullException.ThrowIfNull(device);
        return vfs.Create(path, device.NewInode(sb, NextInode()), cred);
    }

    /// <summary>The bytes of a RamFs file (for tools and tests that look inside).</summary>
    public static RamFile DataOf(Inode inode) => (RamFile)(inode ?? throw new ArgumentNullException(nameof(inode))).Private!;

    /// <summary>Frames each mount keeps for <c>write_begin</c>: pages are staged there and written through.</summary>
    public const int StagingFrames = 16;

    private static ulong NextInode() => (ulong)Interlocked.Increment(ref s_nextInode);

    // ramfs_get_inode: a new inode with RamFs's address-space and inode operations.
    internal static Inode NewInode(SuperBlock sb, FileType type, uint mode, uint uid, uint gid)
        => new(sb, NextInode(), type, mode, Operations) { Uid = uid, Gid = gid, Operations = RamFsInodes.Instance };

    /// <summary><c>readpage</c>: copy the file's bytes at <see cref="Page.FileOffset"/> (zeros past the end), set
    /// Uptodate, unlock. Swap-cache pages come here too: the offset is their slot's.</summary>
    [ReadPage]
    public static int ReadPage(OpenFile file, Page page)
    {
        DataOf(file.Inode).Read(page.FileOffset, page.Bytes);
        page.Set(PageFlags.Uptodate);
        page.Unlock();
        return 0;
    }

    /// <summary><c>writepage</c>: write a dirty page-cache page back to the file's bytes.</summary>
    [WritePage]
    public static int WritePage(Page page, WritebackControl wbc)
    {
        Inode inode = page.Mapping!.Host!;
        page.SetWriteback();
        page.Unlock();
        long end = Math.Min(inode.Size - page.FileOffset, Page.Size);
        int error = end > 0 ? DataOf(inode).Write(page.FileOffset, page.Bytes[..(int)end]) : 0;
        if (error != 0)
        {
            page.Set(PageFlags.Dirty);
        }
        page.EndWriteback();
        return error;
    }

    /// <summary><c>set_page_dirty</c>: <c>__set_page_dirty_no_writeback</c>, as Linux's ramfs.</summary>
    [SetPageDirty]
    public static bool SetPageDirty(Page page) => !page.TestAndSet(PageFlags.Dirty);

    /// <summary><c>write_begin</c> (<c>simple_write_begin</c>): a locked, uptodate page for the write, staged in
    /// one of the mount's frames; -ENOMEM when all are busy.</summary>
    [WriteBegin]
    public static int WriteBegin(OpenFile file, AddressSpace mapping, long pos, uint len, uint flags, out Page? page, out object? fsData)
    {
        fsData = null;
        var frames = (PageFrames)file.Inode.SuperBlock.FsInfo!;
        lock (frames)
        {
            page = frames.Alloc();
        }
        if (page == null)
        {
            return Errnos.Neg(Errno.ENOMEM);
        }
        page.Index = (ulong)(pos >> Page.Shift);
        page.Lock();
        DataOf(file.Inode).Read(pos & ~(long)(Page.Size - 1), page.Bytes);
        page.Set(PageFlags.Uptodate);
        return 0;
    }

    /// <summary><c>write_end</c>: write the copied bytes through to the file (growing it), unlock and release
    /// the staging frame. Returns the bytes committed.</summary>
    [WriteEnd]
    public static int WriteEnd(OpenFile file, AddressSpace mapping, long pos, uint len, uint copied, Page page, object? fsData)
    {
        int offset = (int)(pos & (Page.Size - 1));
        int error = DataOf(file.Inode).Write(pos, page.Bytes.Slice(offset, (int)copied));
        page.Unlock();
        var frames = (PageFrames)file.Inode.SuperBlock.FsInfo!;
        lock (frames)
        {
            frames.Free(page);
        }
        return error != 0 ? error : (int)copied;
    }

    /// <summary><c>direct_IO</c>: copy between the segments and the file's bytes, no page cache. The swap core
    /// writes swap pages this way (<c>KERNEL_WRITE</c>, up to 32 segments). A write past the end grows the file;
    /// a read past the end is cut short there.</summary>
    [DirectIO]
    public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset)
    {
        RamFile data = DataOf(iocb.File!.Inode);
        long done = 0;
        foreach (IoVec segment in iov)
        {
            if ((rw & Rw.Write) != 0)
            {
                int error = data.Write(offset + done, segment.AsSpan());
                if (error != 0)
                {
                    return done > 0 ? done : error;
                }
                done += (long)segment.Length;
            }
            else
            {
                int read = data.Read(offset + done, segment.AsSpan());
                done += read;
                if (read < (int)segment.Length)
                {
                    break;
                }
            }
        }
        return done;
    }

    /// <summary><c>swap_activate</c>: RamFs files have no holes and never move, so any file can back swap; the
    /// span is the area's pages.</summary>
    [SwapActivate]
    public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span)
    {
        span = sis.Pages;
        DataOf(file.Inode).SwapActive = true;
        return 0;
    }

    /// <summary><c>swap_deactivate</c>: the file is an ordinary file again.</summary>
    [SwapDeactivate]
    public static void SwapDeactivate(OpenFile file) => DataOf(file.Inode).SwapActive = false;
}

/// <summary>The bytes of one RamFs file, in native memory. Thread-safe: I/O within the file runs concurrently;
/// growing it takes the lock exclusively. The lock is a counter, not a <see cref="ReaderWriterLockSlim"/>, whose
/// first use on each thread allocates (80 bytes of per-thread bookkeeping): the swap path must allocate nothing.</summary>
public sealed unsafe class RamFile : IDisposable
{
    // Readers in the low bits; WriterBit while a writer waits or holds the lock (new readers then wait).
    private const int WriterBit = 1 << 30;
    private int _lockState;
    private byte* _data;
    private long _capacity;

    /// <summary>A file of <paramref name="size"/> zero bytes.</summary>
    public RamFile(long size)
    {
        _capacity = Math.Max(size, Page.Size);
        _data = (byte*)NativeMemory.AllocZeroed((nuint)_capacity);
    }

    /// <summary>Whether the file backs an active swap area (between swap_activate and swap_deactivate).</summary>
    public bool SwapActive { get; internal set; }

    /// <summary>Copies from <paramref name="position"/> into <paramref name="destination"/>, zeros past the end of
    /// the memory held; returns the bytes that came from the file.</summary>
    public int Read(long position, Span<byte> destination)
    {
        EnterReadLock();
        try
        {
            long available = Math.Clamp(_capacity - position, 0, destination.Length);
            new ReadOnlySpan<byte>(_data + position, (int)available).CopyTo(destination);
            destination[(int)available..].Clear();
            return (int)available;
        }
        finally
        {
            ExitReadLock();
        }
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="position"/>, growing the memory if needed.
    /// Returns 0, or -EFBIG past 1 TiB.</summary>
    public int Write(long position, ReadOnlySpan<byte> source)
    {
        long end = position + source.Length;
        if (position < 0 || end > 1L << 40)
        {
            return Errnos.Neg(Errno.EFBIG);
        }
        if (end > Volatile.Read(ref _capacity))
        {
            Grow(end);
        }
        EnterReadLock();
        try
        {
            source.CopyTo(new Span<byte>(_data + position, source.Length));
            return 0;
        }
        finally
        {
            ExitReadLock();
        }
    }

    /// <summary>Zeroes the bytes from <paramref name="size"/> on (a truncation: growing again reads zeros there).</summary>
    public void Truncate(long size)
    {
        EnterWriteLock();
        try
        {
            if (size < _capacity)
            {
                NativeMemory.Clear(_data + size, (nuint)(_capacity - size));
            }
        }
        finally
        {
            ExitWriteLock();
        }
    }

    private void Grow(long end)
    {
        EnterWriteLock();
        try
        {
            if (end <= _capacity)
            {
                return;
            }
            long capacity = Math.Max(end, _capacity * 2);
            byte* data = (byte*)NativeMemory.Realloc(_data, (nuint)capacity);
            NativeMemory.Clear(data + _capacity, (nuint)(capacity - _capacity));
            _data = data;
            _capacity = capacity;
        }
        finally
        {
            ExitWriteLock();
        }
    }

    private void EnterReadLock()
    {
        var spin = new SpinWait();
        while (true)
        {
            int state = Volatile.Read(ref _lockState);
            if ((state & WriterBit) == 0 && Interlocked.CompareExchange(ref _lockState, state + 1, state) == state)
            {
                return;
            }
            spin.SpinOnce();
        }
    }

    private void ExitReadLock() => Interlocked.Decrement(ref _lockState);

    // Claims the writer bit, then waits for the readers inside to leave.
    private void EnterWriteLock()
    {
        var spin = new SpinWait();
        while ((Interlocked.Or(ref _lockState, WriterBit) & WriterBit) != 0)
        {
            spin.SpinOnce();
        }
        while (Volatile.Read(ref _lockState) != WriterBit)
        {
            spin.SpinOnce();
        }
    }

    private void ExitWriteLock() => Interlocked.And(ref _lockState, ~WriterBit);

    /// <summary>Frees the memory.</summary>
    public void Dispose()
    {
        EnterWriteLock();
        try
        {
            NativeMemory.Free(_data);
            _data = null;
            _capacity = 0;
        }
        finally
        {
            ExitWriteLock();
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the memory of a file nobody disposed.</summary>
    ~RamFile()
    {
        NativeMemory.Free(_data);
    }
}

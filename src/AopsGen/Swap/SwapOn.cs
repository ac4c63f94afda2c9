using AopsGen.Vfs;

namespace AopsGen.Swap;

/// <summary>mm/swapfile.c: sys_swapon, following Linux 3.6's checks in their order.</summary>
public sealed partial class SwapCore
{
    /// <summary>SWAP_FLAG_PRIO_MASK: the priority bits of swapon's flags.</summary>
    public const int SwapFlagPrioMask = 0x7fff;

    /// <summary>SWAP_FLAG_PREFER: use the priority in the low bits.</summary>
    public const int SwapFlagPrefer = 0x8000;

    /// <summary>SWAP_FLAG_DISCARD: discard the area at swapon and its clusters as they are freed — where its I/O
    /// goes to a block device (extents, SWP_BLKDEV); an area whose I/O goes through a filesystem has no device to
    /// discard, as in the kernel.</summary>
    public const int SwapFlagDiscard = 0x10000;

    /// <summary>SWAP_FLAG_DISCARD_ONCE (3.11+): with <see cref="SwapFlagDiscard"/>, discard the area at swapon only.</summary>
    public const int SwapFlagDiscardOnce = 0x20000;

    /// <summary>SWAP_FLAG_DISCARD_PAGES (3.11+): with <see cref="SwapFlagDiscard"/>, discard freed clusters only.</summary>
    public const int SwapFlagDiscardPages = 0x40000;

    /// <summary>SWAP_FLAGS_VALID.</summary>
    public const int SwapFlagsValid = SwapFlagPrioMask | SwapFlagPrefer | SwapFlagDiscard | SwapFlagDiscardOnce | SwapFlagDiscardPages;

    /// <summary>
    /// <c>sys_swapon(path, swap_flags)</c>: make the file or block device at <paramref name="path"/> a swap area.
    /// Returns 0, or in the kernel's order: -EINVAL for unknown flags; -EPERM without CAP_SYS_ADMIN; -EPERM when the
    /// swap table is full; the open's error (-ENOENT, -EISDIR, -EACCES, ...); -EBUSY when the file is already active
    /// or the device is claimed; -EINVAL for a file that is neither regular nor a block device, or whose filesystem has
    /// no <c>readpage</c>; the read's error; -EINVAL for a bad header (message in <see cref="Log"/>); the extents' error
    /// (<c>swap_activate</c>'s, or -EINVAL "swapon: swapfile has holes"); -EINVAL "Empty swap-file". The area's I/O
    /// backend is chosen here, once (<see cref="SetUpSwapExtents"/>). While active the file is S_SWAPFILE. The area's
    /// queue depth is <see cref="DefaultQueueDepth"/>.
    /// </summary>
    public int SwapOn(string path, int swapFlags, Credentials cred) => SwapOn(path, swapFlags, cred, DefaultQueueDepth);

    /// <summary>
    /// The queue depth of <see cref="SwapOn(string, int, Credentials)"/>: 8 batches of up to 32 pages in flight, the
    /// depth at which the quick benchmark's HostFs swap-out and sequential swap-in (7 readahead windows ahead) were
    /// fastest on the project's disk, side by side with depths 1, 2, 4, 16 and 32 (docs/performance.md, "Queue
    /// depth"). Depth 1 is the synchronous I/O of Linux 3.6.
    /// </summary>
    public const int DefaultQueueDepth = 8;

    /// <summary>The most batches an area may have in flight (<see cref="SwapOn(string, int, Credentials, int)"/>).</summary>
    public const int MaxQueueDepth = 64;

    /// <summary>
    /// <see cref="SwapOn(string, int, Credentials)"/> with the area's queue depth: how many write or read batches
    /// (up to <see cref="SwapPlug.MaxPages"/> pages each) may be in flight at once. 1 is synchronous I/O, as 3.6 did
    /// it: every batch completes before reclaim or the fault goes on. Above 1 the batches get kiocbs with
    /// <c>ki_complete</c> (the block device's go through io_uring), reclaim leaves pages under writeback on the LRU for a
    /// later pass, and readahead does not wait (docs/swap.md, "Completion"). -EINVAL outside 1..<see cref="MaxQueueDepth"/>.
    /// </summary>
    public int SwapOn(string path, int swapFlags, Credentials cred, int queueDepth)
    {
        ArgumentNullException.ThrowIfNull(cred);
        if ((swapFlags & ~SwapFlagsValid) != 0 || queueDepth < 1 || queueDepth > MaxQueueDepth)
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        if (!cred.CapSysAdmin)
        {
            return Errnos.Neg(Errno.EPERM);
        }
        int error = AllocSwapInfo(out SwapInfo? area);
        if (error != 0)
        {
            return error;
        }
        area!.QueueDepth = queueDepth;
        error = SetUpArea(area!, path, cred);
        if (error != 0)
        {
            BadSwap(area!);
            return error;
        }
        SetUpDiscard(area!, swapFlags);
        int priority = (swapFlags & SwapFlagPrefer) != 0 ? swapFlags & SwapFlagPrioMask : -1;
        EnableSwapInfo(area!, priority);
        Inode inode = area!.SwapFile!.Inode;
        inode.Flags |= InodeFlags.SwapFile;
        ulong span = area.Span;
        SwapFlags flags = area.Flags;
        Log.Print(KernelLogLevel.Info,
            $"Adding {(ulong)area.Pages << (Page.Shift - 10)}k swap on {path}.  Priority:{area.Priority} extents:{area.Extents.Count} across:{span << (Page.Shift - 10)}k "
            + $"{((flags & SwapFlags.Discardable) != 0 ? "D" : "")}{((flags & SwapFlags.AreaDiscard) != 0 ? "s" : "")}{((flags & SwapFlags.PageDiscard) != 0 ? "c" : "")}"
            + $"{(area.Mode is SwapIoMode.File or SwapIoMode.FsOps ? "FS" : "")}");
        return 0;
    }

    // Steps 4 to 10 of sys_swapon: open, claim, header, map, extents. On error the caller undoes what was done.
    private int SetUpArea(SwapInfo area, string path, Credentials cred)
    {
        int error = _vfs.Open(path, OpenFlags.ReadWrite | OpenFlags.LargeFile, cred, out OpenFile? file);
        if (error != 0)
        {
            return error;
        }
        lock (_swapLock)
        {
            for (int type = 0; type < _nrSwapfiles; type++)
            {
                SwapInfo? other = _swapInfo[type];
                if (other != null && !ReferenceEquals(other, area) && ReferenceEquals(other.SwapFile?.Mapping, file!.Mapping))
                {
                    return Errnos.Neg(Errno.EBUSY);
                }
            }
        }
        area.SwapFile = file;
        error = ClaimSwapfile(area, file!.Inode);
        if (error != 0)
        {
            return error;
        }
        AddressSpaceOperations aops = file.Mapping.Aops;
        if (!aops.Has(AddressSpaceOp.ReadPage))
        {
            return Errnos.Neg(Errno.EINVAL);
        }

        error = ReadHeader(area, file, out uint maxPages);
        if (error != 0)
        {
            return error;
        }
        error = area.InitializeMap(maxPages, ReadOnlySpan<uint>.Empty);
        if (error < 0)
        {
            Log.Print(KernelLogLevel.Warning, "Empty swap-file");
            return error;
        }
        error = SetUpSwapExtents(area, file);
        if (error < 0)
        {
            return error;
        }
        if (area.Pages == 0)
        {
            Log.Print(KernelLogLevel.Warning, "Empty swap-file");
            return Errnos.Neg(Errno.EINVAL);
        }
        return 0;
    }

    /// <summary>
    /// mm/swapfile.c <c>claim_swapfile</c>: a block device is claimed for the area alone (-EBUSY when something
    /// else holds it: a mount, another area — 6.x's <c>O_EXCL</c> open) and the area becomes SWP_BLKDEV; a regular
    /// file that is already a swap file is busy; any other type (a character device, a FIFO, a directory opened
    /// read-only) is -EINVAL.
    /// </summary>
    private static int ClaimSwapfile(SwapInfo area, Inode inode)
    {
        if (inode.Type == FileType.BlockDevice)
        {
            if (inode.Bdev is not { } device)
            {
                return Errnos.Neg(Errno.ENXIO);
            }
            int error = device.Claim(area);
            if (error != 0)
            {
                return error;
            }
            area.Bdev = device;
            area.Flags |= SwapFlags.BlockDevice;
            return 0;
        }
        if (inode.Type != FileType.Regular)
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        return inode.IsSwapFile ? Errnos.Neg(Errno.EBUSY) : 0;
    }

    // read_mapping_page(mapping, 0) and read_swap_header.
    private int ReadHeader(SwapInfo area, OpenFile file, out uint maxPages)
    {
        maxPages = 0;
        Page page;
        lock (_headerFrame)
        {
            page = _headerFrame.Alloc() ?? throw new InvalidOperationException("The header frame is in use.");
        }
        try
        {
            page.Index = 0;
            page.Lock();
            int error = AopsCalls.ReadPage(file.Mapping.Aops, file, page);
            if (error < 0)
            {
                return error;
            }
            if (!page.IsUptodate)
            {
                return Errnos.Neg(Errno.EIO);
            }
            SwapHeaderVerdict verdict = SwapHeader.Read(page.Bytes, file.Inode.Size, isBlockDevice: file.Inode.Type == FileType.BlockDevice);
            if (!verdict.IsValid)
            {
                Log.Print(verdict.Problem == SwapHeaderProblem.UnsupportedVersion || verdict.Problem == SwapHeaderProblem.EmptySwapFile
                    || verdict.Problem == SwapHeaderProblem.ShorterThanSignature ? KernelLogLevel.Warning : KernelLogLevel.Error, verdict.Message);
                return verdict.ReturnValue;
            }
            if (verdict.Warning is { } warning)
            {
                Log.Print(KernelLogLevel.Warning, warning);
            }
            maxPages = (uint)Math.Min(verdict.MaxPages, uint.MaxValue);
            return 0;
        }
        finally
        {
            if (page.IsLocked)
            {
                page.Unlock();
            }
            _headerFrame.Free(page);
        }
    }

    /// <summary>
    /// mm/swapfile.c <c>setup_swap_extents</c>: map the area's slots and choose its I/O backend, once.
    /// A block device: one extent over it, SWP_BLKDEV. A filesystem with <c>swap_activate</c>: call it (a negative
    /// return aborts swapon with it) and look at what it did — it set SWP_FS_OPS (5.19+): every batch goes to its
    /// <c>swap_rw</c>; it called <c>add_swap_extent</c> and returned their number (6.x, <c>iomap_swapfile_activate</c>):
    /// the core writes the filesystem's block device at those blocks; neither: the 3.6 seed's SWP_FILE, writes by
    /// <c>direct_IO</c> and reads by <c>readpage</c>, over one linear extent. Without <c>swap_activate</c>: the
    /// generic <c>bmap</c> walk, then the block device. Returns the number of extents or -errno.
    /// </summary>
    private int SetUpSwapExtents(SwapInfo area, OpenFile file)
    {
        if ((area.Flags & SwapFlags.BlockDevice) != 0)
        {
            area.AddSwapExtent(0, area.Max, 0);
            area.Span = area.Pages;
            area.Io = new SwapBlockBackend(this, area, area.Bdev!, SwapIoMode.BlockDevice);
            return 1;
        }
        AddressSpaceOperations aops = file.Mapping.Aops;
        if (!aops.Has(AddressSpaceOp.SwapActivate))
        {
            int extents = GenericSwapfileActivate(area, file);
            return extents < 0 ? extents : UseFilesystemDevice(area, file, extents, "bmap");
        }

        area.OpCalls.CountSwapActivate();
        int ret = AopsCalls.SwapActivate(aops, area, file, out ulong span);
        if (ret < 0)
        {
            return ret;
        }
        area.Flags |= SwapFlags.Activated;
        if ((area.Flags & SwapFlags.FsOps) != 0)
        {
            if (!aops.Has(AddressSpaceOp.SwapRw))
            {
                return Refuse(file, "sets SWP_FS_OPS but has no swap_rw to read and write swap pages");
            }
            if (area.Extents.Count == 0)
            {
                area.AddSwapExtent(0, area.Max, 0);
            }
            area.Span = span;
            area.Io = new SwapFsOpsBackend(this, area, file);
            return area.Extents.Count;
        }
        if (area.Extents.Count > 0)
        {
            int error = CheckSwapExtents(area, file);
            area.Span = span;
            return error < 0 ? error : UseFilesystemDevice(area, file, area.Extents.Count, "swap_activate extents");
        }
        // The seed's SWP_FILE. 3.6 would only find out at the first swap-out that there is no direct_IO; refusing
        // here is the 6.x shape (activate, a check that can fail, destroy_swap_extents → swap_deactivate), and
        // AOPS006 reports the same table at compile time.
        if (!aops.Has(AddressSpaceOp.DirectIO))
        {
            return Refuse(file, "has swap_activate but no direct_IO to write swap pages");
        }
        area.AddSwapExtent(0, area.Max, 0);
        area.Span = area.Pages;
        area.Io = new SwapFileBackend(this, area, file);
        return 1;
    }

    private int Refuse(OpenFile file, string why)
    {
        Log.Print(KernelLogLevel.Error, $"swapon: {file.Path}: {file.Mapping.Aops.Name} {why}");
        return Errnos.Neg(Errno.EINVAL);
    }

    // claim_swapfile for a regular file: p->bdev = inode->i_sb->s_bdev. The extents point into that device.
    private int UseFilesystemDevice(SwapInfo area, OpenFile file, int extents, string how)
    {
        if (file.Inode.SuperBlock.Device is not { } device)
        {
            Log.Print(KernelLogLevel.Error, $"swapon: {file.Path}: {file.Inode.SuperBlock.FsType} has {how} but no block device to write the swap pages to");
            return Errnos.Neg(Errno.EINVAL);
        }
        area.Bdev = device;
        area.Io = new SwapBlockBackend(this, area, device, SwapIoMode.Extents);
        return extents;
    }

    /// <summary>
    /// The extents a filesystem's <c>swap_activate</c> added, as <c>iomap_swapfile_activate</c> leaves them: in slot
    /// order from slot 0 with no gap (a gap is a hole: "swapon: swapfile has holes", -EINVAL), inside the device
    /// ("swapon: swapfile outside the main device", -EINVAL). The area shrinks to the slots they cover.
    /// </summary>
    private int CheckSwapExtents(SwapInfo area, OpenFile file)
    {
        ulong next = 0;
        long deviceSize = file.Inode.SuperBlock.Device?.Size ?? long.MaxValue;
        foreach (SwapExtent extent in area.Extents)
        {
            if (extent.StartPage != next || extent.NrPages == 0)
            {
                Log.Print(KernelLogLevel.Error, "swapon: swapfile has holes");
                return Errnos.Neg(Errno.EINVAL);
            }
            if ((long)((extent.StartBlock + extent.NrPages) << Page.Shift) > deviceSize)
            {
                Log.Print(KernelLogLevel.Error, "swapon: swapfile outside the main device");
                return Errnos.Neg(Errno.EINVAL);
            }
            next += extent.NrPages;
        }
        if (next < area.Max)
        {
            area.ShrinkTo((uint)Math.Max(next, 1));
        }
        return 0;
    }

    /// <summary><c>bad_swap</c>: undo a failed swapon — <c>swap_deactivate</c> if activation succeeded
    /// (<c>destroy_swap_extents</c>), then free the swap table entry (and let go of a claimed device).</summary>
    private void BadSwap(SwapInfo area)
    {
        DestroySwapExtents(area);
        FreeSwapInfo(area);
    }

    /// <summary><c>destroy_swap_extents</c>: drop the extents and the backend; after a successful
    /// <c>swap_activate</c> (SWP_ACTIVATED), call <c>swap_deactivate</c>.</summary>
    private static void DestroySwapExtents(SwapInfo area)
    {
        area.ClearExtents();
        area.Io = null;
        if ((area.Flags & SwapFlags.Activated) != 0 && area.SwapFile is { } file)
        {
            area.Flags &= ~(SwapFlags.Activated | SwapFlags.FsOps);
            if (file.Mapping.Aops.Has(AddressSpaceOp.SwapDeactivate))
            {
                area.OpCalls.CountSwapDeactivate();
            }
            AopsCalls.SwapDeactivate(file.Mapping.Aops, file);
        }
    }
}

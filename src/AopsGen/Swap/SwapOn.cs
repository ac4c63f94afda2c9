using AopsGen.Vfs;

namespace AopsGen.Swap;

/// <summary>mm/swapfile.c: sys_swapon, following Linux 3.6's checks in their order.</summary>
public sealed partial class SwapCore
{
    /// <summary>SWAP_FLAG_PRIO_MASK: the priority bits of swapon's flags.</summary>
    public const int SwapFlagPrioMask = 0x7fff;

    /// <summary>SWAP_FLAG_PREFER: use the priority in the low bits.</summary>
    public const int SwapFlagPrefer = 0x8000;

    /// <summary>SWAP_FLAG_DISCARD: discard freed clusters (block devices; accepted, no effect on files).</summary>
    public const int SwapFlagDiscard = 0x10000;

    /// <summary>SWAP_FLAGS_VALID.</summary>
    public const int SwapFlagsValid = SwapFlagPrioMask | SwapFlagPrefer | SwapFlagDiscard;

    /// <summary>
    /// <c>sys_swapon(path, swap_flags)</c>: make the file at <paramref name="path"/> a swap area. Returns 0, or in the
    /// kernel's order: -EINVAL for unknown flags; -EPERM without CAP_SYS_ADMIN; -EPERM when the swap table is full;
    /// the open's error (-ENOENT, -EISDIR, -EACCES, ...); -EBUSY when the file is already active; -EINVAL for a file
    /// that is not a regular file, or whose filesystem has no <c>readpage</c>; the read's error; -EINVAL for a bad
    /// header (message in <see cref="Log"/>); the extents' error (<c>swap_activate</c>'s, or -EINVAL "swapon:
    /// swapfile has holes"); -EINVAL "Empty swap-file". A filesystem with <c>swap_activate</c> gets an SWP_FILE
    /// area with one linear extent; one without is walked with <c>bmap</c>. While active the file is S_SWAPFILE.
    /// </summary>
    public int SwapOn(string path, int swapFlags, Credentials cred)
    {
        ArgumentNullException.ThrowIfNull(cred);
        if ((swapFlags & ~SwapFlagsValid) != 0)
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
        error = SetUpArea(area!, path, cred);
        if (error != 0)
        {
            BadSwap(area!);
            return error;
        }
        int priority = (swapFlags & SwapFlagPrefer) != 0 ? swapFlags & SwapFlagPrioMask : -1;
        EnableSwapInfo(area!, priority);
        Inode inode = area!.SwapFile!.Inode;
        inode.Flags |= InodeFlags.SwapFile;
        ulong span = area.Span;
        Log.Print(KernelLogLevel.Info,
            $"Adding {(ulong)area.Pages << (Page.Shift - 10)}k swap on {path}.  Priority:{area.Priority} extents:{area.Extents.Count} across:{span << (Page.Shift - 10)}k {((area.Flags & SwapFlags.File) != 0 ? "FS" : string.Empty)}");
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
        Inode inode = file!.Inode;
        // claim_swapfile: a regular file (block devices come with Block/); an active one is busy.
        if (inode.Type != FileType.Regular)
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        if (inode.IsSwapFile)
        {
            return Errnos.Neg(Errno.EBUSY);
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
            SwapHeaderVerdict verdict = SwapHeader.Read(page.Bytes, file.Inode.Size, isBlockDevice: false);
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
    /// mm/swapfile.c <c>setup_swap_extents</c>: a filesystem with <c>swap_activate</c> is called (a negative return
    /// aborts swapon with it); on success the area is SWP_FILE with one linear extent. Without it, the generic
    /// bmap walk (<see cref="GenericSwapfileActivate"/>).
    /// </summary>
    private int SetUpSwapExtents(SwapInfo area, OpenFile file)
    {
        AddressSpaceOperations aops = file.Mapping.Aops;
        if (aops.Has(AddressSpaceOp.SwapActivate))
        {
            int ret = AopsCalls.SwapActivate(aops, area, file, out _);
            if (ret < 0)
            {
                return ret;
            }
            area.Flags |= SwapFlags.File;
            // An SWP_FILE area writes its pages with direct_IO (the seed's routing). 3.6 would only find out at the
            // first swap-out; refusing here is the 6.x shape (activate, then a check that can fail, then
            // destroy_swap_extents → swap_deactivate), and AOPS006 reports the same table at compile time.
            if (!aops.Has(AddressSpaceOp.DirectIO))
            {
                Log.Print(KernelLogLevel.Error, $"swapon: {file.Path}: {aops.Name} has swap_activate but no direct_IO to write swap pages");
                return Errnos.Neg(Errno.EINVAL);
            }
            area.AddSwapExtent(0, area.Max, 0);
            area.Span = area.Pages;
            return 1;
        }
        int extents = GenericSwapfileActivate(area, file);
        if (extents < 0)
        {
            return extents;
        }
        // claim_swapfile: p->bdev = inode->i_sb->s_bdev. The extents point into that device.
        area.Bdev = file.Inode.SuperBlock.Device;
        if (area.Bdev is null)
        {
            Log.Print(KernelLogLevel.Error, $"swapon: {file.Path}: {file.Inode.SuperBlock.FsType} has bmap but no block device to write the swap pages to");
            return Errnos.Neg(Errno.EINVAL);
        }
        return extents;
    }

    /// <summary><c>bad_swap</c>: undo a failed swapon — <c>swap_deactivate</c> if activation succeeded
    /// (<c>destroy_swap_extents</c>), then free the swap table entry.</summary>
    private void BadSwap(SwapInfo area)
    {
        DestroySwapExtents(area);
        FreeSwapInfo(area);
    }

    /// <summary><c>destroy_swap_extents</c>: drop the extents and, for SWP_FILE, call <c>swap_deactivate</c>.</summary>
    private static void DestroySwapExtents(SwapInfo area)
    {
        area.ClearExtents();
        if ((area.Flags & SwapFlags.File) != 0 && area.SwapFile is { } file)
        {
            area.Flags &= ~SwapFlags.File;
            AopsCalls.SwapDeactivate(file.Mapping.Aops, file);
        }
    }
}

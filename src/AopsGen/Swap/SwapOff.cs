using System.Threading;
using AopsGen.Mm;
using AopsGen.Vfs;

namespace AopsGen.Swap;

/// <summary>mm/swapfile.c: sys_swapoff and try_to_unuse, following Linux 3.6's checks in their order.</summary>
public sealed partial class SwapCore
{
    /// <summary>
    /// <c>sys_swapoff(path)</c>: stop swapping to the file at <paramref name="path"/>. Returns 0, or in the kernel's
    /// order: -EPERM without CAP_SYS_ADMIN (before the path is looked at); the open's error (-ENOENT, ...); -EINVAL
    /// when the file is not an active swap area; the error of <c>try_to_unuse</c> (-ENOMEM when the pages in swap
    /// do not fit in memory, -EIO when one cannot be read), in which case the area is enabled again and nothing
    /// is lost. On success every page in the area is back in memory with its owner, <c>swap_deactivate</c> has run
    /// if <c>swap_activate</c> had, the file is no longer S_SWAPFILE and automatic priorities have moved up.
    /// </summary>
    public int SwapOff(string path, Credentials cred)
    {
        ArgumentNullException.ThrowIfNull(cred);
        if (!cred.CapSysAdmin)
        {
            return Errnos.Neg(Errno.EPERM);
        }
        int error = _vfs.Open(path, OpenFlags.ReadWrite | OpenFlags.LargeFile, cred, out OpenFile? victim);
        if (error != 0)
        {
            return error;
        }
        SwapInfo? area = null;
        lock (_swapLock)
        {
            for (int type = _listHead; type >= 0; type = _next[type])
            {
                SwapInfo candidate = _swapInfo[type]!;
                if ((candidate.Flags & SwapFlags.WriteOk) != 0 && ReferenceEquals(candidate.SwapFile?.Mapping, victim!.Mapping))
                {
                    area = candidate;
                    break;
                }
            }
        }
        if (area is null)
        {
            return Errnos.Neg(Errno.EINVAL);
        }

        DisableSwapInfo(area);
        error = TryToUnuse(area);
        if (error != 0)
        {
            EnableSwapInfo(area, area.Priority);
            return error;
        }

        DestroySwapExtents(area);
        OpenFile file = area.SwapFile!;
        file.Inode.Flags &= ~InodeFlags.SwapFile;
        FreeSwapInfo(area);
        return 0;
    }

    private const int UnuseIdlePasses = 200;

    /// <summary>
    /// mm/swapfile.c <c>try_to_unuse</c> (in the 6.x shape: one walk of the page tables, not one per slot):
    /// fault every page its owners have in <paramref name="area"/> back into memory, then drop what is left in
    /// the swap cache (waiting for writes in flight). Repeats while slots stay in use: a page reclaim had just given a
    /// slot when the walk passed its owner is found by the next pass. The kernel retries until a signal; with no
    /// signals here, it gives up with -EBUSY after <see cref="UnuseIdlePasses"/> passes in a row free nothing.
    /// </summary>
    private int TryToUnuse(SwapInfo area)
    {
        uint inUse = area.InUsePages;
        int idlePasses = 0;
        while (inUse > 0)
        {
            if (_mm is { } mm)
            {
                foreach (AnonRegion region in mm.Regions())
                {
                    int error = region.Unuse(area.Type);
                    if (error != 0)
                    {
                        return error;
                    }
                }
            }
            for (uint offset = 1; offset < area.Max; offset++)
            {
                if (area.SwapCount(offset) == 0 && area.HasCache(offset))
                {
                    DropSwapCachePage(SwapEntry.Create(area.Type, offset));
                }
            }
            uint left = area.InUsePages;
            if (left < inUse)
            {
                idlePasses = 0;
            }
            else if (left > 0)
            {
                if (++idlePasses == UnuseIdlePasses)
                {
                    return Errnos.Neg(Errno.EBUSY);
                }
                // Let the reclaimer that holds the slot finish unmapping or writing its page.
                Thread.Sleep(1);
            }
            inUse = left;
        }
        return 0;
    }

    // A slot only the swap cache holds: wait for its write, and take the page out of the cache.
    private void DropSwapCachePage(SwapEntry entry)
    {
        Page? page = SwapperSpace.FindGetPage(entry.Value);
        if (page == null)
        {
            return;
        }
        page.Lock();
        page.WaitOnWriteback();
        if (page.IsSwapCache && page.Private == entry.Value && TryToFreeSwap(page) && page.AnonOwner == null)
        {
            _mm?.DropFromLru(page);
        }
        page.Unlock();
        page.Release();
    }

    /// <summary><c>free_swap_and_cache</c>: an owner drops its reference to <paramref name="entry"/>; when only the
    /// swap cache holds the slot then, and its page is not busy, the page leaves the cache too.</summary>
    public void FreeSwapAndCache(SwapEntry entry)
    {
        SwapInfo? area = AreaOf(entry);
        if (area is null)
        {
            return;
        }
        SwapFree(entry);
        if (area.SwapCount((uint)entry.Offset) != 0 || !area.HasCache((uint)entry.Offset))
        {
            return;
        }
        Page? page = SwapperSpace.FindGetPage(entry.Value);
        if (page == null)
        {
            return;
        }
        if (page.TryLock())
        {
            if (page.IsSwapCache && page.Private == entry.Value && TryToFreeSwap(page) && page.AnonOwner == null)
            {
                _mm?.DropFromLru(page);
            }
            page.Unlock();
        }
        page.Release();
    }
}

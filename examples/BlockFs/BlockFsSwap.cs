using AopsGen.Swap;

namespace AopsGen.Examples;

/// <summary>
/// BlockFs's <c>swap_activate</c>, the 6.x contract (<c>iomap_swapfile_activate</c>, as ext4 and xfs use it): the
/// filesystem describes the file's blocks to the swap core with <c>add_swap_extent</c> and returns how many extents it
/// added; the swap core then writes the mount's block device at those blocks itself and calls no I/O op of BlockFs.
/// No <c>swap_deactivate</c>: nothing is pinned, as for ext4 and xfs (a file's blocks cannot move while it is
/// S_SWAPFILE). A table without <c>swap_activate</c> (the core's tests' BlockSwapFs) takes the generic <c>bmap</c>
/// walk instead, to the same extents.
/// </summary>
public static partial class BlockFs
{
    /// <summary>
    /// <c>swap_activate</c>: one extent per run of pages whose blocks follow each other on the device
    /// (<c>add_swap_extent</c> merges them). A page with no block is refused as iomap refuses it ("swapon: file PATH
    /// has unallocated extents", -EINVAL), a file of less than two pages too ("swapon: Cannot find a single usable
    /// page in file.", -EINVAL). <paramref name="span"/> is the device blocks the pages after the header spread over.
    /// </summary>
    [SwapActivate]
    public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span)
    {
        span = 0;
        Inode inode = file.Inode;
        if (MountOf(inode) is not { } mount)
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        ulong pages = Math.Min((ulong)inode.Size >> Page.Shift, sis.Max);
        if (pages < 2)
        {
            sis.Log?.Print(KernelLogLevel.Error, "swapon: Cannot find a single usable page in file.");
            return Errnos.Neg(Errno.EINVAL);
        }
        ulong lowest = ulong.MaxValue;
        ulong highest = 0;
        int extents = 0;
        for (ulong page = 0; page < pages; page++)
        {
            ulong block = mount.MapBlock(inode, page);
            if (block == 0)
            {
                sis.Log?.Print(KernelLogLevel.Error, $"swapon: file {file.Path} has unallocated extents");
                return Errnos.Neg(Errno.EINVAL);
            }
            if (page > 0)
            {
                lowest = Math.Min(lowest, block);
                highest = Math.Max(highest, block);
            }
            extents += sis.AddSwapExtent(page, 1, block);
        }
        span = highest - lowest + 1;
        return extents;
    }
}

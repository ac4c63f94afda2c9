using System.Threading;
using AopsGen.Swap;

namespace AopsGen.Tests;

/// <summary>
/// Tables for the backends swapon chooses, built from <see cref="MemSwapFs"/>'s and <see cref="BlockSwapFs"/>'s ops
/// at run time: SWP_FS_OPS (<c>swap_activate</c> sets it, <c>swap_rw</c> moves the data), SWP_FS_OPS without
/// <c>swap_rw</c> (refused), and a block-mapped filesystem whose <c>swap_activate</c> adds its extents (6.x) —
/// pages whose block is 0 are holes it leaves out.
/// </summary>
internal static unsafe class SwapBackendFs
{
    public static readonly AddressSpaceOperations FsOps = new("fsops_aops", readPage: &MemSwapFs.ReadPage, setPageDirty: &MemSwapFs.SetPageDirty,
        swapActivate: &ActivateFsOps, swapDeactivate: &MemSwapFs.SwapDeactivate, swapRw: &SwapRw);

    public static readonly AddressSpaceOperations FsOpsWithoutSwapRw = new("fsops_norw_aops", readPage: &MemSwapFs.ReadPage,
        directIO: &MemSwapFs.DirectIO, swapActivate: &ActivateFsOps, swapDeactivate: &MemSwapFs.SwapDeactivate);

    public static readonly AddressSpaceOperations Extents = new("extentfs_aops", readPage: &BlockSwapFs.ReadPage, bmap: &BlockSwapFs.Bmap,
        swapActivate: &ActivateExtents, swapDeactivate: &DeactivateExtents);

    private static int s_extentDeactivations;

    /// <summary>swap_deactivate calls of <see cref="Extents"/> so far.</summary>
    public static int ExtentDeactivations => Volatile.Read(ref s_extentDeactivations);

    // nfs_swap_activate (5.19+): SWP_FS_OPS, one extent over the file.
    private static int ActivateFsOps(SwapInfo sis, OpenFile file, out ulong span)
    {
        int ret = MemSwapFs.SwapActivate(sis, file, out span);
        sis.Flags |= SwapFlags.FsOps;
        return ret < 0 ? ret : sis.AddSwapExtent(0, sis.Max, 0);
    }

    // nfs_swap_rw: the file's direct I/O, in the iterator's direction.
    private static int SwapRw(Kiocb iocb, IovIter iter) => (int)MemSwapFs.DirectIO(iter.Direction, iocb, iter.Segments, iocb.Position);

    // iomap_swapfile_activate: an extent per mapped page (merged by add_swap_extent); holes are left out.
    private static int ActivateExtents(SwapInfo sis, OpenFile file, out ulong span)
    {
        var blocks = (ulong[])file.Inode.Private!;
        int extents = 0;
        ulong lowest = ulong.MaxValue;
        ulong highest = 0;
        for (ulong page = 0; page < (ulong)blocks.Length && page < sis.Max; page++)
        {
            if (blocks[page] == 0)
            {
                continue;
            }
            lowest = Math.Min(lowest, blocks[page]);
            highest = Math.Max(highest, blocks[page]);
            extents += sis.AddSwapExtent(page, 1, blocks[page]);
        }
        span = extents > 0 ? highest - lowest + 1 : 0;
        return extents;
    }

    private static void DeactivateExtents(OpenFile file) => Interlocked.Increment(ref s_extentDeactivations);
}

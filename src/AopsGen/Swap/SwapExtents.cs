using System.Collections.Generic;

namespace AopsGen;

/// <summary>include/linux/swap.h: <c>struct swap_extent</c>: <see cref="NrPages"/> slots from
/// <see cref="StartPage"/> live on the device from page-sized block <see cref="StartBlock"/> on.</summary>
public readonly record struct SwapExtent(ulong StartPage, ulong NrPages, ulong StartBlock);

public sealed partial class SwapInfo
{
    private readonly List<SwapExtent> _extents = new();

    /// <summary>The area's extents in slot order (one covering everything for SWP_FILE, SWP_FS_OPS and SWP_BLKDEV areas).</summary>
    public IReadOnlyList<SwapExtent> Extents => _extents;

    /// <summary>
    /// mm/swapfile.c <c>add_swap_extent</c>: map <paramref name="nrPages"/> slots from
    /// <paramref name="startPage"/> to the device from <paramref name="startBlock"/>; merged into the last extent
    /// when it continues it on both sides. Returns 0 when merged, 1 when a new extent was added.
    /// </summary>
    public int AddSwapExtent(ulong startPage, ulong nrPages, ulong startBlock)
    {
        if (_extents.Count > 0)
        {
            SwapExtent last = _extents[^1];
            if (last.StartPage + last.NrPages == startPage && last.StartBlock + last.NrPages == startBlock)
            {
                _extents[^1] = last with { NrPages = last.NrPages + nrPages };
                return 0;
            }
        }
        _extents.Add(new SwapExtent(startPage, nrPages, startBlock));
        return 1;
    }

    /// <summary><c>destroy_swap_extents</c>, the list part.</summary>
    internal void ClearExtents() => _extents.Clear();

    /// <summary><c>map_swap_entry</c>: the device block (in pages) that slot <paramref name="offset"/> lives in,
    /// or null when no extent covers it.</summary>
    public ulong? MapSwapPage(ulong offset)
    {
        int low = 0;
        int high = _extents.Count - 1;
        while (low <= high)
        {
            int middle = (low + high) >> 1;
            SwapExtent extent = _extents[middle];
            if (offset < extent.StartPage)
            {
                high = middle - 1;
            }
            else if (offset >= extent.StartPage + extent.NrPages)
            {
                low = middle + 1;
            }
            else
            {
                return extent.StartBlock + (offset - extent.StartPage);
            }
        }
        return null;
    }
}

namespace AopsGen;

/// <summary>mm/page_io.c: how swap pages reach the disk. For now the extent walk of swapon.</summary>
public sealed partial class SwapCore
{
    /// <summary>
    /// mm/page_io.c:90 <c>generic_swapfile_activate</c>: walk the file page by page with <c>bmap</c>. A block of 0
    /// is a hole: "swapon: swapfile has holes", -EINVAL. A page whose first block is not page-aligned on the device,
    /// or whose blocks are not contiguous, is skipped (the walk moves on by one block), as the kernel does;
    /// contiguous pages merge into extents. The area shrinks to the pages found. Returns the number of extents.
    /// </summary>
    private int GenericSwapfileActivate(SwapInfo area, File file)
    {
        Inode inode = file.Inode;
        AddressSpaceOperations aops = file.Mapping.Aops;
        int blkbits = inode.BlockBits;
        ulong blocksPerPage = 1UL << (Page.Shift - blkbits);
        ulong lastBlock = (ulong)inode.Size >> blkbits;
        ulong probeBlock = 0;
        uint pageNo = 0;
        ulong lowestBlock = ulong.MaxValue;
        ulong highestBlock = 0;
        int extents = 0;

        while (probeBlock + blocksPerPage <= lastBlock && pageNo < area.Max)
        {
            ulong first = AopsCalls.Bmap(aops, file.Mapping, probeBlock);
            if (first == 0)
            {
                return Hole();
            }
            if ((first & (blocksPerPage - 1)) != 0)
            {
                probeBlock++;
                continue;
            }
            bool contiguous = true;
            for (ulong k = 1; k < blocksPerPage; k++)
            {
                ulong block = AopsCalls.Bmap(aops, file.Mapping, probeBlock + k);
                if (block == 0)
                {
                    return Hole();
                }
                if (block != first + k)
                {
                    contiguous = false;
                    break;
                }
            }
            if (!contiguous)
            {
                probeBlock++;
                continue;
            }
            first >>= Page.Shift - blkbits;
            if (pageNo > 0)
            {
                lowestBlock = Math.Min(lowestBlock, first);
                highestBlock = Math.Max(highestBlock, first);
            }
            extents += area.AddSwapExtent(pageNo, 1, first);
            pageNo++;
            probeBlock += blocksPerPage;
        }

        if (pageNo == 0)
        {
            pageNo = 1;
        }
        area.Span = pageNo > 1 ? 1 + highestBlock - lowestBlock : 0;
        if (pageNo < area.Max)
        {
            area.ShrinkTo(pageNo);
        }
        return extents;

        int Hole()
        {
            Log.Print(KernelLogLevel.Error, "swapon: swapfile has holes");
            return Errnos.Neg(Errno.EINVAL);
        }
    }
}

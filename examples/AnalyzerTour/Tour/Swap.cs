using System;
using AopsGen;

namespace AnalyzerTour;

/// <summary>AOPS005: swap_activate sets SWP_FS_OPS, so every swap read and write would go to swap_rw — which the table
/// lacks; swapon refuses the file.</summary>
[AddressSpaceOperations("fs_ops_no_rw_aops")]
public static partial class FsOpsWithoutSwapRwFs
{
    /// <summary>readpage: the swap header.</summary>
    [ReadPage]
    public static int ReadPage(OpenFile file, Page page) => 0;

    /// <summary>direct_IO: not what an SWP_FS_OPS area uses.</summary>
    [DirectIO]
    public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) => 0;

    /// <summary>swap_activate: one extent, SWP_FS_OPS.</summary>
    [SwapActivate]
    public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span) // AOPS005
    {
        span = sis.Pages;
        sis.Flags |= SwapFlags.FsOps;
        return sis.AddSwapExtent(0, sis.Max, 0);
    }
}

/// <summary>AOPS006: an SWP_FILE activation (it neither sets SWP_FS_OPS nor adds extents) with no direct_IO to write
/// swap pages: swapon refuses the file.</summary>
[AddressSpaceOperations("no_write_aops")]
public static partial class NoWriteFs
{
    /// <summary>readpage: swap-in.</summary>
    [ReadPage]
    public static int ReadPage(OpenFile file, Page page) => 0;

    /// <summary>swap_activate.</summary>
    [SwapActivate]
    public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span) // AOPS006
    {
        span = 0;
        return 0;
    }

    /// <summary>swap_deactivate.</summary>
    [SwapDeactivate]
    public static void SwapDeactivate(OpenFile file)
    {
    }
}

/// <summary>AOPS008 and AOPS011: a complete swap-capable table whose I/O ops allocate and throw.</summary>
[AddressSpaceOperations("careless_aops")]
public static partial class CarelessFs
{
    /// <summary>readpage: reports a missing page by throwing instead of returning -EIO.</summary>
    [ReadPage]
    public static int ReadPage(OpenFile file, Page page)
    {
        if (page.Mapping is null)
        {
            throw new InvalidOperationException("page has no mapping"); // AOPS011
        }
        return 0;
    }

    /// <summary>direct_IO: allocates a bounce buffer for every page it writes.</summary>
    [DirectIO]
    public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset)
    {
        byte[] bounce = new byte[Page.Size]; // AOPS008
        return bounce.Length;
    }

    /// <summary>swap_activate.</summary>
    [SwapActivate]
    public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span)
    {
        span = 0;
        return 0;
    }

    /// <summary>swap_deactivate.</summary>
    [SwapDeactivate]
    public static void SwapDeactivate(OpenFile file)
    {
    }
}

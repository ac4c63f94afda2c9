using System;
using AopsGen;

namespace AnalyzerTour;

/// <summary>AOPS005: activation pins something that nothing releases at swapoff.</summary>
[AddressSpaceOperations("no_deactivate_aops")]
public static partial class NoDeactivateFs
{
    /// <summary>readpage: swap-in.</summary>
    [ReadPage]
    public static int ReadPage(OpenFile file, Page page) => 0;

    /// <summary>direct_IO: swap-out.</summary>
    [DirectIO]
    public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) => 0;

    /// <summary>swap_activate, with no swap_deactivate to undo it.</summary>
    [SwapActivate]
    public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span) // AOPS005
    {
        span = 0;
        return 0;
    }
}

/// <summary>AOPS006: swapon succeeds, then every swap-out fails: there is no direct_IO (nor swap_rw).</summary>
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

using AopsGen.Swap;

namespace AopsGen.Examples;

/// <summary>
/// RamFs with the 5.19+ swap contract, a second table over the same files (<c>ramfs_swaprw_aops</c>): its
/// <c>swap_activate</c> adds one extent over the file and sets SWP_FS_OPS, so the swap core reads and writes every
/// batch of swap pages with <c>swap_rw</c> (as NFS does since 5.19) and calls neither <c>readpage</c> nor
/// <c>direct_IO</c> for swap. The page-cache ops are RamFs's. <c>aops demo --fs ram-swaprw</c> swaps to it.
/// </summary>
[AddressSpaceOperations("ramfs_swaprw_aops")]
public static partial class RamFsSwapRw
{
    /// <summary><c>readpage</c>: RamFs's (swapon reads the header with it).</summary>
    [ReadPage]
    public static int ReadPage(OpenFile file, Page page) => RamFs.ReadPage(file, page);

    /// <summary><c>writepage</c>: RamFs's.</summary>
    [WritePage]
    public static int WritePage(Page page, WritebackControl wbc) => RamFs.WritePage(page, wbc);

    /// <summary><c>set_page_dirty</c>: RamFs's.</summary>
    [SetPageDirty]
    public static bool SetPageDirty(Page page) => RamFs.SetPageDirty(page);

    /// <summary><c>write_begin</c>: RamFs's.</summary>
    [WriteBegin]
    public static int WriteBegin(OpenFile file, AddressSpace mapping, long pos, uint len, uint flags, out Page? page, out object? fsData)
        => RamFs.WriteBegin(file, mapping, pos, len, flags, out page, out fsData);

    /// <summary><c>write_end</c>: RamFs's.</summary>
    [WriteEnd]
    public static int WriteEnd(OpenFile file, AddressSpace mapping, long pos, uint len, uint copied, Page page, object? fsData)
        => RamFs.WriteEnd(file, mapping, pos, len, copied, page, fsData);

    /// <summary><c>swap_activate</c> (5.19+ shape, as <c>nfs_swap_activate</c>): one extent over the file, SWP_FS_OPS;
    /// returns the extents added.</summary>
    [SwapActivate]
    public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span)
    {
        RamFs.SwapActivate(sis, file, out span);
        sis.Flags |= SwapFlags.FsOps;
        return sis.AddSwapExtent(0, sis.Max, 0);
    }

    /// <summary><c>swap_deactivate</c>: RamFs's.</summary>
    [SwapDeactivate]
    public static void SwapDeactivate(OpenFile file) => RamFs.SwapDeactivate(file);

    /// <summary><c>swap_rw</c>: a batch of swap pages, read or written at the kiocb's position with RamFs's direct
    /// copy. Returns the bytes moved or -errno.</summary>
    [SwapRw]
    public static int SwapRw(Kiocb iocb, IovIter iter) => (int)RamFs.DirectIO(iter.Direction, iocb, iter.Segments, iocb.Position);
}

namespace AopsGen.Block;

/// <summary>
/// fs/block_dev.c: <c>def_blk_aops</c>, the ops of a block device node's mapping. swapon reads the swap header of
/// a block device through its <c>readpage</c>; the swap I/O of an SWP_BLKDEV area goes to the device directly.
/// </summary>
[AddressSpaceOperations("def_blk_aops")]
internal static partial class BlockDevAops
{
    /// <summary><c>blkdev_readpage</c>: the page at <see cref="Page.FileOffset"/> from the device; Uptodate on
    /// success, unlocked either way.</summary>
    [ReadPage]
    internal static int ReadPage(OpenFile file, Page page)
    {
        BlockDevice device = file.Inode.Bdev!;
        IoVec segment = IoVec.ForPage(page);
        long done = device.Read(new ReadOnlySpan<IoVec>(in segment), page.FileOffset);
        if (done == Page.Size)
        {
            page.Set(PageFlags.Uptodate);
        }
        page.Unlock();
        return done == Page.Size ? 0 : (done < 0 ? (int)done : Errnos.Neg(Errno.EIO));
    }

    /// <summary><c>blkdev_direct_IO</c>: a vectored read or write of the device at <paramref name="offset"/>.</summary>
    [DirectIO]
    internal static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset)
    {
        BlockDevice device = iocb.File!.Inode.Bdev!;
        return (rw & Rw.Write) != 0 ? device.Write(iov, offset) : device.Read(iov, offset);
    }
}

namespace AopsGen.Benchmarks.Scale;

/// <summary>
/// A swap file on a block-mapped filesystem over an O_DIRECT image (the extent path): its pages are written
/// straight to the device, as in Linux. Its page n sits at device block n + 1 (bmap's 0 means a hole).
/// </summary>
[AddressSpaceOperations("imagefs_aops")]
internal static unsafe partial class ImageFs
{
    [ReadPage]
    public static int ReadPage(OpenFile file, Page page)
    {
        IoVec segment = IoVec.ForPage(page);
        long done = file.Inode.SuperBlock.Device!.Read(new ReadOnlySpan<IoVec>(in segment), page.FileOffset + Page.Size);
        if (done == Page.Size)
        {
            page.Set(PageFlags.Uptodate);
        }
        page.Unlock();
        return done == Page.Size ? 0 : Errnos.Neg(Errno.EIO);
    }

    [Bmap]
    public static ulong Bmap(AddressSpace mapping, ulong block) => block + 1;
}

using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Tests;

/// <summary>
/// A block-mapped filesystem for the swap-core tests: a file's pages live on a <see cref="BlockDevice"/> at
/// the page-sized blocks of its map (<c>Inode.Private</c>); it has <c>readpage</c> and <c>bmap</c> and no
/// <c>swap_activate</c>, so swap files on it take the generic bmap/extent path and their I/O goes straight to
/// the device.
/// </summary>
[AddressSpaceOperations("blockswapfs_aops")]
internal static unsafe partial class BlockSwapFs
{
    /// <summary>Creates <paramref name="path"/> with its pages at <paramref name="blocks"/> of the superblock's
    /// device, formatted by <see cref="Mkswap"/>.</summary>
    public static Inode CreateSwapFile(MountNamespace vfs, SuperBlock sb, ulong number, string path, ulong[] blocks, AddressSpaceOperations? aops = null)
    {
        using var header = new PageFrames(1);
        Page page = header.AllocZeroed()!;
        long size = (long)blocks.Length << Page.Shift;
        if (!Mkswap.Format(page.Bytes, size, new MkswapOptions { Label = "blockswap" }).Succeeded)
        {
            throw new InvalidOperationException("mkswap failed");
        }
        IoVec segment = IoVec.ForPage(page);
        long written = sb.Device!.Write(new ReadOnlySpan<IoVec>(in segment), (long)(blocks[0] << Page.Shift));
        if (written != Page.Size)
        {
            throw new InvalidOperationException($"header write: {written}");
        }
        header.Free(page);
        var inode = new Inode(sb, number, FileType.Regular, 0x180, aops ?? Operations) { Size = size, Blocks = size / 512, Private = blocks };
        int error = vfs.Create(path, inode, Credentials.Root);
        if (error != 0)
        {
            throw new InvalidOperationException($"create {path}: {error}");
        }
        return inode;
    }

    [ReadPage]
    public static int ReadPage(OpenFile file, Page page)
    {
        var blocks = (ulong[])file.Inode.Private!;
        int error = 0;
        if (page.FileIndex >= (ulong)blocks.Length)
        {
            error = Errnos.Neg(Errno.EIO);
        }
        else
        {
            IoVec segment = IoVec.ForPage(page);
            long done = file.Inode.SuperBlock.Device!.Read(new ReadOnlySpan<IoVec>(in segment), (long)(blocks[page.FileIndex] << Page.Shift));
            error = done == Page.Size ? 0 : Errnos.Neg(Errno.EIO);
        }
        if (error == 0)
        {
            page.Set(PageFlags.Uptodate);
        }
        page.Unlock();
        return error;
    }

    [Bmap]
    public static ulong Bmap(AddressSpace mapping, ulong block)
    {
        var blocks = (ulong[])mapping.Host!.Private!;
        return block < (ulong)blocks.Length ? blocks[block] : 0;
    }
}

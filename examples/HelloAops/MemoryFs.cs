using System;
using AopsGen;

namespace HelloAops;

/// <summary>
/// A filesystem whose files live in a byte array: readpage copies from it, writepage and direct_IO copy
/// into it. The attributes declare its address_space_operations; the generator builds
/// <c>MemoryFs.Operations</c> from them.
/// </summary>
[AddressSpaceOperations("memory_fs_aops")]
public static partial class MemoryFs
{
    /// <summary>The backing store of the one file this example uses.</summary>
    public static byte[] Store { get; } = new byte[16 * Page.Size];

    /// <summary>readpage: fill a locked page from the store, mark it uptodate, unlock it.</summary>
    [ReadPage]
    public static int ReadPage(OpenFile file, Page page)
    {
        Store.AsSpan((int)page.Index * Page.Size, Page.Size).CopyTo(page.Bytes);
        page.Set(PageFlags.Uptodate);
        page.Unlock();
        return 0;
    }

    /// <summary>writepage: copy the page to the store; the write is done at once, so writeback ends at once.</summary>
    [WritePage]
    public static int WritePage(Page page, WritebackControl wbc)
    {
        page.SetWriteback();
        page.Unlock();
        page.Bytes.CopyTo(Store.AsSpan((int)page.Index * Page.Size, Page.Size));
        page.EndWriteback();
        return 0;
    }

    /// <summary>direct_IO: copy between the segments and the store at <paramref name="offset"/>.</summary>
    [DirectIO]
    public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset)
    {
        long done = 0;
        foreach (IoVec segment in iov)
        {
            Span<byte> file = Store.AsSpan((int)(offset + done), (int)segment.Length);
            if ((rw & Rw.Write) != 0)
            {
                segment.AsSpan().CopyTo(file);
            }
            else
            {
                file.CopyTo(segment.AsSpan());
            }
            done += (long)segment.Length;
        }
        return done;
    }
}

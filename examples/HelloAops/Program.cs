using System;
using AopsGen;
using HelloAops;
using AopsGen.Mm;
// The generated table: which ops MemoryFs declared, and the NULL default of every other one.
AddressSpaceOperations aops = MemoryFs.Operations;
Console.WriteLine(aops);
Console.Write(aops.Describe());

using var frames = new PageFrames(2);
var sb = new SuperBlock("memoryfs", Page.Size);
var inode = new Inode(sb, number: 1, FileType.Regular, permissions: 0x180 /* 0600 */, aops) { Size = MemoryFs.Store.Length };
var file = new OpenFile("/hello", inode, OpenFlags.ReadWrite);

// direct_IO through the table writes "hello, aops" at page 3, as swap_writepage writes a swap page.
Page page = frames.Alloc()!;
"hello, aops"u8.CopyTo(page.Bytes);
var kiocb = new Kiocb().Init(file, position: 3 * Page.Size, nbytes: Page.Size);
long written = AopsCalls.DirectIO(inode.Mapping.Aops, Rw.KernelWrite, kiocb, [IoVec.ForPage(page)], kiocb.Position);
Console.WriteLine($"direct_IO(KERNEL_WRITE) at page 3: {written} bytes");

// readpage through the table brings it back into another frame, as swap_readpage does.
Page copy = frames.Alloc()!;
copy.Index = 3;
copy.Lock();
int read = AopsCalls.ReadPage(inode.Mapping.Aops, file, copy);
Console.WriteLine($"readpage of page 3: {read}, uptodate {copy.IsUptodate}, data \"{System.Text.Encoding.ASCII.GetString(copy.Bytes[..11])}\"");

// An op MemoryFs left out gets the kernel's NULL default: bmap answers 0, a hole to the swap core.
Console.WriteLine($"bmap (not declared): {AopsCalls.Bmap(aops, inode.Mapping, 3)}");

// The same op through the compile-time form: a direct call the JIT can inline.
Console.WriteLine($"StaticOps readpage with the page locked again: {ReadThrough<MemoryFs.StaticOps>(file, Relock(copy))}");

static int ReadThrough<TOps>(OpenFile file, Page page) where TOps : struct, IAddressSpaceOperations<TOps> => TOps.ReadPage(file, page);

static Page Relock(Page page)
{
    page.Lock();
    return page;
}

using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Tests;

/// <summary>
/// The swap-core tests' filesystem, declared with the attributes as a user's would be: each file's bytes
/// live in native memory (<see cref="FileData"/> in <c>Inode.Private</c>), so <c>direct_IO</c> copies
/// between page frames and the file without managed allocation. <c>swap_activate</c> makes it an SWP_FILE
/// area. Each file's <see cref="FileData"/> counts the calls and injects faults (failed or short writes,
/// failed reads).
/// </summary>
[AddressSpaceOperations("memswapfs_aops")]
internal static unsafe partial class MemSwapFs
{
    /// <summary>One file: its bytes, what was called, and the faults to inject.</summary>
    internal sealed class FileData : IDisposable
    {
        public FileData(long size)
        {
            Size = size;
            Data = (byte*)NativeMemory.AllocZeroed((nuint)size);
        }

        public byte* Data { get; private set; }
        public long Size { get; }
        public Span<byte> PageBytes(long pageIndex) => new(Data + (pageIndex << Page.Shift), Page.Size);

        public int ActivateResult;
        public int Activations;
        public int Deactivations;
        public int DirectIoWrites;
        public int ReadPages;
        /// <summary>Segments of each direct_IO write, in order.</summary>
        public readonly List<int> WriteBatches = new();
        /// <summary>File position of each direct_IO write, in order.</summary>
        public readonly List<long> WritePositions = new();
        public bool RecordBatches = true;
        /// <summary>The next this many direct_IO writes fail with -EIO.</summary>
        public int FailWrites;
        /// <summary>The next this many direct_IO writes write one page less than asked (a short write).</summary>
        public int ShortWrites;
        /// <summary>The next this many reads (readpage, or a direct_IO read) fail with -EIO.</summary>
        public int FailReads;
        /// <summary>The next this many direct_IO reads read one page less than asked (a short read).</summary>
        public int ShortReads;
        /// <summary>direct_IO reads so far, and the segments of the last one.</summary>
        public int DirectIoReads;
        public int LastReadSegments;
        /// <summary>Called at the start of every direct_IO write, on the writing thread.</summary>
        public Action? OnWrite;
        /// <summary>Called at the start of every read (readpage, or a direct_IO read), on the reading thread.</summary>
        public Action? OnRead;

        public void Dispose()
        {
            NativeMemory.Free(Data);
            Data = null;
        }
    }

    /// <summary>Creates <paramref name="path"/> as a file of <paramref name="pages"/> pages formatted by
    /// <see cref="Mkswap"/>, mode 0600, owned by root.</summary>
    public static Inode CreateSwapFile(MountNamespace vfs, SuperBlock sb, ulong number, string path, int pages, AddressSpaceOperations? aops = null)
    {
        var data = new FileData((long)pages << Page.Shift);
        if (!Mkswap.Format(data.PageBytes(0), data.Size, new MkswapOptions { Label = "memswap" }).Succeeded)
        {
            throw new InvalidOperationException("mkswap failed");
        }
        var inode = new Inode(sb, number, FileType.Regular, 0x180, aops ?? Operations) { Size = data.Size, Blocks = data.Size / 512, Private = data };
        int error = vfs.Create(path, inode, Credentials.Root);
        if (error != 0)
        {
            throw new InvalidOperationException($"create {path}: {error}");
        }
        return inode;
    }

    public static FileData Of(OpenFile file) => (FileData)file.Inode.Private!;

    [ReadPage]
    public static int ReadPage(OpenFile file, Page page)
    {
        FileData data = Of(file);
        Interlocked.Increment(ref data.ReadPages);
        data.OnRead?.Invoke();
        if (data.FailReads > 0 && Interlocked.Decrement(ref data.FailReads) >= 0)
        {
            page.Unlock();
            return Errnos.Neg(Errno.EIO);
        }
        if (page.FileOffset + Page.Size > data.Size)
        {
            page.Unlock();
            return Errnos.Neg(Errno.EIO);
        }
        data.PageBytes((long)page.FileIndex).CopyTo(page.Bytes);
        page.Set(PageFlags.Uptodate);
        page.Unlock();
        return 0;
    }

    [DirectIO]
    public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset)
    {
        FileData data = Of(iocb.File!);
        long length = IoVec.TotalLength(iov);
        if (offset < 0 || offset + length > data.Size)
        {
            return Errnos.Neg(Errno.EINVAL);
        }
        if ((rw & Rw.Write) != 0)
        {
            Interlocked.Increment(ref data.DirectIoWrites);
            data.OnWrite?.Invoke();
            if (data.RecordBatches)
            {
                lock (data.WriteBatches)
                {
                    data.WriteBatches.Add(iov.Length);
                    data.WritePositions.Add(offset);
                }
            }
            if (data.FailWrites > 0 && Interlocked.Decrement(ref data.FailWrites) >= 0)
            {
                return Errnos.Neg(Errno.EIO);
            }
            int segments = iov.Length;
            if (data.ShortWrites > 0 && Interlocked.Decrement(ref data.ShortWrites) >= 0)
            {
                segments--;
            }
            long position = offset;
            for (int i = 0; i < segments; i++)
            {
                iov[i].AsSpan().CopyTo(new Span<byte>(data.Data + position, (int)iov[i].Length));
                position += (long)iov[i].Length;
            }
            return position - offset;
        }
        Interlocked.Increment(ref data.DirectIoReads);
        data.OnRead?.Invoke();
        data.LastReadSegments = iov.Length;
        if (data.FailReads > 0 && Interlocked.Decrement(ref data.FailReads) >= 0)
        {
            return Errnos.Neg(Errno.EIO);
        }
        if (data.ShortReads > 0 && Interlocked.Decrement(ref data.ShortReads) >= 0)
        {
            iov = iov[..^1];
        }
        long at = offset;
        foreach (IoVec segment in iov)
        {
            new ReadOnlySpan<byte>(data.Data + at, (int)segment.Length).CopyTo(segment.AsSpan());
            at += (long)segment.Length;
        }
        return at - offset;
    }

    [SwapActivate]
    public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span)
    {
        FileData data = Of(file);
        span = sis.Pages;
        Interlocked.Increment(ref data.Activations);
        return data.ActivateResult;
    }

    [SwapDeactivate]
    public static void SwapDeactivate(OpenFile file) => Interlocked.Increment(ref Of(file).Deactivations);

    [SetPageDirty]
    public static bool SetPageDirty(Page page)
    {
        Interlocked.Increment(ref s_setPageDirtyCalls);
        return !page.TestAndSet(PageFlags.Dirty);
    }

    private static int s_setPageDirtyCalls;

    /// <summary>Calls of set_page_dirty so far, over all files (the op has no file to count on).</summary>
    public static int SetPageDirtyCalls => Volatile.Read(ref s_setPageDirtyCalls);
}

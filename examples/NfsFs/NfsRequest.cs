using System.Runtime.InteropServices;
using System.Threading;

namespace AopsGen.Examples;

/// <summary>What a request asks of the server.</summary>
internal enum NfsOp
{
    /// <summary>MOUNT and LOOKUP the file (a new connection).</summary>
    Open,
    /// <summary>MOUNT and CREATE the file, mode 0600.</summary>
    Create,
    /// <summary>MOUNT and REMOVE the file.</summary>
    Remove,
    /// <summary>READ into the segments.</summary>
    Read,
    /// <summary>UNSTABLE WRITE of the gathered bytes (durable after a COMMIT).</summary>
    Write,
    /// <summary>FILE_SYNC WRITE of the gathered bytes: complete only when they are on the server's disk.</summary>
    StableWrite,
    /// <summary>COMMIT.</summary>
    Commit,
    /// <summary>GETATTR.</summary>
    Stat,
    /// <summary>SETATTR of the size.</summary>
    Truncate,
}

/// <summary>
/// One call handed to a connection's service thread — for the swap path the role of fs/nfs/direct.c's
/// <c>struct nfs_direct_req</c>: the transfer, its page segments, and the kiocb to complete. Made once and pooled by
/// its connection, so a swapped page allocates nothing: the bytes of a write are gathered into the request's own
/// native buffer before it is queued (one WRITE per batch, as the kernel's direct write coalesces a batch's pages into
/// wsize requests), and a READ's reply is scattered into a copy of the segments when it arrives.
/// </summary>
internal sealed unsafe class NfsRequest : IDisposable
{
    private readonly GCHandle _self;
    private readonly object _wait = new();
    private nuint _bufferCapacity;
    private int _segmentCapacity;

    public NfsRequest(NfsConnection connection)
    {
        Connection = connection;
        _self = GCHandle.Alloc(this);
    }

    /// <summary>The connection whose service thread runs the request.</summary>
    public NfsConnection Connection { get; }

    /// <summary>The <c>private_data</c> libnfs hands back to the callback.</summary>
    public void* Cookie => (void*)GCHandle.ToIntPtr(_self);

    /// <summary>The request whose cookie this is.</summary>
    public static NfsRequest FromCookie(void* cookie) => (NfsRequest)GCHandle.FromIntPtr((nint)cookie).Target!;

    /// <summary>The next request in the submission queue or the free list.</summary>
    public NfsRequest? Next { get; set; }

    public NfsOp Op { get; set; }

    /// <summary>The file offset; for <see cref="NfsOp.Truncate"/> the new size.</summary>
    public long Offset { get; set; }

    /// <summary>The bytes to move.</summary>
    public long Count { get; private set; }

    /// <summary>A write's bytes.</summary>
    public byte* Buffer { get; private set; }

    /// <summary>A read's destination segments.</summary>
    public IoVec* Segments { get; private set; }

    public int SegmentCount { get; private set; }

    /// <summary>The kiocb to complete (<c>ki_complete</c>), or null when the submitter waits.</summary>
    public Kiocb? Iocb { get; set; }

    /// <summary>The order the service thread sent it in (service thread only).</summary>
    public long Sequence { get; set; }

    /// <summary>Between the asynchronous call and its callback (service thread only).</summary>
    public bool InFlight { get; set; }

    /// <summary>Bytes moved, 0, or -errno.</summary>
    public long Result { get; private set; }

    /// <summary>GETATTR's size and <c>space_used</c>.</summary>
    public long Size { get; set; }

    public long Used { get; set; }

    private bool _done;

    /// <summary>A write: <paramref name="segments"/>' bytes copied into the request's buffer.</summary>
    public void Gather(ReadOnlySpan<IoVec> segments)
    {
        long total = 0;
        foreach (IoVec segment in segments)
        {
            total += (long)segment.Length;
        }
        if ((nuint)total > _bufferCapacity)
        {
            Buffer = (byte*)NativeMemory.Realloc(Buffer, (nuint)total);
            _bufferCapacity = (nuint)total;
        }
        long at = 0;
        foreach (IoVec segment in segments)
        {
            NativeMemory.Copy((void*)segment.Base, Buffer + at, segment.Length);
            at += (long)segment.Length;
        }
        Count = total;
    }

    /// <summary>A read: where its bytes go.</summary>
    public void Target(ReadOnlySpan<IoVec> segments)
    {
        if (segments.Length > _segmentCapacity)
        {
            Segments = (IoVec*)NativeMemory.Realloc(Segments, (nuint)(segments.Length * sizeof(IoVec)));
            _segmentCapacity = segments.Length;
        }
        long total = 0;
        for (int i = 0; i < segments.Length; i++)
        {
            Segments[i] = segments[i];
            total += (long)segments[i].Length;
        }
        SegmentCount = segments.Length;
        Count = total;
    }

    /// <summary>A READ's reply: its <paramref name="length"/> bytes copied into the segments in order.</summary>
    public void Scatter(byte* data, long length)
    {
        for (int i = 0; i < SegmentCount && length > 0; i++)
        {
            long n = Math.Min(length, (long)Segments[i].Length);
            NativeMemory.Copy(data, (void*)Segments[i].Base, (nuint)n);
            data += n;
            length -= n;
        }
    }

    /// <summary>Ready for reuse: no result yet.</summary>
    public NfsRequest Reset(NfsOp op, long offset)
    {
        Op = op;
        Offset = offset;
        Count = 0;
        SegmentCount = 0;
        Iocb = null;
        Result = 0;
        _done = false;
        return this;
    }

    /// <summary>The result, waking the submitter that waits for it.</summary>
    public void Finish(long result)
    {
        lock (_wait)
        {
            Result = result;
            _done = true;
            Monitor.Pulse(_wait);
        }
    }

    /// <summary>Sleeps until <see cref="Finish"/>; returns the result.</summary>
    public long Wait()
    {
        lock (_wait)
        {
            while (!_done)
            {
                Monitor.Wait(_wait);
            }
            return Result;
        }
    }

    public void Dispose()
    {
        NativeMemory.Free(Buffer);
        NativeMemory.Free(Segments);
        Buffer = null;
        Segments = null;
        _self.Free();
    }
}

using System.Runtime.InteropServices;

namespace AopsGen;

/// <summary>
/// include/uapi/linux/uio.h: <c>struct iovec</c>, one segment of a vectored transfer. Laid out exactly as
/// the C struct (pointer, size_t), so a span of them goes to <c>pwritev</c>/<c>preadv</c> as it is.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public readonly struct IoVec
{
    /// <summary>A segment of <paramref name="length"/> bytes at <paramref name="address"/>.</summary>
    public IoVec(nint address, nuint length)
    {
        Base = address;
        Length = length;
    }

    /// <summary><c>iov_base</c>.</summary>
    public nint Base { get; }

    /// <summary><c>iov_len</c>.</summary>
    public nuint Length { get; }

    /// <summary>The segment covering all of <paramref name="page"/>'s data (<c>kmap(page)</c>, PAGE_SIZE).</summary>
    public static unsafe IoVec ForPage(Page page) => new((nint)page.Data, Page.Size);

    /// <summary>The segment's bytes; no copy.</summary>
    public unsafe Span<byte> AsSpan() => new((void*)Base, checked((int)Length));

    /// <summary>Total bytes in <paramref name="segments"/> (<c>iov_length</c>).</summary>
    public static long TotalLength(ReadOnlySpan<IoVec> segments)
    {
        long total = 0;
        foreach (IoVec segment in segments)
        {
            total += (long)segment.Length;
        }
        return total;
    }
}

/// <summary>
/// include/linux/uio.h: <c>struct iov_iter</c> in the form <c>swap_rw</c> (Linux 5.19+) receives: a
/// direction, the segments, and the byte count. A ref struct: it lives on the caller's stack.
/// </summary>
public readonly ref struct IovIter
{
    /// <summary>An iterator over <paramref name="segments"/> in direction <paramref name="direction"/>.</summary>
    public IovIter(Rw direction, ReadOnlySpan<IoVec> segments)
    {
        Direction = direction;
        Segments = segments;
        Count = IoVec.TotalLength(segments);
    }

    /// <summary><c>ITER_SOURCE</c> (a write) or <c>ITER_DEST</c> (a read).</summary>
    public Rw Direction { get; }

    /// <summary>The segments (<c>bvec</c> in the swap path).</summary>
    public ReadOnlySpan<IoVec> Segments { get; }

    /// <summary><c>iov_iter_count</c>: bytes left.</summary>
    public long Count { get; }
}

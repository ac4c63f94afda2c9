using System.Runtime.CompilerServices;
using Xunit;
using AopsGen.Mm;

namespace AopsGen.Tests;

public sealed unsafe class IoVecTests
{
    [Fact]
    public void IoVec_is_16_bytes_like_struct_iovec()
    {
        Assert.Equal(16, Unsafe.SizeOf<IoVec>());
        Assert.Equal(16, sizeof(IoVec));
    }

    [Fact]
    public void IoVec_has_Base_at_offset_0_and_Length_at_offset_8()
    {
        var iov = new IoVec(unchecked((nint)0x1122334455667788), unchecked((nuint)0x99AABBCCDDEEFF00));
        byte* raw = (byte*)&iov;
        Assert.Equal(iov.Base, *(nint*)raw);
        Assert.Equal(iov.Length, *(nuint*)(raw + 8));
        Assert.Equal(unchecked((nint)0x1122334455667788), iov.Base);
        Assert.Equal(unchecked((nuint)0x99AABBCCDDEEFF00), iov.Length);
    }

    [Fact]
    public void ForPage_covers_the_whole_page()
    {
        using var frames = new PageFrames(1);
        Page page = frames.Alloc()!;
        IoVec iov = IoVec.ForPage(page);
        Assert.Equal((nint)page.Data, iov.Base);
        Assert.Equal((nuint)Page.Size, iov.Length);

        Span<byte> bytes = iov.AsSpan();
        Assert.Equal(Page.Size, bytes.Length);
        bytes[Page.Size - 1] = 0x42;
        Assert.Equal(0x42, page.Bytes[Page.Size - 1]);
    }

    [Fact]
    public void TotalLength_sums_the_segments()
    {
        IoVec[] segments = [new IoVec(0x1000, 4096), new IoVec(0x3000, 512), new IoVec(0x5000, 0), new IoVec(0x9000, 8192)];
        Assert.Equal(4096 + 512 + 8192, IoVec.TotalLength(segments));
        Assert.Equal(0, IoVec.TotalLength(ReadOnlySpan<IoVec>.Empty));
    }

    [Fact]
    public void IovIter_carries_direction_segments_and_byte_count()
    {
        IoVec[] segments = [new IoVec(0x1000, 4096), new IoVec(0x3000, 4096)];
        var iter = new IovIter(Rw.KernelWrite, segments);
        Assert.Equal(Rw.KernelWrite, iter.Direction);
        Assert.Equal(2, iter.Segments.Length);
        Assert.Equal(8192, iter.Count);
    }

    [Fact]
    public void Rw_values_match_the_kernels()
    {
        Assert.Equal(0, (int)Rw.Read);
        Assert.Equal(1, (int)Rw.Write);
        Assert.Equal(1 << 20, (int)Rw.Kernel);
        Assert.Equal(Rw.Write | Rw.Kernel, Rw.KernelWrite);
        Assert.Equal(Rw.Kernel, Rw.KernelRead);
    }
}

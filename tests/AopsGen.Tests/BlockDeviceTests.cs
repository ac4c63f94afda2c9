using Xunit;
using AopsGen.Block;
using AopsGen.Mm;

namespace AopsGen.Tests;

/// <summary>Block/BlockDevice: an image file opened with O_DIRECT, vectored positioned I/O from page frames,
/// errors as negative errno values.</summary>
public sealed class BlockDeviceTests : IDisposable
{
    private readonly TempBlockDevice _disk = new(64 << Page.Shift);
    private readonly PageFrames _frames = new(8);

    public void Dispose()
    {
        _frames.Dispose();
        _disk.Dispose();
    }

    [Fact]
    public void An_image_on_a_filesystem_that_supports_it_is_opened_with_O_DIRECT()
    {
        Assert.True(_disk.Device.IsDirect);
        Assert.Equal(64L << Page.Shift, _disk.Device.Size);
        Assert.Equal(7u, _disk.Device.Major);
    }

    [Fact]
    public void Opening_a_missing_image_is_ENOENT()
    {
        Assert.Equal(Errnos.Neg(Errno.ENOENT), BlockDevice.Open("/nonexistent/disk.img", out BlockDevice? device));
        Assert.Null(device);
    }

    [Fact]
    public void A_vectored_write_of_several_pages_reads_back_page_for_page()
    {
        Span<IoVec> segments = stackalloc IoVec[3];
        for (int i = 0; i < 3; i++)
        {
            Page page = _frames.Alloc()!;
            SwapMachine.Fill(page.Bytes, 8, i);
            segments[i] = IoVec.ForPage(page);
        }

        Assert.Equal(3L * Page.Size, _disk.Device.Write(segments, 5L << Page.Shift));

        Span<IoVec> back = stackalloc IoVec[3];
        for (int i = 0; i < 3; i++)
        {
            back[i] = IoVec.ForPage(_frames.AllocZeroed()!);
        }
        Assert.Equal(3L * Page.Size, _disk.Device.Read(back, 5L << Page.Shift));
        for (int i = 0; i < 3; i++)
        {
            Assert.True(SwapMachine.Verify(back[i].AsSpan(), 8, i));
        }
        Assert.Equal(0, _disk.Device.Flush());
    }

    [Fact]
    public void IO_past_the_end_of_the_device_is_EIO_and_a_closed_device_is_ENXIO()
    {
        IoVec segment = IoVec.ForPage(_frames.Alloc()!);
        Assert.Equal(Errnos.Neg(Errno.EIO), _disk.Device.Write(new ReadOnlySpan<IoVec>(in segment), 64L << Page.Shift));
        Assert.Equal(Errnos.Neg(Errno.EINVAL), _disk.Device.Read(new ReadOnlySpan<IoVec>(in segment), -4096));

        _disk.Device.Dispose();

        Assert.Equal(Errnos.Neg(Errno.ENXIO), _disk.Device.Read(new ReadOnlySpan<IoVec>(in segment), 0));
    }
}

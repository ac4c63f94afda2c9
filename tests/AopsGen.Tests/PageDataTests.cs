using System.Linq;
using Xunit;
using AopsGen.Mm;

namespace AopsGen.Tests;

public sealed unsafe class PageDataTests : IDisposable
{
    private readonly PageFrames _frames = new(16);

    public void Dispose() => _frames.Dispose();

    [Fact]
    public void Page_size_and_shift_are_the_kernels()
    {
        Assert.Equal(4096, Page.Size);
        Assert.Equal(12, Page.Shift);
        Assert.Equal(Page.Size, 1 << Page.Shift);
    }

    [Fact]
    public void Every_frames_data_is_page_aligned()
    {
        for (int i = 0; i < _frames.Count; i++)
        {
            Assert.Equal(0, (nint)_frames[i].Data % Page.Size);
        }
    }

    [Fact]
    public void Bytes_is_4096_bytes_over_Data_without_a_copy()
    {
        Page page = _frames.Alloc()!;
        Span<byte> bytes = page.Bytes;
        Assert.Equal(Page.Size, bytes.Length);
        bytes[0] = 0x5A;
        bytes[Page.Size - 1] = 0xA5;
        Assert.Equal(0x5A, page.Data[0]);
        Assert.Equal(0xA5, page.Data[Page.Size - 1]);
        page.Data[100] = 7;
        Assert.Equal(7, page.Bytes[100]);
    }

    [Fact]
    public void Frames_do_not_overlap()
    {
        nint[] starts = Enumerable.Range(0, _frames.Count).Select(i => (nint)_frames[i].Data).OrderBy(a => a).ToArray();
        for (int i = 1; i < starts.Length; i++)
        {
            Assert.True(starts[i] - starts[i - 1] >= Page.Size, $"frames at {starts[i - 1]:x} and {starts[i]:x} overlap");
        }

        // Fill each frame with its own byte and check that no fill reached another frame.
        for (int i = 0; i < _frames.Count; i++)
        {
            _frames[i].Bytes.Fill((byte)(i + 1));
        }
        for (int i = 0; i < _frames.Count; i++)
        {
            byte expected = (byte)(i + 1);
            Assert.True(_frames[i].Bytes.IndexOfAnyExcept(expected) < 0, $"frame {i} was overwritten");
        }
    }

    [Fact]
    public void Frame_numbers_are_the_frames_positions_in_the_pool()
    {
        for (int i = 0; i < _frames.Count; i++)
        {
            Assert.Equal(i, _frames[i].FrameNumber);
        }
    }

    [Fact]
    public void ToString_names_the_frame_index_and_flags()
    {
        Page page = _frames[3];
        page.Index = 42;
        page.Set(PageFlags.Dirty);
        Assert.Equal("page frame 3 index 42 flags Dirty", page.ToString());
    }
}

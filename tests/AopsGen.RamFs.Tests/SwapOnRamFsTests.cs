using System.Threading.Tasks;
using Xunit;
using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Examples.Tests;

/// <summary>A swap file on RamFs under the memory manager: SWP_FILE, written with direct_IO in batches, every byte
/// back, nothing left behind after swapoff.</summary>
public sealed class SwapOnRamFsTests : IDisposable
{
    private const int Frames = 64;
    private readonly MountNamespace _vfs;
    private readonly SwapCore _swap;
    private readonly PageFrames _ram = new(Frames);
    private readonly MemoryManager _mm;

    public SwapOnRamFsTests()
    {
        _vfs = RamFs.NewNamespace(out SuperBlock root);
        Assert.Equal(0, RamFs.CreateSwapFile(_vfs, root, "/swapfile", 2048L * Page.Size, null, out _, out _));
        _swap = new SwapCore(_vfs);
        _mm = new MemoryManager(_ram, _swap);
        Assert.Equal(0, _swap.SwapOn("/swapfile", 0, Credentials.Root));
    }

    public void Dispose()
    {
        _mm.Dispose();
        _ram.Dispose();
    }

    [Fact]
    public void Four_times_more_pages_than_frames_round_trip_and_swapoff_brings_every_page_home()
    {
        using AnonRegion region = _mm.CreateRegion(4 * Frames);
        byte[] data = new byte[Page.Size];
        for (int i = 0; i < region.Pages; i++)
        {
            Fill(data, 3, i);
            Assert.Equal(0, region.Write(i, data));
        }
        for (int i = 0; i < region.Pages; i++)
        {
            Assert.Equal(0, region.Read(i, data));
            Assert.True(Verify(data, 3, i), $"page {i} differs");
        }
        Assert.True(_swap.Events[VmEvent.PswpOut] >= 3 * Frames);

        Assert.Equal(Errnos.Neg(Errno.ENOMEM), _swap.SwapOff("/swapfile", Credentials.Root));
        Assert.Single(_swap.Areas);
    }

    [Fact]
    public void Four_threads_over_their_own_pages_lose_nothing_and_swapoff_leaves_no_slot_or_cache_page()
    {
        const int PagesPerThread = 2 * Frames;
        using AnonRegion region = _mm.CreateRegion(4 * PagesPerThread);
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            byte[] data = new byte[Page.Size];
            for (int round = 1; round <= 3; round++)
            {
                for (int i = t * PagesPerThread; i < (t + 1) * PagesPerThread; i++)
                {
                    if (round > 1)
                    {
                        Assert.Equal(0, region.Read(i, data));
                        Assert.True(Verify(data, round - 1, i), $"page {i} differs in round {round}");
                    }
                    Fill(data, round, i);
                    Assert.Equal(0, region.Write(i, data));
                }
            }
        });
        region.Dispose();

        Assert.Equal(0, _swap.SwapOff("/swapfile", Credentials.Root));
        Assert.Empty(_swap.Areas);
        Assert.Equal(0, _swap.SwapperSpace.NrPages);
        Assert.Equal(Frames, _ram.FreeCount);
    }

    private static void Fill(Span<byte> page, int seed, int index)
    {
        for (int i = 0; i < page.Length; i += sizeof(int))
        {
            BitConverter.TryWriteBytes(page[i..], (seed * 7919) ^ (index * 104729) ^ i);
        }
    }

    private static bool Verify(ReadOnlySpan<byte> page, int seed, int index)
    {
        for (int i = 0; i < page.Length; i += sizeof(int))
        {
            if (BitConverter.ToInt32(page[i..]) != ((seed * 7919) ^ (index * 104729) ^ i))
            {
                return false;
            }
        }
        return true;
    }
}

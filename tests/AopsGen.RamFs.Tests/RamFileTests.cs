using System.Threading;
using Xunit;

namespace AopsGen.Examples.Tests;

/// <summary>RamFile's own lock: no allocation on any thread (the swap path calls it from every faulting thread and
/// kswapd), and a grow racing I/O loses no byte.</summary>
public sealed class RamFileTests
{
    [Fact]
    public void Reads_and_writes_allocate_nothing_even_on_a_threads_first_use()
    {
        using var file = new RamFile(16 * Page.Size);
        byte[] page = new byte[Page.Size];
        file.Write(0, page);
        file.Read(0, page);
        long allocated = -1;
        var thread = new Thread(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            file.Write(Page.Size, page);
            file.Read(Page.Size, page);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        });
        thread.Start();
        thread.Join();
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void A_file_grown_while_another_thread_writes_keeps_every_page()
    {
        using var file = new RamFile(Page.Size);
        const int Pages = 256;
        var writers = new Thread[2];
        for (int w = 0; w < writers.Length; w++)
        {
            int first = w;
            writers[w] = new Thread(() =>
            {
                byte[] data = new byte[Page.Size];
                for (int p = first; p < Pages; p += 2)
                {
                    data.AsSpan().Fill((byte)p);
                    Assert.Equal(0, file.Write((long)p * Page.Size, data));
                }
            });
        }
        foreach (Thread writer in writers)
        {
            writer.Start();
        }
        foreach (Thread writer in writers)
        {
            writer.Join();
        }
        byte[] back = new byte[Page.Size];
        for (int p = 0; p < Pages; p++)
        {
            file.Read((long)p * Page.Size, back);
            Assert.True(back.AsSpan().IndexOfAnyExcept((byte)p) < 0, $"page {p}");
        }
    }
}

using Xunit;
using AopsGen.Mm;

namespace AopsGen.Tests;

public sealed class PageFramesAllocationTests
{
    private static void AllocFreePairs(PageFrames frames, int pairs)
    {
        for (int i = 0; i < pairs; i++)
        {
            Page page = frames.Alloc()!;
            page.Set(PageFlags.Dirty);
            page.Clear(PageFlags.Dirty);
            frames.Free(page);
        }
    }

    [Fact]
    public void Alloc_and_Free_allocate_no_managed_memory_in_steady_state()
    {
        using var frames = new PageFrames(4);
        AllocFreePairs(frames, 10_000); // warm-up: JIT tiers, lock inflation

        long before = GC.GetAllocatedBytesForCurrentThread();
        AllocFreePairs(frames, 10_000);
        long after = GC.GetAllocatedBytesForCurrentThread();

        Assert.Equal(0, after - before);
        Assert.Equal(4, frames.FreeCount);
    }

    [Fact]
    public void AllocZeroed_and_the_page_lock_allocate_no_managed_memory_in_steady_state()
    {
        using var frames = new PageFrames(2);
        void Run(int n)
        {
            for (int i = 0; i < n; i++)
            {
                Page page = frames.AllocZeroed()!;
                page.Lock();
                page.Unlock();
                frames.Free(page);
            }
        }
        Run(2_000);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Run(2_000);
        long after = GC.GetAllocatedBytesForCurrentThread();

        Assert.Equal(0, after - before);
    }

    [Fact]
    public void The_allocation_measurement_sees_a_managed_allocation()
    {
        // Guards the two tests above: the counter does move when something is allocated.
        long before = GC.GetAllocatedBytesForCurrentThread();
        object[] boxes = new object[16];
        for (int i = 0; i < boxes.Length; i++)
        {
            boxes[i] = i;
        }
        long after = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(boxes);
        Assert.True(after - before > 0);
    }
}

using System.Linq;
using System.Threading;
using Xunit;
using AopsGen.Mm;

namespace AopsGen.Tests;

/// <summary>
/// No lock is held across swap I/O: two threads' <c>direct_IO</c> (or <c>readpage</c>) calls on the same swap file are
/// in flight at once. Each call waits on a two-party barrier until the other thread's call arrives; a lock held
/// around the call anywhere on the path (swap core, slots, swap cache, plug, page tables) would keep the second thread
/// out and the barrier would time out.
/// </summary>
[Collection("SwapCore")]
public sealed class SwapIoConcurrencyTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly SwapMachine _m = new(frames: 64, swapPages: 256);

    public SwapIoConcurrencyTests() => Assert.Equal(0, _m.SwapOn());

    public void Dispose() => _m.Dispose();

    [Fact]
    public void Two_threads_swap_out_with_their_direct_IO_writes_in_flight_together()
    {
        AnonRegion[] regions = [_m.Mm.CreateRegion(8), _m.Mm.CreateRegion(8)];
        foreach (AnonRegion region in regions)
        {
            Fill(region);
        }
        Meet(action => _m.FileData.OnWrite = action);

        int[] freed = new int[regions.Length];
        RunTogether(regions.Length, k => freed[k] = _m.Mm.SwapOut(regions[k], Enumerable.Range(0, 8).ToArray()), "a swap-out never finished");

        Assert.Equal(2, Volatile.Read(ref _arrivedTogether));
        Assert.All(freed, n => Assert.Equal(8, n));
        Assert.Equal(16, _m.Swap.Events[VmEvent.PswpOut]);
        _m.FileData.OnWrite = null;
        foreach (AnonRegion region in regions)
        {
            Verify(region);
            region.Dispose();
        }
    }

    [Theory]
    [InlineData(0)] // one readpage per fault
    [InlineData(3)] // readahead: one vectored direct_IO read per cluster
    public void Two_threads_fault_pages_in_with_their_reads_in_flight_together(int pageCluster)
    {
        AnonRegion[] regions = [_m.Mm.CreateRegion(8), _m.Mm.CreateRegion(8)];
        foreach (AnonRegion region in regions)
        {
            Fill(region);
            Assert.Equal(8, _m.Mm.SwapOut(region, Enumerable.Range(0, 8).ToArray()));
        }
        _m.Swap.PageCluster = pageCluster;
        Meet(action => _m.FileData.OnRead = action);

        RunTogether(regions.Length, k => Verify(regions[k]), "a swap-in never finished");

        Assert.Equal(2, Volatile.Read(ref _arrivedTogether));
        _m.FileData.OnRead = null;
        foreach (AnonRegion region in regions)
        {
            region.Dispose();
        }
    }

    // Runs work(0..count-1) on threads of their own; fails if one does not end in time, rethrows what one threw.
    private static void RunTogether(int count, Action<int> work, string stuck)
    {
        var errors = new Exception?[count];
        var threads = new Thread[count];
        for (int k = 0; k < count; k++)
        {
            int index = k;
            threads[k] = new Thread(() =>
            {
                try
                {
                    work(index);
                }
                catch (Exception e)
                {
                    errors[index] = e;
                }
            }) { IsBackground = true };
            threads[k].Start();
        }
        foreach (Thread thread in threads)
        {
            Assert.True(thread.Join(Timeout * 2), stuck);
        }
        foreach (Exception? error in errors)
        {
            if (error != null)
            {
                throw new InvalidOperationException("a thread failed", error);
            }
        }
    }

    private int _arrivals;
    private int _arrivedTogether;

    // The first call of each of the two threads waits at the barrier for the other's; later calls pass.
    private void Meet(Action<Action> install)
    {
        var barrier = new Barrier(2);
        install(() =>
        {
            if (Interlocked.Increment(ref _arrivals) <= 2 && barrier.SignalAndWait(Timeout))
            {
                Interlocked.Increment(ref _arrivedTogether);
            }
        });
    }

    private static void Fill(AnonRegion region)
    {
        Span<byte> data = stackalloc byte[Page.Size];
        for (int i = 0; i < region.Pages; i++)
        {
            SwapMachine.Fill(data, region.GetHashCode(), i);
            Assert.Equal(0, region.Write(i, data));
        }
    }

    private static void Verify(AnonRegion region)
    {
        Span<byte> data = stackalloc byte[Page.Size];
        for (int i = 0; i < region.Pages; i++)
        {
            Assert.Equal(0, region.Read(i, data));
            Assert.True(SwapMachine.Verify(data, region.GetHashCode(), i), $"page {i} differs");
        }
    }
}

using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;
using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Examples.Tests;

/// <summary>Swap over a real NFS server: SWP_FS_OPS through NfsFs's table (every batch a swap_rw), what it refuses,
/// and the server stopped mid-run with nothing lost.</summary>
public sealed unsafe class SwapOnNfsTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly MountNamespace _vfs;
    private readonly SuperBlock _sb = null!;
    private readonly SwapCore _swap;
    private readonly List<string> _files = new();

    public SwapOnNfsTests(ITestOutputHelper output)
    {
        _output = output;
        _vfs = RamFs.NewNamespace(out SuperBlock root);
        Assert.Equal(0, RamFs.Mkdir(_vfs, root, "/nfs", Credentials.Root));
        _swap = new SwapCore(_vfs);
        if (NfsServer.ExportUrl is { } url)
        {
            Assert.Equal(0, NfsFs.Mount(_vfs, "/nfs", url, out SuperBlock? sb));
            _sb = sb!;
        }
    }

    public void Dispose()
    {
        foreach (SwapInfo area in _swap.Areas.ToArray())
        {
            _swap.SwapOff(area.SwapFile!.Path, Credentials.Root);
        }
        if (_sb != null)
        {
            Assert.Equal(0, NfsFs.Release(_sb));
        }
        _swap.Dispose();
        _files.ForEach(name => NfsConnection.Remove(NfsFs.FileUrl(NfsServer.ExportUrl!, name)));
    }

    private Inode SwapFile(string name, int pages)
    {
        _files.Add(name);
        Assert.Equal(0, NfsFs.Mkswap(NfsFs.FileUrl(NfsServer.ExportUrl!, name), (long)pages * Page.Size, new MkswapOptions { Label = "nfs" }, out MkswapResult? mkswap, out string? error));
        Assert.True(mkswap!.Succeeded, error);
        Assert.Equal(0, NfsFs.Open(_vfs, _sb, "/nfs/" + name, Credentials.Root, out Inode? inode));
        return inode!;
    }

    [NfsFact]
    public void The_table_is_nfs_file_aops_with_readpage_direct_IO_and_the_swap_ops_swap_rw_included()
    {
        Assert.Equal("nfs_file_aops { .readpage, .set_page_dirty, .direct_IO, .swap_activate, .swap_deactivate, .swap_rw }", NfsFs.Operations.ToString());
    }

    [NfsTheory]
    [InlineData(1)]
    [InlineData(4)]
    public void Four_times_more_pages_than_frames_round_trip_through_the_server_one_file_sync_write_per_batch(int queueDepth)
    {
        string name = NfsServer.NewName("swap");
        Inode inode = SwapFile(name, 600);
        using var ram = new PageFrames(64);
        using var mm = new MemoryManager(ram, _swap);

        Assert.Equal(0, _swap.SwapOn("/nfs/" + name, 0, Credentials.Root, queueDepth));
        Assert.Equal(SwapIoMode.FsOps, _swap.Areas[0].Mode);
        Assert.True(NfsFs.FileOf(inode).SwapActive);
        Assert.Equal(Errnos.Neg(Errno.EBUSY), NfsFs.Release(_sb));
        using (AnonRegion region = mm.CreateRegion(256))
        {
            byte[] data = new byte[Page.Size];
            for (int i = 0; i < 256; i++)
            {
                TestPages.Fill(data, 4, i);
                Assert.Equal(0, region.Write(i, data));
            }
            for (int i = 0; i < 256; i++)
            {
                Assert.Equal(0, region.Read(i, data));
                Assert.True(TestPages.Verify(data, 4, i), $"page {i} differs");
            }
        }

        NfsFile file = NfsFs.FileOf(inode);
        SwapOpCalls calls = _swap.Areas[0].OpCalls;
        _output.WriteLine($"{_swap.Events}; {file.Writes} writes, at most {file.Connection.MaxInFlight} calls in flight; {calls}");
        if (queueDepth > 1)
        {
            Assert.True(file.Connection.MaxInFlight > 1, "one call in flight at a time");
        }
        Assert.True(calls.SwapRw > 0);
        Assert.Equal(0, calls.DirectIO + calls.BlockReads + calls.BlockWrites);
        Assert.True(_swap.Events[VmEvent.PswpOut] >= 256 - 64);
        Assert.True(file.Writes < _swap.Events[VmEvent.PswpOut] / 4, "not batched: a WRITE per few pages");
        Assert.Equal(0, _swap.SwapOff("/nfs/" + name, Credentials.Root));
        Assert.False(NfsFs.FileOf(inode).SwapActive);
    }

    [NfsFact]
    public void Swapoff_waits_for_the_batches_in_flight_and_loses_none()
    {
        string name = NfsServer.NewName("drain");
        Inode inode = SwapFile(name, 600);
        using var ram = new PageFrames(64);
        using var mm = new MemoryManager(ram, _swap);
        Assert.Equal(0, _swap.SwapOn("/nfs/" + name, 0, Credentials.Root, queueDepth: 4));
        // Fewer pages than frames: swapoff brings every one back.
        using AnonRegion region = mm.CreateRegion(48);
        byte[] data = new byte[Page.Size];
        for (int i = 0; i < 48; i++)
        {
            TestPages.Fill(data, 6, i);
            Assert.Equal(0, region.Write(i, data));
        }
        NfsConnection connection = NfsFs.FileOf(inode).Connection;
        _swap.WaitForIo();

        Task<int> swapoff;
        // A stopped server holds every call in flight (for less than the timeout): swapoff must wait for them.
        NfsServer.Signal("STOP");
        try
        {
            mm.SwapOut(region, Enumerable.Range(0, 48).ToArray());
            Assert.True(SpinWait.SpinUntil(() => connection.InFlight > 0, 5000), "no write in flight after the swap-out");
            swapoff = Task.Run(() => _swap.SwapOff("/nfs/" + name, Credentials.Root));
            Assert.False(swapoff.Wait(1000), "swapoff returned with writes in flight");
            Assert.True(connection.InFlight > 0);
        }
        finally
        {
            NfsServer.Signal("CONT");
        }

        Assert.Equal(0, swapoff.Result);
        Assert.Equal(0, connection.InFlight);
        Assert.False(NfsFs.FileOf(inode).SwapActive);
        Assert.Equal(0, _swap.Events[VmEvent.SwapWriteError]);
        for (int i = 0; i < 48; i++)
        {
            Assert.Equal(0, region.Read(i, data));
            Assert.True(TestPages.Verify(data, 6, i), $"page {i} differs");
        }
    }

    [NfsFact]
    public void At_queue_depth_4_swapping_allocates_no_managed_bytes_per_page()
    {
        string name = NfsServer.NewName("alloc");
        SwapFile(name, 600);
        using var ram = new PageFrames(64);
        using var mm = new MemoryManager(ram, _swap);
        Assert.Equal(0, _swap.SwapOn("/nfs/" + name, 0, Credentials.Root, queueDepth: 4));
        AnonRegion region = mm.CreateRegion(256);
        byte[] data = new byte[Page.Size];
        int failures = 0;
        var allocated = new long[4];
        var swapped = new long[4];
        // Warm-up (the JIT, the request pool's buffers, the swap core's caches), then two measured rounds; nothing
        // printed until the end (the test output is handled, and allocated, on other threads).
        for (int round = 0; round < 4; round++)
        {
            _swap.WaitForIo();
            long before = GC.GetTotalAllocatedBytes(precise: true);
            long pagesBefore = _swap.Events[VmEvent.PswpOut] + _swap.Events[VmEvent.PswpIn];
            for (int i = 0; i < 256; i++)
            {
                TestPages.Fill(data, round, i);
                failures += region.Write(i, data) == 0 ? 0 : 1;
            }
            for (int i = 0; i < 256; i++)
            {
                failures += region.Read(i, data) == 0 && TestPages.Verify(data, round, i) ? 0 : 1;
            }
            allocated[round] = GC.GetTotalAllocatedBytes(precise: true) - before;
            swapped[round] = _swap.Events[VmEvent.PswpOut] + _swap.Events[VmEvent.PswpIn] - pagesBefore;
        }

        region.Dispose();
        Assert.Equal(0, _swap.SwapOff("/nfs/" + name, Credentials.Root));
        _output.WriteLine(string.Join("; ", Enumerable.Range(0, 4).Select(r => $"round {r}: {allocated[r]} bytes allocated for {swapped[r]} pages swapped")));
        Assert.Equal(0, failures);
        for (int round = 2; round < 4; round++)
        {
            Assert.True(swapped[round] > 256, $"only {swapped[round]} pages swapped");
            // One allocation per page, or per batch of 32, would be tens of bytes per page.
            Assert.True(allocated[round] < swapped[round], $"round {round}: {allocated[round]} managed bytes for {swapped[round]} pages swapped");
        }
    }

    [NfsFact]
    public void A_sparse_file_is_refused_swapfile_has_holes()
    {
        string name = NfsServer.NewName("sparse");
        _files.Add(name);
        Assert.Equal(0, NfsConnection.Open(NfsFs.FileUrl(NfsServer.ExportUrl!, name), create: true, out NfsConnection? connection, out _));
        using (connection)
        {
            Assert.Equal(0, connection!.Truncate(64L * Page.Size));
            byte* header = stackalloc byte[Page.Size];
            var page = new Span<byte>(header, Page.Size);
            page.Clear();
            Assert.True(Mkswap.Format(page, 64L * Page.Size).Succeeded);
            Assert.Equal(Page.Size, connection.Write(0, header, Page.Size));
            Assert.Equal(0, connection.Commit());
        }
        Assert.Equal(0, NfsFs.Open(_vfs, _sb, "/nfs/" + name, Credentials.Root, out Inode? inode));

        Assert.Equal(Errnos.Neg(Errno.EINVAL), _swap.SwapOn("/nfs/" + name, 0, Credentials.Root));

        Assert.Equal("swap activate: swapfile has holes", _swap.Log.Last?.Message);
        Assert.Empty(_swap.Areas);
        Assert.False(NfsFs.FileOf(inode!).SwapActive);
    }

    [NfsFact]
    public void Writes_from_users_to_an_active_swap_file_are_ETXTBSY_with_the_kernels_line()
    {
        string name = NfsServer.NewName("busy");
        Inode inode = SwapFile(name, 32);
        Assert.Equal(0, _swap.SwapOn("/nfs/" + name, 0, Credentials.Root));
        var file = new OpenFile("/nfs/" + name, inode, OpenFlags.ReadWrite);

        Assert.Equal(Errnos.Neg(Errno.ETXTBSY), NfsFs.Write(file, 0, new byte[8], _swap.Log));
        Assert.Equal("NFS: attempt to write to active swap file!", _swap.Log.Last?.Message);

        Assert.Equal(0, _swap.SwapOff("/nfs/" + name, Credentials.Root));
        Assert.Equal(8, NfsFs.Write(file, 0, new byte[8], _swap.Log));
    }

    [NfsTheory]
    [InlineData(1)]
    [InlineData(4)]
    public void With_the_server_stopped_mid_run_nothing_hangs_or_is_lost_and_the_run_completes_when_it_returns(int queueDepth)
    {
        string name = NfsServer.NewName("fault");
        SwapFile(name, 600);
        using var ram = new PageFrames(64);
        using var mm = new MemoryManager(ram, _swap);
        mm.DirectReclaimRetries = 8;
        Assert.Equal(0, _swap.SwapOn("/nfs/" + name, 0, Credentials.Root, queueDepth));
        AnonRegion region = mm.CreateRegion(192);
        byte[] data = new byte[Page.Size];
        var versions = new int[192];
        for (int i = 0; i < 192; i++)
        {
            TestPages.Fill(data, 1, i);
            Assert.Equal(0, region.Write(i, data));
            versions[i] = 1;
        }

        NfsServer.Script("stop");
        int surfaced = 0, stale = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            // The program goes on: pages in memory are rewritten, swapped ones fault and fail; reclaim's writes fail.
            for (int round = 0; round < 2; round++)
            {
                for (int i = 0; i < 192; i += 3)
                {
                    TestPages.Fill(data, versions[i] + 1, i);
                    int rc = region.Write(i, data);
                    if (rc == 0)
                    {
                        versions[i]++;
                    }
                    else
                    {
                        Assert.True(rc == Errnos.Neg(Errno.EIO) || rc == Errnos.Neg(Errno.ENOMEM), $"write fault: {rc}");
                        surfaced++;
                    }
                }
                mm.SwapOut(region, Enumerable.Range(0, 192).ToArray());
            }
        }
        finally
        {
            NfsServer.Script("start");
        }
        TimeSpan down = clock.Elapsed;

        for (int i = 0; i < 192; i++)
        {
            Assert.Equal(0, region.Read(i, data));
            if (!TestPages.Verify(data, versions[i], i))
            {
                stale++;
            }
        }
        _output.WriteLine($"server down {down.TotalSeconds:0.0} s: {surfaced} faults surfaced as errors, {_swap.Events[VmEvent.SwapWriteError]} pages' writes failed and were kept; {_swap.Events}");
        Assert.Equal(0, stale);
        Assert.True(_swap.Events[VmEvent.SwapWriteError] > 0, "no write failed while the server was down");
        Assert.True(down < TimeSpan.FromSeconds(120), "calls hung while the server was down");
        // The region exits and swapoff empties the swap cache (readahead's pages included) while the frames exist.
        region.Dispose();
        Assert.Equal(0, _swap.SwapOff("/nfs/" + name, Credentials.Root));
    }
}

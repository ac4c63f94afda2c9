using System.Collections.Generic;
using System.Linq;
using System.Threading;
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

    [NfsFact]
    public void Four_times_more_pages_than_frames_round_trip_through_the_server_one_commit_per_batch()
    {
        string name = NfsServer.NewName("swap");
        Inode inode = SwapFile(name, 600);
        using var ram = new PageFrames(64);
        using var mm = new MemoryManager(ram, _swap);

        Assert.Equal(0, _swap.SwapOn("/nfs/" + name, 0, Credentials.Root));
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
        _output.WriteLine($"{_swap.Events}; {file.Writes} writes, {file.Commits} commits; {calls}");
        Assert.True(calls.SwapRw > 0);
        Assert.Equal(0, calls.DirectIO + calls.BlockReads + calls.BlockWrites);
        Assert.True(_swap.Events[VmEvent.PswpOut] >= 256 - 64);
        Assert.True(file.Commits < _swap.Events[VmEvent.PswpOut] / 4, "not batched: a COMMIT per few pages");
        Assert.Equal(0, _swap.SwapOff("/nfs/" + name, Credentials.Root));
        Assert.False(NfsFs.FileOf(inode).SwapActive);
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

    [NfsFact]
    public void With_the_server_stopped_mid_run_nothing_hangs_or_is_lost_and_the_run_completes_when_it_returns()
    {
        string name = NfsServer.NewName("fault");
        SwapFile(name, 600);
        using var ram = new PageFrames(64);
        using var mm = new MemoryManager(ram, _swap);
        mm.DirectReclaimRetries = 8;
        Assert.Equal(0, _swap.SwapOn("/nfs/" + name, 0, Credentials.Root));
        using AnonRegion region = mm.CreateRegion(192);
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
    }
}

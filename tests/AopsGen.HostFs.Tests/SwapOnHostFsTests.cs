using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;
using AopsGen.Mm;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Examples.Tests;

/// <summary>Swap files on HostFs: an SWP_FILE area round trip under the memory manager, and the files swap must
/// refuse (holes, unwritten extents — found by FIEMAP, as filefrag sees them) or warn about (util-linux's checks).</summary>
public sealed class SwapOnHostFsTests : IDisposable
{
    private readonly HostFsMachine _m = new();

    public void Dispose() => _m.Dispose();

    [Fact]
    public void Four_times_more_pages_than_frames_round_trip_through_direct_io_and_swapoff_deactivates()
    {
        Assert.Equal(0, HostFs.CreateSwapFile(_m.Vfs, _m.Sb, "/mnt/swapfile", 1024L * Page.Size, new MkswapOptions { Label = "host" }, out Inode? inode, out _));
        SwaponCheck check = HostFs.SwaponChecks(inode!, "/mnt/swapfile");
        Assert.Empty(check.Warnings);
        Assert.Null(check.Refusal);
        using var ram = new PageFrames(64);
        using var mm = new MemoryManager(ram, _m.Swap);

        Assert.Equal(0, _m.Swap.SwapOn("/mnt/swapfile", 0, Credentials.Root));
        Assert.Equal(SwapIoMode.File, _m.Swap.Areas[0].Mode);
        Assert.True(HostFs.FileOf(inode!).SwapActive);
        using (AnonRegion region = mm.CreateRegion(256))
        {
            byte[] data = new byte[Page.Size];
            for (int i = 0; i < 256; i++)
            {
                TestPages.Fill(data, 9, i);
                Assert.Equal(0, region.Write(i, data));
            }
            for (int i = 0; i < 256; i++)
            {
                Assert.Equal(0, region.Read(i, data));
                Assert.True(TestPages.Verify(data, 9, i), $"page {i} differs");
            }
        }

        Assert.True(_m.Swap.Events[VmEvent.PswpOut] >= 256 - 64);
        Assert.Equal(0, _m.Swap.SwapOff("/mnt/swapfile", Credentials.Root));
        Assert.False(HostFs.FileOf(inode!).SwapActive);
        Assert.Equal(64, ram.FreeCount);
    }

    [Fact]
    [Trait("Requires", "e2fsprogs")]
    public void A_sparse_swap_file_is_refused_by_swapon_and_by_util_linuxs_check_as_filefrag_shows_its_holes()
    {
        string host = _m.HostPath("sparse");
        using (var stream = new FileStream(host, FileMode.CreateNew))
        {
            stream.SetLength(64L * Page.Size);
        }
        Assert.True(Mkswap.Format(host).Succeeded);
        Inode inode = _m.Open("sparse");
        Assert.Single(HostFsMachine.Filefrag(host));

        Assert.Equal(Errnos.Neg(Errno.EINVAL), _m.Swap.SwapOn("/mnt/sparse", 0, Credentials.Root));

        Assert.Equal("swapon: swapfile has holes", _m.Swap.Log.Last?.Message);
        Assert.Empty(_m.Swap.Areas);
        Assert.False(inode.IsSwapFile);
        Assert.False(HostFs.FileOf(inode).SwapActive);
        Assert.Equal("/mnt/sparse: skipping - it appears to have holes.", HostFs.SwaponChecks(inode, "/mnt/sparse").Refusal);
    }

    [Fact]
    [Trait("Requires", "util-linux")]
    [Trait("Requires", "e2fsprogs")]
    public void A_fallocated_swap_file_with_unwritten_extents_is_refused_where_filefrag_sees_them()
    {
        string host = _m.HostPath("fallocated");
        HostFsMachine.Run("util-linux", "/usr/bin/fallocate", "-l", (64 * Page.Size).ToString(), host);
        Assert.True(Mkswap.Format(host).Succeeded);
        var theirs = HostFsMachine.Filefrag(host);
        Assert.Contains(theirs, e => e.Flags.Contains("unwritten"));
        Inode inode = _m.Open("fallocated");
        Assert.Equal(0, HostFs.FileOf(inode).Extents(out List<HostExtent> ours));
        Assert.Equal(theirs.Select(e => e.Flags.Contains("unwritten")), ours.Select(e => (e.Flags & HostExtentFlags.Unwritten) != 0));

        Assert.Equal(Errnos.Neg(Errno.EINVAL), _m.Swap.SwapOn("/mnt/fallocated", 0, Credentials.Root));

        Assert.Equal($"swapon: file {host} has unwritten extents", _m.Swap.Log.Last?.Message);
        Assert.Empty(_m.Swap.Areas);
        Assert.Null(HostFs.SwaponChecks(inode, "/mnt/fallocated").Refusal);
    }

    [Fact]
    public void Util_linuxs_warnings_name_insecure_permissions_and_an_owner_other_than_root()
    {
        Assert.Equal(0, HostFs.CreateFile(_m.Vfs, _m.Sb, "/mnt/open", 16L * Page.Size, Credentials.Root, out Inode? created, permissions: 0x1A4 /* 0644 */));
        HostFsMachine.Run("coreutils", "/usr/bin/chown", "1000:1000", _m.HostPath("open"));

        SwaponCheck check = HostFs.SwaponChecks(created!, "/mnt/open");

        Assert.Equal(new[] { "/mnt/open: insecure permissions 0644, 0600 suggested.", "/mnt/open: insecure file owner 1000, 0 (root) suggested." }, check.Warnings);
        Assert.Null(check.Refusal);
    }
}

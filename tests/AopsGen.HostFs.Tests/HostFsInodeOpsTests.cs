using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;
using AopsGen.Mm;
using AopsGen.Vfs;

namespace AopsGen.Examples.Tests;

/// <summary>HostFs as a mounted filesystem, driven through the namespace: names are the host directory's (looked up,
/// made, moved and removed there, symbolic links never followed), the host's errno comes back unchanged, buffered
/// writes reach the host file at write_end and buffered reads come back through readpages.</summary>
public sealed class HostFsInodeOpsTests : IDisposable
{
    private readonly HostFsMachine _m = new();

    public void Dispose() => _m.Dispose();

    [Fact]
    public void Lookup_finds_what_the_host_directory_holds_and_never_follows_a_symlink()
    {
        Directory.CreateDirectory(_m.HostPath("d"));
        File.WriteAllText(_m.HostPath("d/f"), "twelve bytes");
        File.CreateSymbolicLink(_m.HostPath("s"), "/etc");

        Assert.Equal(0, _m.Vfs.Lookup("/mnt/d/f", out Inode? file));
        Assert.Equal((FileType.Regular, 12L), (file!.Type, file.Size));
        Assert.Equal(0, _m.Vfs.Lookup("/mnt/s", out Inode? link));
        Assert.Equal((FileType.Symlink, "/etc"), (link!.Type, link.LinkTarget));
        Assert.Equal(Errnos.Neg(Errno.ENOTDIR), _m.Vfs.Lookup("/mnt/s/passwd", out _));
        Assert.Equal(Errnos.Neg(Errno.ENOENT), _m.Vfs.Lookup("/mnt/missing", out _));
        var entries = new List<DirectoryEntry>();
        Assert.Equal(0, _m.Vfs.LookupDentry("/mnt", out Dentry? root));
        Assert.Equal(0, _m.Vfs.ReadDir(root!, entries));
        Assert.Equal(new[] { ("d", FileType.Directory), ("s", FileType.Symlink) }, entries.Select(e => (e.Name, e.Type)).Order());
    }

    [Fact]
    public void A_name_the_host_renames_removes_or_replaces_is_looked_up_again_not_served_from_the_dcache()
    {
        File.WriteAllText(_m.HostPath("f"), "first");
        Directory.CreateDirectory(_m.HostPath("d"));
        File.WriteAllText(_m.HostPath("d/x"), "x");
        Assert.Equal(0, _m.Vfs.Lookup("/mnt/f", out Inode? first));
        Assert.Equal(0, _m.Vfs.Lookup("/mnt/d/x", out _));

        File.Move(_m.HostPath("f"), _m.HostPath("g"));
        Assert.Equal(Errnos.Neg(Errno.ENOENT), _m.Vfs.Lookup("/mnt/f", out _));
        Assert.Equal(0, _m.Vfs.Lookup("/mnt/g", out Inode? moved));
        Assert.Same(first, moved);

        File.WriteAllText(_m.HostPath("f"), "another file");
        Assert.Equal(0, _m.Vfs.Lookup("/mnt/f", out Inode? another));
        Assert.NotSame(first, another);
        Assert.Equal(12L, another!.Size);
        File.Move(_m.HostPath("g"), _m.HostPath("f"), overwrite: true);
        Assert.Equal(0, _m.Vfs.Lookup("/mnt/f", out Inode? back));
        Assert.Same(first, back);

        Directory.Delete(_m.HostPath("d"), recursive: true);
        Assert.Equal(Errnos.Neg(Errno.ENOENT), _m.Vfs.Lookup("/mnt/d/x", out _));
        Assert.Equal(Errnos.Neg(Errno.ENOENT), _m.Vfs.Lookup("/mnt/d", out _));
    }

    [Fact]
    public void Name_operations_change_the_host_directory()
    {
        Credentials root = Credentials.Root;
        Assert.Equal(0, _m.Vfs.Mkdir("/mnt/a", 0x1ED, root));
        Assert.Equal(0, _m.Vfs.CreateFile("/mnt/a/f", 0x1A4, root, out _));
        Assert.Equal(0, _m.Vfs.Rename("/mnt/a/f", "/mnt/g", root));
        Assert.Equal(0, _m.Vfs.Link("/mnt/g", "/mnt/h", root));
        Assert.Equal(0, _m.Vfs.Symlink("g", "/mnt/s", root));
        Assert.Equal(0, _m.Vfs.Lookup("/mnt/g", out Inode? g));
        Assert.Equal(2u, g!.Links);
        Assert.Equal(0, _m.Vfs.Unlink("/mnt/h", root));
        Assert.Equal(0, _m.Vfs.Rmdir("/mnt/a", root));

        Assert.False(Directory.Exists(_m.HostPath("a")));
        Assert.True(File.Exists(_m.HostPath("g")));
        Assert.False(File.Exists(_m.HostPath("h")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(_m.HostPath("g")));
        Assert.Equal("g", new FileInfo(_m.HostPath("s")).LinkTarget);
        Assert.Equal(1u, g.Links);
    }

    [Fact]
    public void The_hosts_errno_comes_back_unchanged()
    {
        Assert.Equal(0, _m.Vfs.Lookup("/mnt", out Inode? root));
        Directory.CreateDirectory(_m.HostPath("made-behind-the-dcache"));
        InodeOperations ops = root!.Operations!;

        Assert.Equal(Errnos.Neg(Errno.EEXIST), ops.Mkdir(root, "made-behind-the-dcache", 0x1ED, 0, 0, out _));
        Assert.Equal(Errnos.Neg(Errno.ENOENT), ops.Unlink(root, "missing", root));
        File.WriteAllText(_m.HostPath("plain"), "a file");
        Assert.Equal(Errnos.Neg(Errno.ENOTDIR), ops.Rmdir(root, "plain", root));
        Assert.Equal(0, _m.Vfs.Symlink("anywhere", "/mnt/s", Credentials.Root));
        Assert.Equal(0, _m.Vfs.Lookup("/mnt/s", out Inode? link));
        Assert.Equal(Errnos.Neg(Errno.EOPNOTSUPP), ops.SetAttr(link!, new InodeAttr(AttrValid.Mode, Mode: 0x180)));
    }

    [Fact]
    public void Buffered_writes_reach_the_host_at_write_end_and_reads_come_back_through_readpages()
    {
        byte[] data = Enumerable.Range(0, 5 * Page.Size + 100).Select(i => (byte)(i * 31)).ToArray();
        Assert.Equal(0, _m.Vfs.CreateFile("/mnt/w", 0x1A4, Credentials.Root, out _));
        Assert.Equal(0, _m.Vfs.Open("/mnt/w", OpenFlags.ReadWrite, Credentials.Root, out OpenFile? file));

        Assert.Equal(data.Length, MountNamespace.Write(file!, 7, data));

        byte[] onHost = File.ReadAllBytes(_m.HostPath("w"));
        Assert.Equal(7 + data.Length, onHost.Length);
        Assert.Equal(data, onHost[7..]);
        using var cache = new PageCache(16);
        var back = new byte[data.Length + 7];
        Assert.Equal(back.Length, cache.Read(file!, 0, back));
        Assert.Equal(onHost, back);
        Assert.Equal(6, file!.Mapping.LookupPages().Count(p => { bool uptodate = p.IsUptodate; p.Put(); return uptodate; }));
        _m.Vfs.Close(file);
    }
}

using System.Collections.Generic;
using System.Linq;
using Xunit;
using AopsGen.Vfs;

namespace AopsGen.Examples.Tests;

/// <summary>BlockFs's directories and inode_operations (ext2's): nested directories of variable-length records,
/// names up to 255 bytes, symbolic and hard links, rename, unlink and rmdir through the namespace, modes, owners and
/// times on the image; a second mount of the image finds the same tree.</summary>
public sealed class DirectoryTests : IDisposable
{
    private readonly BlockFsMachine _m = new(16L << 20);

    public void Dispose() => _m.Dispose();

    private static Credentials Root => Credentials.Root;

    [Fact]
    public void A_tree_made_through_the_namespace_is_there_after_unmount_and_a_second_mount()
    {
        BlockFsMount first = _m.Mount();
        MountNamespace vfs = _m.Vfs;
        string longName = new string('n', 250) + "é.txt"[..4]; // 254 bytes of UTF-8
        Assert.Equal(0, vfs.Mkdir("/mnt/src", 0x1ED, Root));
        Assert.Equal(0, vfs.Mkdir("/mnt/src/deep", 0x1C0, Root));
        Assert.Equal(0, vfs.CreateFile("/mnt/src/deep/" + longName, 0x1A4, Root, out Inode? file));
        Assert.Equal(0, vfs.Open("/mnt/src/deep/" + longName, OpenFlags.ReadWrite, Root, out OpenFile? open));
        byte[] data = BlockFsMachine.Pattern(3, 0).Concat(BlockFsMachine.Pattern(3, 1)).Take(6000).ToArray();
        Assert.Equal(data.Length, MountNamespace.Write(open!, 0, data));
        Assert.Equal(0, vfs.Symlink("deep/" + longName, "/mnt/src/link", Root));
        Assert.Equal(0, vfs.Link("/mnt/src/deep/" + longName, "/mnt/hard", Root));
        Assert.Equal(0, vfs.SetAttr(file!, new InodeAttr(AttrValid.Uid | AttrValid.Gid | AttrValid.Mode | AttrValid.ModifyTime,
            Mode: 0x1E0, Uid: 1000, Gid: 100, ModifyTime: new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc)), Root));
        for (int i = 0; i < 200; i++) // 200 names of ~40 bytes: three directory blocks
        {
            Assert.Equal(0, vfs.CreateFile($"/mnt/src/many-{i:D3}-{new string('m', 30)}", 0x1A4, Root, out _));
        }
        Assert.Equal(0, vfs.Mkdir("/mnt/gone", 0x1ED, Root));
        Assert.Equal(0, vfs.Rename("/mnt/src/many-000-" + new string('m', 30), "/mnt/moved", Root));
        Assert.Equal(0, vfs.Unlink("/mnt/src/many-001-" + new string('m', 30), Root));
        Assert.Equal(0, vfs.Rmdir("/mnt/gone", Root));
        vfs.Close(open!);
        Dictionary<string, string> before = Tree(vfs, "/mnt");
        Assert.Equal(0, first.Unmount());

        MountNamespace again = BlockFsMachine.NewVfs();
        BlockFsMount second = _m.Mount(vfs: again);

        Assert.Equal(before, Tree(again, "/mnt"));
        Assert.Equal(0, again.Lookup("/mnt/src/deep/" + longName, out Inode? found));
        Assert.Equal((6000L, 1000U, 100U, 0x1E0U, 2U), (found!.Size, found.Uid, found.Gid, found.Permissions, found.Links));
        Assert.Equal(new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc), found.ModifyTime);
        Assert.Equal(0, again.Lookup("/mnt/hard", out Inode? hard));
        Assert.Same(found, hard);
        Assert.Equal(0, again.Lookup("/mnt/src/link", out Inode? link));
        Assert.Equal("deep/" + longName, link!.LinkTarget);
        Assert.Equal(0, again.Lookup("/mnt/src", out Inode? src));
        Assert.Equal(3U, src!.Links); // ".", its name, and deep's ".."
        Assert.Equal(3 * 4096L, src.Size);
        Assert.Equal(0, again.Open("/mnt/hard", OpenFlags.ReadOnly, Root, out OpenFile? reopened));
        byte[] back = new byte[6000];
        Assert.Equal(6000, BlockFs.Read(reopened!, 0, back));
        Assert.Equal(data, back);
        Assert.Equal(second.Geometry.InodeCount - 1 - 203U, second.FreeInodes); // src, deep, the file, the link, 199 of the 200
    }

    [Fact]
    public void A_name_of_256_bytes_is_ENAMETOOLONG_and_one_of_255_is_made()
    {
        _ = _m.Mount();
        Assert.Equal(Errnos.Neg(Errno.ENAMETOOLONG), _m.Vfs.Mkdir("/mnt/" + new string('x', 256), 0x1ED, Root));
        Assert.Equal(0, _m.Vfs.Mkdir("/mnt/" + new string('x', 255), 0x1ED, Root));
    }

    [Fact]
    public void An_unlinked_open_file_keeps_its_blocks_until_unmount_then_they_are_free_again()
    {
        BlockFsMount mount = _m.Mount();
        ulong free = mount.FreeBlocks;
        uint inodes = mount.FreeInodes;
        Assert.Equal(0, _m.Vfs.CreateFile("/mnt/tmp", 0x1A4, Root, out _));
        Assert.Equal(0, _m.Vfs.Open("/mnt/tmp", OpenFlags.ReadWrite, Root, out OpenFile? open));
        Assert.Equal(0, _m.Vfs.Unlink("/mnt/tmp", Root));
        Assert.Equal(3 * 4096, MountNamespace.Write(open!, 0, new byte[3 * 4096]));
        Assert.Equal(0, mount.Sync());
        Assert.Equal(free - 4, mount.FreeBlocks); // three data blocks and the root directory's block
        Assert.Equal(3 * 4096, BlockFs.Read(open!, 0, new byte[3 * 4096]));
        _m.Vfs.Close(open!);
        Assert.Equal(0, mount.Unmount());

        BlockFsMount again = _m.Mount(vfs: BlockFsMachine.NewVfs());
        Assert.Equal(free - 1, again.FreeBlocks);
        Assert.Equal(inodes, again.FreeInodes);
        Assert.Empty(again.FileNames);
    }

    // Every path under `top` with what it is: type, mode, owner, size, link target.
    private static Dictionary<string, string> Tree(MountNamespace vfs, string top)
    {
        var tree = new Dictionary<string, string>();
        Assert.Equal(0, vfs.LookupDentry(top, out Dentry? dir));
        Walk(dir!, "");
        return tree;

        void Walk(Dentry d, string path)
        {
            var entries = new List<DirectoryEntry>();
            Assert.Equal(0, vfs.ReadDir(d, entries));
            foreach (DirectoryEntry e in entries)
            {
                Assert.Equal(0, vfs.LookupAt(d, e.Name, out Dentry? child));
                Inode i = child!.Inode;
                tree[path + "/" + e.Name] = $"{i.Type} {i.Mode:X} {i.Uid}:{i.Gid} {i.Size} {i.Links} {i.LinkTarget} {i.ModifyTime:O}";
                if (i.Type == FileType.Directory)
                {
                    Walk(child, path + "/" + e.Name);
                }
            }
        }
    }
}

using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using Xunit;
using AopsGen.Vfs;

[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]

namespace AopsGen.Examples.Tests;

/// <summary>
/// A temporary directory holding a BlockFs image, and a namespace to mount it in: a root filesystem ("rootfs")
/// whose "/" has the directory <see cref="MountPoint"/>. Pages are filled with a pattern of (seed, index) that a
/// page read back either matches exactly or not.
/// </summary>
internal sealed class BlockFsMachine : IDisposable
{
    public const string MountPoint = "/mnt";

    private static readonly AddressSpaceOperations RootFsOps = NewRootFsOps();

    private readonly List<BlockFsMount> _mounts = new();

    public BlockFsMachine(long imageBytes = 8L << 20, MkfsOptions? mkfs = null, bool format = true)
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("aopsgen-blockfs-").FullName;
        ImagePath = Path.Combine(Directory, "blockfs.img");
        Vfs = NewVfs();
        if (format)
        {
            Assert.Equal(0, BlockFs.Mkfs(ImagePath, imageBytes, mkfs, out string? error));
            Assert.Null(error);
        }
    }

    public string Directory { get; }

    public string ImagePath { get; }

    public MountNamespace Vfs { get; }

    /// <summary>A namespace "/" of rootfs with an empty directory "/mnt".</summary>
    public static MountNamespace NewVfs()
    {
        var rootfs = new SuperBlock("rootfs", Page.Size);
        var vfs = new MountNamespace(new Inode(rootfs, 1, FileType.Directory, 0x1ED, RootFsOps));
        Assert.Equal(0, vfs.Create(MountPoint, new Inode(rootfs, 2, FileType.Directory, 0x1ED, RootFsOps), Credentials.Root));
        return vfs;
    }

    /// <summary>Mounts the image on /mnt of <paramref name="vfs"/> (this machine's by default); disposed with the machine.</summary>
    public BlockFsMount Mount(BlockFsMountOptions? options = null, MountNamespace? vfs = null)
    {
        int error = BlockFs.Mount(vfs ?? Vfs, MountPoint, ImagePath, options, out BlockFsMount? mount, out string? message);
        Assert.True(error == 0, $"mount: {error} {message}");
        _mounts.Add(mount!);
        return mount!;
    }

    public static void Fill(Span<byte> page, int seed, int index)
    {
        ulong x = ((ulong)(uint)seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)(uint)index * 0xC2B2AE3D27D4EB4FUL) ^ 0x165667B19E3779F9UL;
        for (int i = 0; i + 8 <= page.Length; i += 8)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            BinaryPrimitives.WriteUInt64LittleEndian(page[i..], x);
        }
    }

    public static byte[] Pattern(int seed, int index)
    {
        var page = new byte[Page.Size];
        Fill(page, seed, index);
        return page;
    }

    /// <summary>The image's bytes at <paramref name="block"/>, read with a FileStream (not through BlockFs).</summary>
    public byte[] ReadImageBlock(ulong block)
    {
        var data = new byte[Page.Size];
        using var image = new FileStream(ImagePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        image.Position = (long)block * Page.Size;
        image.ReadExactly(data);
        return data;
    }

    public void WriteImage(long position, ReadOnlySpan<byte> data)
    {
        using var image = new FileStream(ImagePath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        image.Position = position;
        image.Write(data);
    }

    /// <summary>bmap of every file block of <paramref name="inode"/>, through its table.</summary>
    public static ulong[] BlockMap(Inode inode, int blocks)
    {
        var map = new ulong[blocks];
        for (int i = 0; i < blocks; i++)
        {
            map[i] = AopsCalls.Bmap(inode.Mapping.Aops, inode.Mapping, (ulong)i);
        }
        return map;
    }

    public void Dispose()
    {
        foreach (BlockFsMount mount in _mounts)
        {
            mount.Dispose();
        }
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static unsafe AddressSpaceOperations NewRootFsOps() => new("rootfs_aops");
}

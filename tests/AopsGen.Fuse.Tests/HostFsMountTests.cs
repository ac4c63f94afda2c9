using System.IO;
using System.Linq;
using System.Threading;
using Xunit;

namespace AopsGen.Fuse.Tests;

/// <summary>HostFs mounted through FUSE: what is written through the mount is in the host directory byte for byte,
/// what the host directory held beforehand (files, directories, symbolic and hard links) is there through the mount,
/// and changes of names and attributes reach the host with the host's errno when it refuses.</summary>
public sealed class HostFsMountTests
{
    [FuseFact]
    public void FilesWrittenThroughTheMountAreInTheHostDirectoryByteForByte()
    {
        using var fs = new MountedFs("host");
        var data = new byte[3 * 1024 * 1024 + 123];
        new Random(7).NextBytes(data);
        Directory.CreateDirectory(fs.PathOf("d/e"));
        File.WriteAllBytes(fs.PathOf("d/e/a.bin"), data);
        using (var direct = new FileStream(fs.PathOf("direct.bin"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, (FileOptions)0x4000 /* O_DIRECT */))
        {
            direct.Write(data.AsSpan(0, 1 << 20));
        }

        Assert.Equal(data, File.ReadAllBytes(Path.Combine(fs.HostDir, "d/e/a.bin")));
        Assert.Equal(data[..(1 << 20)], File.ReadAllBytes(Path.Combine(fs.HostDir, "direct.bin")));
        Assert.Equal(data, File.ReadAllBytes(fs.PathOf("d/e/a.bin")));
    }

    [FuseFact]
    public void WhatTheHostDirectoryHeldBeforeIsVisibleThroughTheMount()
    {
        using var fs = new MountedFs("host", host =>
        {
            Directory.CreateDirectory(Path.Combine(host, "sub"));
            File.WriteAllText(Path.Combine(host, "sub/file.txt"), "made on the host");
            File.CreateSymbolicLink(Path.Combine(host, "link"), "sub/file.txt");
            Assert.Equal(0, HostTools.Run("ln", "sub/file.txt hard.txt", host, TimeSpan.FromSeconds(30)).ExitCode);
        });

        Assert.Equal("made on the host", File.ReadAllText(fs.PathOf("sub/file.txt")));
        Assert.Equal(new[] { "hard.txt", "link", "sub" }, Directory.GetFileSystemEntries(fs.Dir).Select(Path.GetFileName).Order().ToArray());
        Assert.Equal("sub/file.txt", new FileInfo(fs.PathOf("link")).LinkTarget);
        Assert.Equal("made on the host", File.ReadAllText(fs.PathOf("link")));
        Assert.Equal(Stat(Path.Combine(fs.HostDir, "hard.txt"), "%i"), Stat(fs.PathOf("sub/file.txt"), "%i")); // the host's inode number
        Assert.Equal(Stat(fs.PathOf("sub/file.txt"), "%i"), Stat(fs.PathOf("hard.txt"), "%i")); // one inode, two names
        Assert.Equal(2UL, Stat(fs.PathOf("hard.txt"), "%h"));
        Assert.Equal(Statfs(fs.HostDir, "%S %b %c"), Statfs(fs.Dir, "%S %b %c")); // df: the host filesystem's block size, blocks, inodes
    }

    private static string Statfs(string path, string format)
    {
        (int code, string output) = HostTools.Run("stat", $"-f -c \"{format}\" {path}", "/", TimeSpan.FromSeconds(30));
        Assert.Equal(0, code);
        return output.Trim();
    }

    [FuseFact]
    public void NamesAndAttributesChangedThroughTheMountChangeOnTheHostWithItsErrno()
    {
        using var fs = new MountedFs("host");
        Directory.CreateDirectory(fs.PathOf("a/b"));
        File.WriteAllText(fs.PathOf("a/b/f"), "0123456789");
        File.Move(fs.PathOf("a/b/f"), fs.PathOf("a/g"));
        File.SetUnixFileMode(fs.PathOf("a/g"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using (var stream = new FileStream(fs.PathOf("a/g"), FileMode.Open))
        {
            stream.SetLength(4);
        }
        var mtime = new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(fs.PathOf("a/g"), mtime);
        File.CreateSymbolicLink(fs.PathOf("a/s"), "g");

        string host = Path.Combine(fs.HostDir, "a");
        Assert.Equal("0123", File.ReadAllText(Path.Combine(host, "g")));
        Assert.False(File.Exists(Path.Combine(host, "b/f")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(host, "g")));
        Assert.Equal(mtime, File.GetLastWriteTimeUtc(Path.Combine(host, "g")));
        Assert.Equal("g", new FileInfo(Path.Combine(host, "s")).LinkTarget);

        File.WriteAllText(Path.Combine(host, "b/later"), "made on the host while mounted");
        Assert.Equal("made on the host while mounted", File.ReadAllText(fs.PathOf("a/b/later")));
        IOException notEmpty = Assert.ThrowsAny<IOException>(() => Directory.Delete(fs.PathOf("a/b")));
        Assert.Contains("not empty", notEmpty.Message, StringComparison.OrdinalIgnoreCase); // ENOTEMPTY
        Directory.Delete(fs.PathOf("a"), recursive: true);
        Assert.False(Directory.Exists(host));
    }

    [FuseFact]
    public void AFileChangedOnTheHostReadsNewThroughTheMountAtTheNextOpen()
    {
        using var fs = new MountedFs("host");
        byte[] old = new byte[256 << 10];
        Array.Fill(old, (byte)'o');
        File.WriteAllBytes(fs.PathOf("f"), old);
        Assert.Equal(old, File.ReadAllBytes(fs.PathOf("f"))); // the bridge's page cache now holds the file

        byte[] fresh = new byte[256 << 10];
        Array.Fill(fresh, (byte)'n');
        File.WriteAllBytes(Path.Combine(fs.HostDir, "f"), fresh); // another program, past the mount
        File.SetLastWriteTimeUtc(Path.Combine(fs.HostDir, "f"), new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        Assert.Equal(fresh, File.ReadAllBytes(fs.PathOf("f"))); // close-to-open: getattr saw the change, the pages went
    }

    [FuseFact]
    public void ANameRenamedOrRemovedOnTheHostIsGoneThroughTheMountOnceTheKernelsEntryTimeoutPasses()
    {
        using var fs = new MountedFs("host");
        File.WriteAllText(fs.PathOf("old"), "renamed on the host");
        File.WriteAllText(fs.PathOf("gone"), "removed on the host");
        Assert.True(File.Exists(fs.PathOf("old")) && File.Exists(fs.PathOf("gone"))); // both in the namespace's dcache

        File.Move(Path.Combine(fs.HostDir, "old"), Path.Combine(fs.HostDir, "new")); // another program, past the mount
        File.Delete(Path.Combine(fs.HostDir, "gone"));
        // The kernel keeps a FUSE name for its entry timeout (AttrTimeout, 1 s); then it asks LOOKUP again, and the
        // namespace's d_revalidate checks the host.
        Thread.Sleep(TimeSpan.FromSeconds(1.5));

        Assert.False(File.Exists(fs.PathOf("old")));
        Assert.False(File.Exists(fs.PathOf("gone")));
        Assert.Equal("renamed on the host", File.ReadAllText(fs.PathOf("new")));
    }

    private static ulong Stat(string path, string format)
    {
        (int code, string output) = HostTools.Run("stat", $"-c {format} {path}", "/", TimeSpan.FromSeconds(30));
        Assert.Equal(0, code);
        return ulong.Parse(output.Trim());
    }
}

using System.IO;
using System.Linq;
using Xunit;

namespace AopsGen.Fuse.Tests;

/// <summary>RamFs mounted through FUSE and used through the host's own system calls (System.IO).</summary>
public sealed class RamFsMountTests
{
    [FuseFact]
    public void AFileWrittenOnTheHostReadsBackByteForByte()
    {
        using var fs = new MountedFs("ram");
        var data = new byte[3 * 1024 * 1024 + 123];
        new Random(7).NextBytes(data);
        File.WriteAllBytes(fs.PathOf("a.bin"), data);
        Assert.Equal(data, File.ReadAllBytes(fs.PathOf("a.bin")));
        Assert.Equal(data.Length, new FileInfo(fs.PathOf("a.bin")).Length);
    }

    [FuseFact]
    public void DirectoriesRenamesLinksAndUnlinksBehaveAsOnLinux()
    {
        using var fs = new MountedFs("ram");
        Directory.CreateDirectory(fs.PathOf("d/e"));
        File.WriteAllText(fs.PathOf("d/e/f.txt"), "hello");
        File.Move(fs.PathOf("d/e/f.txt"), fs.PathOf("d/g.txt"));
        File.CreateSymbolicLink(fs.PathOf("link"), "d/g.txt");
        Assert.Equal("hello", File.ReadAllText(fs.PathOf("link")));
        Assert.Equal(new[] { "d", "link" }, Directory.GetFileSystemEntries(fs.Dir).Select(Path.GetFileName).Order().ToArray());
        Assert.Throws<IOException>(() => Directory.Delete(fs.PathOf("d"))); // ENOTEMPTY
        File.Delete(fs.PathOf("d/g.txt"));
        Directory.Delete(fs.PathOf("d"), recursive: true);
        Assert.False(Directory.Exists(fs.PathOf("d")));
    }
}

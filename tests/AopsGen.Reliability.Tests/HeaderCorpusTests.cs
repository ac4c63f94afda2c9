using System.Buffers.Binary;
using System.IO;
using System.Linq;
using AopsGen.Examples;
using AopsGen.Swap.Tests;
using Xunit;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Reliability.Tests;

/// <summary>
/// swapon against a corpus of swap files: util-linux mkswap's header, then mutated field by field (magic, version,
/// last_page, nr_badpages, bad-page indexes, byte order, the file's length). Each gets the kernel's errno and
/// message — or the kernel's silence where it has none — and a refused swapon changes nothing.
/// </summary>
[Trait("Requires", "util-linux")]
public sealed class HeaderCorpusTests : IDisposable
{
    private const int Pages = 64;
    private static readonly byte[] s_mkswap = MakeWithUtilLinux();
    private readonly SwapMachine _m = new();

    public void Dispose() => _m.Dispose();

    /// <summary>The corpus: a name, how to mutate mkswap's file, and the errno and the start of the log line
    /// expected (null for an accepted header).</summary>
    public static TheoryData<string, Errno, string?> Corpus() => new()
    {
        { "mkswap as is", 0, null },
        { "magic cleared", Errno.EINVAL, "Unable to find swap-space signature" },
        { "v0 magic SWAP-SPACE", Errno.EINVAL, "Unable to find swap-space signature" },
        { "magic one byte off", Errno.EINVAL, "Unable to find swap-space signature" },
        { "version 2", Errno.EINVAL, "Unable to handle swap header version 2" },
        { "version 0", Errno.EINVAL, "Unable to handle swap header version 0" },
        { "last_page past the file", Errno.EINVAL, "Swap area shorter than signature indicates" },
        { "last_page 0", Errno.EINVAL, "Empty swap-file" },
        { "nr_badpages 638", Errno.EINVAL, "bad-page list on a regular file: the header lists 638 bad pages" },
        { "nr_badpages 1 on a regular file", Errno.EINVAL, "bad-page list on a regular file: the header lists 1 bad pages" },
        { "other endianness", 0, null },
        { "other endianness, last_page past the file", Errno.EINVAL, "Swap area shorter than signature indicates" },
        { "file cut in half", Errno.EINVAL, "Swap area shorter than signature indicates" },
        { "file of 2048 bytes", Errno.EINVAL, "Unable to find swap-space signature" },
        { "zero-length file", Errno.EINVAL, "Unable to find swap-space signature" },
        { "all zeros", Errno.EINVAL, "Unable to find swap-space signature" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Each_header_gets_the_kernels_errno_and_message_and_a_refusal_changes_nothing(string mutation, Errno errno, string? message)
    {
        byte[] file = Mutate(mutation);
        string path = _m.CreateFile(file, out Inode inode);
        string before = _m.State();
        int logLines = _m.Swap.Log.Lines.Count;

        int rc = _m.Swap.SwapOn(path, 0, Credentials.Root);

        Assert.Equal(errno == 0 ? 0 : Errnos.Neg(errno), rc);
        if (errno == 0)
        {
            Assert.True(inode.IsSwapFile);
            Assert.Equal(0, _m.Swap.SwapOff(path, Credentials.Root));
            Assert.Equal(before, _m.State());
            return;
        }
        Assert.Equal(before, _m.State());
        Assert.False(inode.IsSwapFile);
        Assert.False(RamFs.DataOf(inode).SwapActive);
        KernelLogLine[] logged = _m.Swap.Log.Lines.Skip(logLines).ToArray();
        Assert.Contains(logged, line => line.Message.StartsWith(message!, StringComparison.Ordinal));
        // The swap table entry was given back: the next good swapon still gets type 0.
        string good = _m.CreateFile(s_mkswap, out _);
        Assert.Equal(0, _m.Swap.SwapOn(good, 0, Credentials.Root));
        Assert.Equal(0, _m.Swap.Areas.Single().Type);
    }

    [Fact]
    public void Swapon_of_a_directory_is_EISDIR_and_changes_nothing()
    {
        Assert.Equal(0, RamFs.Mkdir(_m.Vfs, _m.Root, "/dir", Credentials.Root));
        string before = _m.State();

        Assert.Equal(Errnos.Neg(Errno.EISDIR), _m.Swap.SwapOn("/dir", 0, Credentials.Root));
        Assert.Equal(before, _m.State());
    }

    private static byte[] Mutate(string mutation)
    {
        byte[] file = (byte[])s_mkswap.Clone();
        Span<byte> header = file.AsSpan(0, Page.Size);
        Span<byte> magic = header[SwapHeader.MagicOffset..];
        switch (mutation)
        {
            case "mkswap as is": break;
            case "magic cleared": magic[..10].Clear(); break;
            case "v0 magic SWAP-SPACE": "SWAP-SPACE"u8.CopyTo(magic); break;
            case "magic one byte off": magic[9] ^= 1; break;
            case "version 2": BinaryPrimitives.WriteUInt32LittleEndian(header[SwapHeader.VersionOffset..], 2); break;
            case "version 0": BinaryPrimitives.WriteUInt32LittleEndian(header[SwapHeader.VersionOffset..], 0); break;
            case "last_page past the file": BinaryPrimitives.WriteUInt32LittleEndian(header[SwapHeader.LastPageOffset..], Pages + 10); break;
            case "last_page 0": BinaryPrimitives.WriteUInt32LittleEndian(header[SwapHeader.LastPageOffset..], 0); break;
            case "nr_badpages 638": BinaryPrimitives.WriteUInt32LittleEndian(header[SwapHeader.NrBadPagesOffset..], SwapHeader.MaxBadPages + 1); break;
            case "nr_badpages 1 on a regular file":
                BinaryPrimitives.WriteUInt32LittleEndian(header[SwapHeader.NrBadPagesOffset..], 1);
                BinaryPrimitives.WriteUInt32LittleEndian(header[SwapHeader.BadPagesOffset..], 5);
                break;
            case "other endianness": ByteSwap(header); break;
            case "other endianness, last_page past the file":
                BinaryPrimitives.WriteUInt32LittleEndian(header[SwapHeader.LastPageOffset..], Pages + 10);
                ByteSwap(header);
                break;
            case "file cut in half": return file[..(file.Length / 2)];
            case "file of 2048 bytes": return file[..2048];
            case "zero-length file": return [];
            case "all zeros": Array.Clear(file); break;
            default: throw new ArgumentException(mutation);
        }
        return file;
    }

    // The header's 32-bit fields as a machine of the other byte order would have written them.
    private static void ByteSwap(Span<byte> header)
    {
        foreach (int offset in new[] { SwapHeader.VersionOffset, SwapHeader.LastPageOffset, SwapHeader.NrBadPagesOffset })
        {
            Span<byte> field = header[offset..];
            BinaryPrimitives.WriteUInt32BigEndian(field, BinaryPrimitives.ReadUInt32LittleEndian(field));
        }
        uint badPages = BinaryPrimitives.ReadUInt32BigEndian(header[SwapHeader.NrBadPagesOffset..]);
        for (int i = 0; i < Math.Min(badPages, (uint)SwapHeader.MaxBadPages); i++)
        {
            Span<byte> field = header[(SwapHeader.BadPagesOffset + 4 * i)..];
            BinaryPrimitives.WriteUInt32BigEndian(field, BinaryPrimitives.ReadUInt32LittleEndian(field));
        }
    }

    private static byte[] MakeWithUtilLinux()
    {
        string path = Path.Combine(Path.GetTempPath(), $"aopsgen-corpus-{Environment.ProcessId}.swap");
        try
        {
            System.IO.File.WriteAllBytes(path, new byte[Pages * Page.Size]);
            ToolResult mkswap = UtilLinux.Run("mkswap", "-L", "corpus", "-U", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", path);
            Assert.True(mkswap.ExitCode == 0, mkswap.ToString());
            return System.IO.File.ReadAllBytes(path);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }
}

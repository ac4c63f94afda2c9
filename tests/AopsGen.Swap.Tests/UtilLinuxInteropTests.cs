using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace AopsGen.Swap.Tests;

/// <summary>
/// Interop with real util-linux (Debian package util-linux): mkswap's headers read by SwapHeader.Read, AopsGen's
/// headers recognised by blkid and swaplabel, and AopsGen's header page byte for byte equal to mkswap's. The
/// tools only read and write files in a temporary directory; nothing here runs swapon.
/// </summary>
[Trait("Requires", "util-linux")]
public sealed class UtilLinuxInteropTests : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly TempDirectory _temp = new();

    public UtilLinuxInteropTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public void Dispose() => _temp.Dispose();

    private ToolResult Mkswap(params string[] arguments)
    {
        ToolResult result = UtilLinux.Run("mkswap", arguments);
        _output.WriteLine($"$ mkswap {string.Join(' ', arguments)}\n{result}");
        return result;
    }

    private static Dictionary<string, string> BlkidExport(string path)
    {
        ToolResult result = UtilLinux.Run("blkid", "-p", "-o", "export", path);
        Assert.True(result.ExitCode == 0, $"blkid -p -o export {path}: {result}");
        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : string.Empty);
    }

    [Fact]
    public void Util_linux_tools_are_installed()
    {
        foreach (string tool in new[] { "mkswap", "blkid", "swaplabel" })
        {
            _output.WriteLine($"{tool}: {UtilLinux.Require(tool)}");
        }
        _output.WriteLine(UtilLinux.Run("mkswap", "--version").Stdout);
    }

    [Fact]
    public void Header_written_by_mkswap_is_read_correctly()
    {
        string path = _temp.NewFile("mkswap.swap", Pages.Bytes(256));
        ToolResult mkswap = Mkswap("-L", "from-mkswap", "-U", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9", path);
        Assert.True(mkswap.ExitCode == 0, mkswap.ToString());

        SwapHeaderVerdict verdict = SwapHeader.Read(TempDirectory.ReadPage(path), new FileInfo(path).Length, isBlockDevice: false);

        Assert.True(verdict.IsValid, verdict.ToString());
        Assert.Equal(1U, verdict.Header.Version);
        Assert.Equal(255U, verdict.Header.LastPage);
        Assert.Equal(0U, verdict.Header.NrBadPages);
        Assert.Equal("from-mkswap", verdict.Header.Label);
        Assert.Equal(Guid.Parse("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9"), verdict.Header.Uuid);
        Assert.False(verdict.Header.IsByteSwapped);
        Assert.Equal(256UL, verdict.MaxPages);
        Assert.Equal(255U, verdict.GoodPages);
    }

    [Fact]
    public void Header_written_by_AopsGen_is_recognised_by_blkid()
    {
        string path = _temp.File("aopsgen.swap");
        var uuid = Guid.Parse("a1b2c3d4-e5f6-4789-9abc-def012345678");
        MkswapResult result = AopsGen.Swap.Mkswap.Format(path, new MkswapOptions { Pages = 256, Label = "aops-swap", Uuid = uuid });
        Assert.True(result.Succeeded, result.ToString());

        Dictionary<string, string> blkid = BlkidExport(path);

        Assert.Equal("swap", blkid["TYPE"]);
        Assert.Equal("aops-swap", blkid["LABEL"]);
        Assert.Equal("a1b2c3d4-e5f6-4789-9abc-def012345678", blkid["UUID"]);
        Assert.Equal("1", blkid["VERSION"]);
    }

    [Fact]
    public void Header_written_by_AopsGen_is_recognised_by_swaplabel()
    {
        string path = _temp.File("aopsgen.swap");
        MkswapResult result = AopsGen.Swap.Mkswap.Format(path, new MkswapOptions { Pages = 64, Label = "aops-swap", Uuid = Guid.Parse("a1b2c3d4-e5f6-4789-9abc-def012345678") });
        Assert.True(result.Succeeded, result.ToString());

        ToolResult swaplabel = UtilLinux.Run("swaplabel", path);

        Assert.True(swaplabel.ExitCode == 0, swaplabel.ToString());
        Assert.Equal("LABEL: aops-swap\nUUID:  a1b2c3d4-e5f6-4789-9abc-def012345678\n", swaplabel.Stdout);
    }

    [Fact]
    public void Swaplabel_relabelling_an_AopsGen_header_is_read_back()
    {
        string path = _temp.File("relabel.swap");
        Assert.True(AopsGen.Swap.Mkswap.Format(path, new MkswapOptions { Pages = 64, Label = "before" }).Succeeded);

        ToolResult swaplabel = UtilLinux.Run("swaplabel", "-L", "after", "-U", "99999999-8888-4777-a666-555555555555", path);
        Assert.True(swaplabel.ExitCode == 0, swaplabel.ToString());

        SwapHeaderVerdict verdict = SwapHeader.Read(TempDirectory.ReadPage(path), Pages.Bytes(64), false);
        Assert.True(verdict.IsValid, verdict.ToString());
        Assert.Equal("after", verdict.Header.Label);
        Assert.Equal(Guid.Parse("99999999-8888-4777-a666-555555555555"), verdict.Header.Uuid);
        Assert.Equal(63U, verdict.Header.LastPage);
    }

    public static TheoryData<long, string?, string> SameBytesCases => new()
    {
        { Pages.Bytes(10), "swap", "12345678-abcd-abcd-abcd-1234567890ab" },
        { Pages.Bytes(10), "1234567890abcdef", "12345678-abcd-abcd-abcd-1234567890ab" }, // exactly 16 bytes: mkswap keeps 15
        { Pages.Bytes(10), "123456789012345", "00000000-0000-0000-0000-000000000001" }, // exactly 15 bytes
        { Pages.Bytes(256), "", "ffffffff-ffff-ffff-ffff-ffffffffffff" }, // empty label: "LABEL=, "
        { Pages.Bytes(256), null, "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9" }, // no label: "no label, "
        { 10_000_000, "not-a-page-multiple", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9" },
        { 41_000_000, "Ωmega-Äpfel", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9" }, // "39.1 MiB"
        { 1L << 30, "abcdefghijklmnÄ", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9" }, // "1024 MiB"; label cut inside "Ä"
        { (5L << 30) + 12345, "big", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9" },
    };

    [Theory]
    [MemberData(nameof(SameBytesCases))]
    public void AopsGen_header_page_is_byte_for_byte_mkswaps(long size, string? label, string uuid)
    {
        string theirs = _temp.NewFile("mkswap.swap", size);
        var arguments = new List<string>();
        if (label is not null)
        {
            arguments.AddRange(["-L", label]);
        }
        arguments.AddRange(["-U", uuid, theirs]);
        ToolResult mkswap = Mkswap([.. arguments]);
        Assert.True(mkswap.ExitCode == 0, mkswap.ToString());

        string ours = _temp.NewFile("aopsgen.swap", size);
        MkswapResult result = AopsGen.Swap.Mkswap.Format(ours, new MkswapOptions { Label = label, Uuid = Guid.Parse(uuid) });
        Assert.True(result.Succeeded, result.ToString());

        byte[] theirPage = TempDirectory.ReadPage(theirs);
        byte[] ourPage = TempDirectory.ReadPage(ours);
        Assert.True(theirPage.AsSpan(1024).SequenceEqual(ourPage.AsSpan(1024)), "bytes [1024, 4096) differ");
        Assert.True(theirPage.AsSpan(0, 1024).SequenceEqual(ourPage.AsSpan(0, 1024)), "bootbits [0, 1024) differ");
        Assert.Equal(new FileInfo(theirs).Length, new FileInfo(ours).Length);
        Assert.Equal(mkswap.Stdout, result.Output);
        Assert.Equal(mkswap.Stderr.Contains("mkswap: Label was truncated.", StringComparison.Ordinal), result.Warnings.Contains("Label was truncated."));
    }

    [Fact]
    public void Mkswap_refuses_9_pages_with_the_same_message_as_AopsGen()
    {
        string path = _temp.NewFile("small.swap", Pages.Bytes(9));

        ToolResult mkswap = Mkswap(path);
        MkswapResult result = AopsGen.Swap.Mkswap.Format(path);

        Assert.NotEqual(0, mkswap.ExitCode);
        Assert.False(result.Succeeded);
        Assert.Contains($"mkswap: {result.Error}\n", mkswap.Stderr, StringComparison.Ordinal);
        Assert.Equal("error: swap area needs to be at least 40 KiB", result.Error);
    }

    [Fact]
    public void Bad_page_header_built_by_hand_from_mkswaps_equals_AopsGens()
    {
        // mkswap finds bad pages only with -c on a block device ("checking bad blocks from swap file is not
        // supported"), so a file cannot get a bad-page list from it. Build the header by hand instead: mkswap's
        // header for the same size, label and UUID, with nr_badpages and badpages[] set as struct
        // swap_header_v1_2 lays them out (native-endian words at 1032 and from 1536).
        uint[] bad = [1, 7, 100, 255];
        string theirs = _temp.NewFile("mkswap.swap", Pages.Bytes(256));
        ToolResult mkswap = Mkswap("-L", "bad-pages", "-U", "12345678-abcd-abcd-abcd-1234567890ab", theirs);
        Assert.True(mkswap.ExitCode == 0, mkswap.ToString());
        byte[] expected = TempDirectory.ReadPage(theirs);
        Pages.SetBadPages(expected, bad);

        byte[] ours = new byte[Pages.Size];
        MkswapResult result = AopsGen.Swap.Mkswap.Format(ours, Pages.Bytes(256), new MkswapOptions { Label = "bad-pages", Uuid = Pages.TestUuid, BadPages = bad });

        Assert.True(result.Succeeded, result.ToString());
        Assert.True(expected.AsSpan().SequenceEqual(ours), "the hand-built bad-page header differs from AopsGen's");
        Assert.Equal("Setting up swapspace version 1, size = 1004 KiB (1028096 bytes)\nLABEL=bad-pages, UUID=12345678-abcd-abcd-abcd-1234567890ab\n", result.Output);
        Assert.True(SwapHeader.Read(ours, Pages.Bytes(256), isBlockDevice: true).IsValid);
        Assert.Equal(SwapHeaderProblem.BadPagesOnRegularFile, SwapHeader.Read(ours, Pages.Bytes(256), isBlockDevice: false).Problem);

        // blkid does not look at the bad-page list.
        TempDirectory.WritePage(theirs, ours);
        Dictionary<string, string> blkid = BlkidExport(theirs);
        Assert.Equal("swap", blkid["TYPE"]);
        Assert.Equal("bad-pages", blkid["LABEL"]);
    }

    [Fact]
    public void Big_endian_header_is_read_byte_swapped_and_matches_AopsGens()
    {
        const string Uuid = "12345678-abcd-abcd-abcd-1234567890ab";
        string path = _temp.NewFile("big.swap", Pages.Bytes(100));
        bool hasEndianness = UtilLinux.Run("mkswap", "--help").Stdout.Contains("--endianness", StringComparison.Ordinal);
        byte[] page;
        if (hasEndianness)
        {
            ToolResult mkswap = Mkswap("--endianness=big", "-L", "big-endian", "-U", Uuid, path);
            Assert.True(mkswap.ExitCode == 0, mkswap.ToString());
            page = TempDirectory.ReadPage(path);
        }
        else
        {
            // util-linux before 2.39 has no --endianness. Its 2.39 implementation (cpu32_to_endianness) converts
            // exactly version, last_page and nr_badpages, so do that to a native mkswap header.
            _output.WriteLine("This mkswap has no --endianness (util-linux >= 2.39): the big-endian header is mkswap's native header "
                + "with version, last_page and nr_badpages stored big-endian, as mkswap --endianness=big writes them.");
            ToolResult mkswap = Mkswap("-L", "big-endian", "-U", Uuid, path);
            Assert.True(mkswap.ExitCode == 0, mkswap.ToString());
            page = TempDirectory.ReadPage(path);
            foreach (int offset in new[] { SwapHeader.VersionOffset, SwapHeader.LastPageOffset, SwapHeader.NrBadPagesOffset })
            {
                BinaryPrimitives.WriteUInt32BigEndian(page.AsSpan(offset), Pages.Peek(page, offset));
            }
            TempDirectory.WritePage(path, page);
        }
        Assert.Equal(1U, BinaryPrimitives.ReadUInt32BigEndian(page.AsSpan(SwapHeader.VersionOffset)));

        SwapHeaderVerdict verdict = SwapHeader.Read(page, Pages.Bytes(100), isBlockDevice: false);

        Assert.True(verdict.IsValid, verdict.ToString());
        Assert.Equal(BitConverter.IsLittleEndian, verdict.Header.IsByteSwapped);
        Assert.Equal(1U, verdict.Header.Version);
        Assert.Equal(99U, verdict.Header.LastPage);
        Assert.Equal(0U, verdict.Header.NrBadPages);
        Assert.Equal("big-endian", verdict.Header.Label);
        Assert.Equal(Guid.Parse(Uuid), verdict.Header.Uuid);

        byte[] ours = new byte[Pages.Size];
        Assert.True(AopsGen.Swap.Mkswap.Format(ours, Pages.Bytes(100), new MkswapOptions { Endianness = SwapEndianness.Big, Label = "big-endian", Uuid = Guid.Parse(Uuid) }).Succeeded);
        Assert.True(page.AsSpan().SequenceEqual(ours), "AopsGen's big-endian header differs");

        Dictionary<string, string> blkid = BlkidExport(path);
        Assert.Equal("swap", blkid["TYPE"]);
        Assert.Equal("big-endian", blkid["LABEL"]);
        Assert.Equal(Uuid, blkid["UUID"]);
    }
}

using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Xunit;

namespace AopsGen.Swap.Tests;

/// <summary>Mkswap without util-linux: its refusals, label truncation, printed text and files.</summary>
public sealed class MkswapTests
{
    [Fact]
    public void Refuses_9_pages_with_util_linux_message()
    {
        byte[] page = new byte[Pages.Size];
        page.AsSpan().Fill(0x77);

        MkswapResult result = Mkswap.Format(page, Pages.Bytes(9));

        Assert.False(result.Succeeded);
        Assert.Equal(Errno.EINVAL, result.Errno);
        Assert.Equal(-22, result.ReturnValue);
        Assert.Equal("error: swap area needs to be at least 40 KiB", result.Error);
        Assert.All(page, b => Assert.Equal(0x77, b)); // nothing written
    }

    [Fact]
    public void Refuses_9_pages_given_as_an_option_on_a_larger_device()
    {
        MkswapResult result = Mkswap.Format(new byte[Pages.Size], Pages.Bytes(100), new MkswapOptions { Pages = 9 });

        Assert.Equal("error: swap area needs to be at least 40 KiB", result.Error);
    }

    [Fact]
    public void Accepts_10_pages_and_prints_what_mkswap_prints()
    {
        byte[] page = new byte[Pages.Size];
        page.AsSpan(0, 1024).Fill(0xEE);

        MkswapResult result = Mkswap.Format(page, Pages.Bytes(10), new MkswapOptions { Uuid = Pages.TestUuid, Label = "swap" });

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(10UL, result.Pages);
        Assert.Equal(36864UL, result.SizeInBytes);
        Assert.Equal("Setting up swapspace version 1, size = 36 KiB (36864 bytes)\nLABEL=swap, UUID=12345678-abcd-abcd-abcd-1234567890ab\n", result.Output);
        Assert.Empty(result.Warnings);
        Assert.All(page.AsSpan(0, 1024).ToArray(), b => Assert.Equal(0, b)); // bootbits wiped
        SwapHeaderVerdict verdict = SwapHeader.Read(page, Pages.Bytes(10), false);
        Assert.True(verdict.IsValid, verdict.ToString());
        Assert.Equal(result.Header, verdict.Header);
        Assert.Equal(9U, verdict.Header.LastPage);
    }

    [Fact]
    public void Label_of_16_bytes_is_truncated_to_15_with_util_linux_warning()
    {
        byte[] page = new byte[Pages.Size];

        MkswapResult result = Mkswap.Format(page, Pages.Bytes(10), new MkswapOptions { Label = "1234567890abcdef", Uuid = Pages.TestUuid });

        Assert.Equal(["Label was truncated."], result.Warnings);
        Assert.Equal("1234567890abcde", result.Header.Label);
        Assert.Equal("1234567890abcde\0"u8.ToArray(), page.AsSpan(SwapHeader.LabelOffset, 16).ToArray());
        Assert.EndsWith("LABEL=1234567890abcde, UUID=12345678-abcd-abcd-abcd-1234567890ab\n", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Label_longer_than_16_bytes_is_truncated_to_15()
    {
        MkswapResult result = Mkswap.Format(new byte[Pages.Size], Pages.Bytes(10), new MkswapOptions { Label = "a-label-that-is-far-too-long" });

        Assert.Equal("a-label-that-is", result.Header.Label);
        Assert.Equal(["Label was truncated."], result.Warnings);
    }

    [Fact]
    public void Label_of_15_bytes_is_kept_without_a_warning()
    {
        MkswapResult result = Mkswap.Format(new byte[Pages.Size], Pages.Bytes(10), new MkswapOptions { Label = "123456789012345" });

        Assert.Equal("123456789012345", result.Header.Label);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Label_truncation_counts_UTF8_bytes_and_may_split_a_character_as_util_linux_does()
    {
        byte[] page = new byte[Pages.Size];

        MkswapResult result = Mkswap.Format(page, Pages.Bytes(10), new MkswapOptions { Label = "abcdefghijklmnÄ" }); // 14 + 2 bytes

        Assert.Equal(["Label was truncated."], result.Warnings);
        Assert.Equal(Encoding.UTF8.GetBytes("abcdefghijklmn").Append((byte)0xC3).Append((byte)0).ToArray(), page.AsSpan(SwapHeader.LabelOffset, 16).ToArray());
        Assert.Equal("abcdefghijklmn\uFFFD", result.Header.Label);
    }

    [Fact]
    public void Label_is_cut_at_a_NUL_like_a_C_string()
    {
        MkswapResult result = Mkswap.Format(new byte[Pages.Size], Pages.Bytes(10), new MkswapOptions { Label = "ab\0cd" });

        Assert.Equal("ab", result.Header.Label);
        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void No_label_prints_no_label_and_an_empty_label_prints_LABEL_equals_nothing()
    {
        MkswapResult none = Mkswap.Format(new byte[Pages.Size], Pages.Bytes(10), new MkswapOptions { Uuid = Pages.TestUuid });
        MkswapResult empty = Mkswap.Format(new byte[Pages.Size], Pages.Bytes(10), new MkswapOptions { Uuid = Pages.TestUuid, Label = string.Empty });

        Assert.EndsWith("\nno label, UUID=12345678-abcd-abcd-abcd-1234567890ab\n", none.Output, StringComparison.Ordinal);
        Assert.EndsWith("\nLABEL=, UUID=12345678-abcd-abcd-abcd-1234567890ab\n", empty.Output, StringComparison.Ordinal);
        Assert.Equal(none.Header, empty.Header);
    }

    [Fact]
    public void Default_uuid_is_a_new_random_version_4_uuid()
    {
        byte[] page = new byte[Pages.Size];
        MkswapResult first = Mkswap.Format(page, Pages.Bytes(10));
        MkswapResult second = Mkswap.Format(new byte[Pages.Size], Pages.Bytes(10));

        Assert.NotEqual(first.Header.Uuid, second.Header.Uuid);
        Assert.Equal(0x40, page[SwapHeader.UuidOffset + 6] & 0xF0); // version 4
        Assert.Equal(0x80, page[SwapHeader.UuidOffset + 8] & 0xC0); // RFC 4122 variant
        Assert.Contains($"UUID={first.Header.Uuid:D}\n", first.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Size_in_bytes_is_rounded_down_to_pages()
    {
        MkswapResult result = Mkswap.Format(new byte[Pages.Size], Pages.Bytes(100), new MkswapOptions { SizeInBytes = Pages.Bytes(20) + 4095 });

        Assert.Equal(20UL, result.Pages);
        Assert.Equal(19U, result.Header.LastPage);
    }

    [Fact]
    public void Size_larger_than_the_device_is_refused_like_mkswap_without_force()
    {
        MkswapResult result = Mkswap.Format(new byte[Pages.Size], Pages.Bytes(10), new MkswapOptions { Pages = 11 });

        Assert.Equal(Errno.EINVAL, result.Errno);
        Assert.Equal("error: size 44 KiB is larger than device size 40 KiB", result.Error);
    }

    [Fact]
    public void Size_in_bytes_and_in_pages_together_are_refused()
    {
        MkswapResult result = Mkswap.Format(new byte[Pages.Size], Pages.Bytes(100), new MkswapOptions { Pages = 20, SizeInBytes = Pages.Bytes(20) });

        Assert.Equal(Errno.EINVAL, result.Errno);
    }

    [Fact]
    public void Bad_pages_are_written_and_leave_the_usable_size()
    {
        byte[] page = new byte[Pages.Size];

        MkswapResult result = Mkswap.Format(page, Pages.Bytes(20), new MkswapOptions { BadPages = [4, 19], Uuid = Pages.TestUuid });

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal((20UL - 2 - 1) * 4096, result.SizeInBytes);
        Assert.StartsWith("Setting up swapspace version 1, size = 68 KiB (69632 bytes)\n", result.Output, StringComparison.Ordinal);
        Assert.Equal(2U, Pages.Peek(page, SwapHeader.NrBadPagesOffset));
        Assert.Equal(4U, Pages.Peek(page, SwapHeader.BadPagesOffset));
        Assert.Equal(19U, Pages.Peek(page, SwapHeader.BadPagesOffset + 4));
        SwapHeaderVerdict verdict = SwapHeader.Read(page, Pages.Bytes(20), isBlockDevice: true);
        Assert.True(verdict.IsValid, verdict.ToString());
        Assert.Equal(17U, verdict.GoodPages);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(20u)]
    public void Bad_page_outside_the_area_is_refused(uint bad)
    {
        MkswapResult result = Mkswap.Format(new byte[Pages.Size], Pages.Bytes(20), new MkswapOptions { BadPages = [bad] });

        Assert.Equal(Errno.EINVAL, result.Errno);
        Assert.Equal($"error: bad page {bad} is outside the swap area (1..19)", result.Error);
    }

    [Fact]
    public void More_than_637_bad_pages_are_refused_with_util_linux_message()
    {
        uint[] bad = new uint[638];
        for (int i = 0; i < bad.Length; i++)
        {
            bad[i] = (uint)(i + 1);
        }

        MkswapResult result = Mkswap.Format(new byte[Pages.Size], Pages.Bytes(10_000), new MkswapOptions { BadPages = bad });

        Assert.Equal("too many bad pages: 637", result.Error);
    }

    [Fact]
    public void Fewer_than_10_good_pages_is_unreadable_as_util_linux_says()
    {
        MkswapResult result = Mkswap.Format(new byte[Pages.Size], Pages.Bytes(12), new MkswapOptions { BadPages = [1, 2, 3] });

        Assert.Equal(Errno.EINVAL, result.Errno);
        Assert.Equal("Unable to set up swap-space: unreadable", result.Error);
    }

    [Fact]
    public void Big_endian_header_is_byte_swapped_on_this_machine_and_reads_back()
    {
        byte[] page = new byte[Pages.Size];

        MkswapResult result = Mkswap.Format(page, Pages.Bytes(10), new MkswapOptions { Endianness = SwapEndianness.Big, Label = "be" });

        Assert.Equal(1U, BinaryPrimitives.ReadUInt32BigEndian(page.AsSpan(SwapHeader.VersionOffset)));
        Assert.Equal(9U, BinaryPrimitives.ReadUInt32BigEndian(page.AsSpan(SwapHeader.LastPageOffset)));
        SwapHeaderVerdict verdict = SwapHeader.Read(page, Pages.Bytes(10), false);
        Assert.True(verdict.IsValid, verdict.ToString());
        Assert.Equal(BitConverter.IsLittleEndian, verdict.Header.IsByteSwapped);
        Assert.Equal(result.Header, verdict.Header);
        Assert.Equal("be", verdict.Header.Label);
    }

    [Fact]
    public void Little_endian_header_is_native_on_this_machine()
    {
        byte[] page = new byte[Pages.Size];

        Mkswap.Format(page, Pages.Bytes(10), new MkswapOptions { Endianness = SwapEndianness.Little });

        Assert.Equal(1U, BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(SwapHeader.VersionOffset)));
        Assert.Equal(!BitConverter.IsLittleEndian, SwapHeader.Read(page, Pages.Bytes(10), false).Header.IsByteSwapped);
    }

    [Theory]
    [InlineData(0UL, "0 B")]
    [InlineData(1UL, "1 B")]
    [InlineData(1023UL, "1023 B")]
    [InlineData(1024UL, "1 KiB")]
    [InlineData(1536UL, "1.5 KiB")]
    [InlineData(36864UL, "36 KiB")]
    [InlineData(41_000_000UL, "39.1 MiB")]
    [InlineData(1_048_575UL, "1024 KiB")] // rounding overflows into the integer part, not the unit
    [InlineData(1_073_737_728UL, "1024 MiB")] // a 1 GiB area less its header page
    [InlineData(1UL << 30, "1 GiB")]
    [InlineData((1UL << 40) + (1UL << 39), "1.5 TiB")]
    [InlineData(1UL << 60, "1 EiB")]
    [InlineData(ulong.MaxValue, "16 EiB")]
    public void Size_to_human_string_matches_util_linux(ulong bytes, string expected)
    {
        Assert.Equal(expected, Mkswap.SizeToHumanString(bytes));
    }

    [Fact]
    public void Format_file_creates_a_0600_file_of_the_given_size_with_the_header_page()
    {
        using var temp = new TempDirectory();
        string path = temp.File("new.swap");

        MkswapResult result = Mkswap.Format(path, new MkswapOptions { Pages = 64, Label = "file", Uuid = Pages.TestUuid });

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(Pages.Bytes(64), new FileInfo(path).Length);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, System.IO.File.GetUnixFileMode(path));
        Assert.Empty(result.Warnings);
        byte[] page = TempDirectory.ReadPage(path);
        Assert.All(page.AsSpan(0, 1024).ToArray(), b => Assert.Equal(0, b));
        SwapHeaderVerdict verdict = SwapHeader.Read(page, new FileInfo(path).Length, isBlockDevice: false);
        Assert.True(verdict.IsValid, verdict.ToString());
        Assert.Equal("file", verdict.Header.Label);
        Assert.Equal(63U, verdict.Header.LastPage);
    }

    [Fact]
    public void Format_existing_file_uses_its_size_keeps_its_mode_and_warns_of_insecure_permissions()
    {
        using var temp = new TempDirectory();
        string path = temp.File("existing.swap");
        System.IO.File.WriteAllBytes(path, new byte[Pages.Bytes(32) + 100]);
        System.IO.File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100); // 0644

        MkswapResult result = Mkswap.Format(path);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(32UL, result.Pages);
        Assert.Equal(Pages.Bytes(32) + 100, new FileInfo(path).Length);
        Assert.Equal((UnixFileMode)0b110_100_100, System.IO.File.GetUnixFileMode(path));
        Assert.Contains($"{path}: insecure permissions 0644, fix with: chmod 0600 {path}", result.Warnings);
        Assert.True(SwapHeader.Read(TempDirectory.ReadPage(path), new FileInfo(path).Length, false).IsValid);
    }

    [Fact]
    public void Format_existing_file_with_a_smaller_size_keeps_its_length_and_wipes_the_old_signature_with_a_warning()
    {
        using var temp = new TempDirectory();
        string path = temp.File("old.swap");
        System.IO.File.WriteAllBytes(path, new byte[Pages.Bytes(40)]);
        System.IO.File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.True(Mkswap.Format(path).Succeeded);

        MkswapResult result = Mkswap.Format(path, new MkswapOptions { Pages = 20 });

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(20UL, result.Pages);
        Assert.Equal(Pages.Bytes(40), new FileInfo(path).Length);
        Assert.Equal([$"{path}: warning: wiping old swap signature."], result.Warnings);
    }

    [Fact]
    public void Format_larger_size_than_an_existing_file_is_refused_without_Force_and_the_file_is_unchanged()
    {
        using var temp = new TempDirectory();
        string path = temp.File("small.swap");
        System.IO.File.WriteAllBytes(path, new byte[Pages.Bytes(16)]);
        string before = Describe(path);

        MkswapResult result = Mkswap.Format(path, new MkswapOptions { Pages = 64 });

        Assert.Equal(Errno.EINVAL, result.Errno);
        Assert.Equal("error: size 256 KiB is larger than device size 64 KiB", result.Error);
        Assert.Equal(before, Describe(path));
    }

    [Fact]
    public void Format_with_Force_grows_an_existing_file_allocated_without_holes()
    {
        using var temp = new TempDirectory();
        string path = temp.File("grow.swap");
        System.IO.File.WriteAllBytes(path, new byte[Pages.Bytes(16)]);
        System.IO.File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);

        MkswapResult result = Mkswap.Format(path, new MkswapOptions { Pages = 64, Force = true });

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(64UL, result.Pages);
        Assert.Equal(Pages.Bytes(64), new FileInfo(path).Length);
        Assert.Empty(result.Warnings);
        string[] stat = Tool("stat", "-c", "%b %B", path).Split(' ');
        Assert.True(long.Parse(stat[0], System.Globalization.CultureInfo.InvariantCulture) * long.Parse(stat[1], System.Globalization.CultureInfo.InvariantCulture) >= Pages.Bytes(64),
            $"allocated {stat[0]} blocks of {stat[1]} bytes for a {Pages.Bytes(64)}-byte file: holes");
    }

    [Fact]
    public void Format_sparse_file_warns_of_holes_like_util_linux()
    {
        using var temp = new TempDirectory();
        string path = temp.NewFile("sparse.swap", 2 << 20);

        MkswapResult result = Mkswap.Format(path);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Contains($"{path} contains holes or other unsupported extents. This swap file can be rejected by kernel on swap activation!", result.Warnings);
    }

    [Fact]
    public void Format_symbolic_link_is_ELOOP_and_neither_it_nor_its_target_is_touched()
    {
        using var temp = new TempDirectory();
        string target = temp.File("target");
        System.IO.File.WriteAllBytes(target, new byte[Pages.Bytes(16)]);
        string link = temp.File("link");
        System.IO.File.CreateSymbolicLink(link, target);
        string before = Describe(target);

        MkswapResult result = Mkswap.Format(link, new MkswapOptions { Pages = 16 });

        Assert.Equal(Errno.ELOOP, result.Errno);
        Assert.Equal($"{link}: a symbolic link, not a regular file: mkswap sets up swap files only: Too many levels of symbolic links", result.Error);
        Assert.Equal(before, Describe(target));
        Assert.Equal(target, new FileInfo(link).LinkTarget);
    }

    [Fact]
    public async Task Format_FIFO_is_EINVAL_and_returns_without_waiting_for_a_writer()
    {
        using var temp = new TempDirectory();
        string fifo = temp.File("fifo");
        Tool("mkfifo", fifo);
        string before = Describe(fifo);

        // A TimeoutException here means Mkswap.Format opened the FIFO and waited for a writer.
        MkswapResult result = await Task.Run(() => Mkswap.Format(fifo, new MkswapOptions { Pages = 16 }), TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        Assert.Equal(Errno.EINVAL, result.Errno);
        Assert.Contains("a FIFO, not a regular file", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, Describe(fifo));
    }

    [Fact]
    public void Format_device_node_is_EINVAL_and_unchanged()
    {
        if (Environment.UserName != "root")
        {
            Assert.Skip("mknod needs root (CAP_MKNOD) to make the device node this test refuses");
        }
        using var temp = new TempDirectory();
        string node = temp.File("blk");
        // Major 60 is "local/experimental use": no driver, so even an open would touch no device.
        Tool("mknod", node, "b", "60", "0");
        string before = Describe(node);

        MkswapResult result = Mkswap.Format(node, new MkswapOptions { Pages = 16 });

        Assert.Equal(Errno.EINVAL, result.Errno);
        Assert.Contains("a block device, not a regular file", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, Describe(node));
    }

    [Theory]
    [InlineData(36 * 1024L)]      // refused by the plan: smaller than 40 KiB
    [InlineData(1L << 60)]        // refused by the allocation: 1 EiB is more than any disk here
    public void Format_failed_run_leaves_no_created_file(long size)
    {
        using var temp = new TempDirectory();
        string path = temp.File("failed.swap");

        MkswapResult result = Mkswap.Format(path, new MkswapOptions { SizeInBytes = size });

        Assert.False(result.Succeeded);
        Assert.False(System.IO.File.Exists(path), $"{result}: the file it created stayed behind");
    }

    /// <summary>Type, mode, length and content hash of the file at <paramref name="path"/> (not following a link).</summary>
    private static string Describe(string path) =>
        Tool("stat", "-c", "%F %a %s %t:%T", path) + (new FileInfo(path).LinkTarget == null && Tool("stat", "-c", "%F", path) == "regular file"
            ? " " + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.IO.File.ReadAllBytes(path)))
            : string.Empty);

    private static string Tool(string tool, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(tool, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using System.Diagnostics.Process process = System.Diagnostics.Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{tool} {string.Join(' ', args)}: {error}");
        return output.Trim();
    }

    [Fact]
    public void Format_missing_file_without_a_size_is_ENOENT_and_creates_nothing()
    {
        using var temp = new TempDirectory();
        string path = temp.File("missing.swap");

        MkswapResult result = Mkswap.Format(path);

        Assert.Equal(Errno.ENOENT, result.Errno);
        Assert.Equal($"cannot open {path}: No such file or directory", result.Error);
        Assert.False(System.IO.File.Exists(path));
    }

    [Fact]
    public void Format_too_small_file_is_refused_before_creating_it()
    {
        using var temp = new TempDirectory();
        string path = temp.File("small.swap");

        MkswapResult result = Mkswap.Format(path, new MkswapOptions { SizeInBytes = 36 * 1024 });

        Assert.Equal("error: swap area needs to be at least 40 KiB", result.Error);
        Assert.False(System.IO.File.Exists(path));
    }

    [Fact]
    public void Format_directory_is_EISDIR_and_unchanged()
    {
        using var temp = new TempDirectory();
        string before = Describe(temp.Path);

        MkswapResult result = Mkswap.Format(temp.Path, new MkswapOptions { Pages = 10 });

        Assert.Equal(Errno.EISDIR, result.Errno);
        Assert.Equal($"{temp.Path}: a directory, not a regular file: mkswap sets up swap files only: Is a directory", result.Error);
        Assert.Equal(before, Describe(temp.Path));
    }

    [Fact]
    public void Format_file_with_bad_pages_is_refused_because_the_kernel_would_refuse_it()
    {
        using var temp = new TempDirectory();
        string path = temp.File("bad.swap");

        MkswapResult result = Mkswap.Format(path, new MkswapOptions { Pages = 20, BadPages = [5] });

        Assert.Equal(Errno.EINVAL, result.Errno);
        Assert.Contains("bad pages on a regular file", result.Error, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(path));
    }
}

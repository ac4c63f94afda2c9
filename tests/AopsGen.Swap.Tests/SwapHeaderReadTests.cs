using System.Buffers.Binary;
using Xunit;

namespace AopsGen.Swap.Tests;

/// <summary>
/// SwapHeader.Read against mm/swapfile.c read_swap_header (6.13) and setup_swap_map_and_extents: one test per
/// verdict, with the kernel's errno and message (or AopsGen's where the kernel is silent).
/// </summary>
public sealed class SwapHeaderReadTests
{
    private static void AssertRefused(SwapHeaderVerdict verdict, SwapHeaderProblem problem, string message)
    {
        Assert.False(verdict.IsValid);
        Assert.Equal(problem, verdict.Problem);
        Assert.Equal(Errno.EINVAL, verdict.Errno);
        Assert.Equal(-22, verdict.ReturnValue);
        Assert.Equal(message, verdict.Message);
    }

    [Fact]
    public void Valid_header_gives_maxpages_and_good_pages()
    {
        byte[] page = Pages.Valid(lastPage: 255);

        SwapHeaderVerdict verdict = SwapHeader.Read(page, Pages.Bytes(256), isBlockDevice: false);

        Assert.True(verdict.IsValid, verdict.ToString());
        Assert.Equal((Errno)0, verdict.Errno);
        Assert.Equal(0, verdict.ReturnValue);
        Assert.Equal(string.Empty, verdict.Message);
        Assert.Equal(256UL, verdict.MaxPages);
        Assert.Equal(255U, verdict.GoodPages);
        Assert.False(verdict.IsTruncated);
        Assert.Null(verdict.Warning);
        Assert.Equal(1U, verdict.Header.Version);
        Assert.Equal(255U, verdict.Header.LastPage);
        Assert.Equal("swap", verdict.Header.Label);
        Assert.Equal(Pages.TestUuid, verdict.Header.Uuid);
        Assert.False(verdict.Header.IsByteSwapped);
    }

    [Fact]
    public void File_longer_than_the_header_claims_is_valid()
    {
        SwapHeaderVerdict verdict = SwapHeader.Read(Pages.Valid(lastPage: 9), Pages.Bytes(1000) + 123, isBlockDevice: false);

        Assert.True(verdict.IsValid, verdict.ToString());
        Assert.Equal(10UL, verdict.MaxPages);
        Assert.Equal(9U, verdict.GoodPages);
    }

    [Fact]
    public void Bad_magic_is_EINVAL_unable_to_find_swap_space_signature()
    {
        byte[] page = Pages.Valid(lastPage: 99);
        page[SwapHeader.MagicOffset + 9] = (byte)'3';

        AssertRefused(SwapHeader.Read(page, Pages.Bytes(100), false), SwapHeaderProblem.BadSignature, "Unable to find swap-space signature");
        Assert.True(SwapHeader.Read(page, Pages.Bytes(100), false).KernelLogsMessage);
    }

    [Fact]
    public void Old_v0_magic_SWAP_SPACE_is_refused_as_bad_signature()
    {
        byte[] page = Pages.Valid(lastPage: 99);
        "SWAP-SPACE"u8.CopyTo(page.AsSpan(SwapHeader.MagicOffset));

        AssertRefused(SwapHeader.Read(page, Pages.Bytes(100), false), SwapHeaderProblem.BadSignature, "Unable to find swap-space signature");
    }

    [Fact]
    public void Version_2_is_EINVAL_unable_to_handle_swap_header_version_2()
    {
        byte[] page = Pages.Valid(lastPage: 99);
        Pages.Poke(page, SwapHeader.VersionOffset, 2);

        SwapHeaderVerdict verdict = SwapHeader.Read(page, Pages.Bytes(100), false);

        AssertRefused(verdict, SwapHeaderProblem.UnsupportedVersion, "Unable to handle swap header version 2");
        Assert.Equal(2U, verdict.Header.Version);
        Assert.True(verdict.KernelLogsMessage);
    }

    [Fact]
    public void Version_is_printed_as_a_signed_int_like_the_kernels_percent_d()
    {
        byte[] page = Pages.Valid(lastPage: 99);
        Pages.Poke(page, SwapHeader.VersionOffset, 0xFFFFFFFF);

        AssertRefused(SwapHeader.Read(page, Pages.Bytes(100), false), SwapHeaderProblem.UnsupportedVersion, "Unable to handle swap header version -1");
    }

    [Fact]
    public void Last_page_beyond_the_file_is_EINVAL_swap_area_shorter_than_signature_indicates()
    {
        byte[] page = Pages.Valid(lastPage: 100);

        SwapHeaderVerdict verdict = SwapHeader.Read(page, Pages.Bytes(100), false);

        AssertRefused(verdict, SwapHeaderProblem.ShorterThanSignature, "Swap area shorter than signature indicates");
        Assert.Equal(101UL, verdict.MaxPages);
    }

    [Fact]
    public void Bad_pages_on_a_regular_file_is_EINVAL_which_the_kernel_does_not_log()
    {
        byte[] page = Pages.Valid(lastPage: 99, badPages: [5]);

        SwapHeaderVerdict verdict = SwapHeader.Read(page, Pages.Bytes(100), isBlockDevice: false);

        AssertRefused(verdict, SwapHeaderProblem.BadPagesOnRegularFile,
            "bad-page list on a regular file: the header lists 1 bad pages, which the kernel accepts only on a block device (it fails without a message)");
        Assert.False(verdict.KernelLogsMessage);
        Assert.True(SwapHeader.Read(page, Pages.Bytes(100), isBlockDevice: true).IsValid);
    }

    [Fact]
    public void Too_many_bad_pages_is_EINVAL_which_the_kernel_does_not_log()
    {
        byte[] page = Pages.Valid(lastPage: 9999);
        Pages.Poke(page, SwapHeader.NrBadPagesOffset, 638);

        SwapHeaderVerdict verdict = SwapHeader.Read(page, Pages.Bytes(10000), isBlockDevice: true);

        AssertRefused(verdict, SwapHeaderProblem.TooManyBadPages,
            "too many bad pages: the header lists 638, more than MAX_SWAP_BADPAGES (637) (the kernel fails without a message)");
        Assert.False(verdict.KernelLogsMessage);
    }

    [Fact]
    public void Too_many_bad_pages_in_a_byte_swapped_header_is_caught_before_anything_else()
    {
        // 6.13 bounds nr_badpages inside the byte-swap branch, before the version, size and file-type checks.
        byte[] page = Pages.Valid(lastPage: 9999, byteSwapped: true);
        Pages.Poke(page, SwapHeader.NrBadPagesOffset, BinaryPrimitives.ReverseEndianness(100_000U));

        SwapHeaderVerdict verdict = SwapHeader.Read(page, Pages.Bytes(1), isBlockDevice: false);

        Assert.Equal(SwapHeaderProblem.TooManyBadPages, verdict.Problem);
        Assert.True(verdict.Header.IsByteSwapped);
        Assert.Equal(100_000U, verdict.Header.NrBadPages);
    }

    [Fact]
    public void Exactly_637_bad_pages_is_valid_on_a_block_device()
    {
        uint[] bad = new uint[SwapHeader.MaxBadPages];
        for (int i = 0; i < bad.Length; i++)
        {
            bad[i] = (uint)(i + 1);
        }
        byte[] page = Pages.Valid(lastPage: 999, badPages: bad);
        Assert.Equal(bad[^1], Pages.Peek(page, SwapHeader.BadPagesOffset + (4 * 636))); // the last entry ends at 4084, 2 bytes before the magic

        SwapHeaderVerdict verdict = SwapHeader.Read(page, Pages.Bytes(1000), isBlockDevice: true);

        Assert.True(verdict.IsValid, verdict.ToString());
        Assert.Equal(999U - 637U, verdict.GoodPages);
        Assert.Equal(bad, verdict.Header.BadPages.ToArray());
    }

    [Fact]
    public void Last_page_zero_is_EINVAL_empty_swap_file()
    {
        byte[] page = Pages.Valid(lastPage: 0);

        SwapHeaderVerdict verdict = SwapHeader.Read(page, Pages.Bytes(1), false);

        AssertRefused(verdict, SwapHeaderProblem.EmptySwapFile, "Empty swap-file");
        Assert.True(verdict.KernelLogsMessage);
    }

    [Fact]
    public void Every_page_bad_is_EINVAL_empty_swap_file_from_setup_swap_map_and_extents()
    {
        byte[] page = Pages.Valid(lastPage: 3, badPages: [1, 2, 3]);

        SwapHeaderVerdict verdict = SwapHeader.Read(page, Pages.Bytes(4), isBlockDevice: true);

        AssertRefused(verdict, SwapHeaderProblem.NoGoodPages, "Empty swap-file");
    }

    [Fact]
    public void Bad_page_index_0_is_EINVAL()
    {
        byte[] page = Pages.Valid(lastPage: 99, badPages: [7, 0]);

        SwapHeaderVerdict verdict = SwapHeader.Read(page, Pages.Bytes(100), isBlockDevice: true);

        AssertRefused(verdict, SwapHeaderProblem.BadPageOutOfRange, "bad page 0 (entry 1) is outside 1..99 (the kernel fails without a message)");
        Assert.Equal(0U, verdict.BadPage);
        Assert.Equal(1, verdict.BadPageIndex);
        Assert.False(verdict.KernelLogsMessage);
    }

    [Fact]
    public void Bad_page_index_above_last_page_is_EINVAL()
    {
        byte[] page = Pages.Valid(lastPage: 99, badPages: [100]);

        SwapHeaderVerdict verdict = SwapHeader.Read(page, Pages.Bytes(100), isBlockDevice: true);

        AssertRefused(verdict, SwapHeaderProblem.BadPageOutOfRange, "bad page 100 (entry 0) is outside 1..99 (the kernel fails without a message)");
        Assert.Equal(100U, verdict.BadPage);
    }

    [Fact]
    public void Bad_page_equal_to_last_page_is_valid()
    {
        SwapHeaderVerdict verdict = SwapHeader.Read(Pages.Valid(lastPage: 99, badPages: [99]), Pages.Bytes(100), isBlockDevice: true);

        Assert.True(verdict.IsValid, verdict.ToString());
        Assert.Equal(98U, verdict.GoodPages);
    }

    [Fact]
    public void A_bad_page_listed_twice_counts_twice_as_in_the_kernel()
    {
        SwapHeaderVerdict verdict = SwapHeader.Read(Pages.Valid(lastPage: 99, badPages: [5, 5]), Pages.Bytes(100), isBlockDevice: true);

        Assert.True(verdict.IsValid);
        Assert.Equal(97U, verdict.GoodPages);
    }

    [Fact]
    public void Zero_length_file_is_EINVAL_signature()
    {
        AssertRefused(SwapHeader.Read(new byte[Pages.Size], 0, false), SwapHeaderProblem.BadSignature, "Unable to find swap-space signature");
        // The kernel reads page 0 of a zero-length file as zeros, whatever a stale buffer holds.
        AssertRefused(SwapHeader.Read(Pages.Valid(lastPage: 99), 0, false), SwapHeaderProblem.BadSignature, "Unable to find swap-space signature");
    }

    [Fact]
    public void File_shorter_than_one_page_is_EINVAL_signature()
    {
        AssertRefused(SwapHeader.Read(Pages.Valid(lastPage: 0), Pages.Size - 1, false), SwapHeaderProblem.BadSignature, "Unable to find swap-space signature");
    }

    [Fact]
    public void Truncated_page_is_EINVAL_signature_and_does_not_throw()
    {
        byte[] page = Pages.Valid(lastPage: 99);
        foreach (int length in new[] { 0, 1, 1024, 1036, 1536, SwapHeader.MagicOffset, SwapHeader.MagicOffset + 9, Pages.Size - 1 })
        {
            AssertRefused(SwapHeader.Read(page.AsSpan(0, length), Pages.Bytes(100), false), SwapHeaderProblem.BadSignature, "Unable to find swap-space signature");
        }
    }

    [Fact]
    public void Last_page_UINT_MAX_caps_maxpages_at_UINT_MAX()
    {
        SwapHeaderVerdict verdict = SwapHeader.Read(Pages.Valid(lastPage: uint.MaxValue), long.MaxValue, isBlockDevice: true);

        Assert.True(verdict.IsValid, verdict.ToString());
        Assert.Equal((ulong)uint.MaxValue, verdict.MaxPages);
        Assert.Equal(uint.MaxValue - 1, verdict.GoodPages);
    }

    [Fact]
    public void Area_above_the_architecture_limit_is_truncated_with_the_kernels_warning()
    {
        SwapHeaderVerdict verdict = SwapHeader.Read(Pages.Valid(lastPage: 200), Pages.Bytes(150), isBlockDevice: false, maxSwapfilePages: 100);

        Assert.True(verdict.IsValid, verdict.ToString());
        Assert.True(verdict.IsTruncated);
        Assert.Equal(100UL, verdict.MaxPages);
        Assert.Equal(99U, verdict.GoodPages);
        Assert.Equal("Truncating oversized swap area, only using 400k out of 800k", verdict.Warning);
    }

    [Fact]
    public void Byte_swapped_header_is_read_with_IsByteSwapped()
    {
        byte[] page = Pages.Valid(lastPage: 99, label: "other-endian", badPages: [3, 42], byteSwapped: true);
        Assert.Equal(BinaryPrimitives.ReverseEndianness(1U), Pages.Peek(page, SwapHeader.VersionOffset));
        Assert.Equal(BinaryPrimitives.ReverseEndianness(99U), Pages.Peek(page, SwapHeader.LastPageOffset));
        Assert.Equal(BinaryPrimitives.ReverseEndianness(42U), Pages.Peek(page, SwapHeader.BadPagesOffset + 4));

        SwapHeaderVerdict verdict = SwapHeader.Read(page, Pages.Bytes(100), isBlockDevice: true);

        Assert.True(verdict.IsValid, verdict.ToString());
        Assert.True(verdict.Header.IsByteSwapped);
        Assert.Equal(1U, verdict.Header.Version);
        Assert.Equal(99U, verdict.Header.LastPage);
        Assert.Equal(new uint[] { 3, 42 }, verdict.Header.BadPages.ToArray());
        Assert.Equal("other-endian", verdict.Header.Label);
        Assert.Equal(97U, verdict.GoodPages);
    }

    [Fact]
    public void Read_never_throws_on_garbage()
    {
        var random = new Random(6_13);
        byte[] page = new byte[Pages.Size];
        for (int i = 0; i < 20_000; i++)
        {
            random.NextBytes(page);
            SwapHeader.Magic.CopyTo(page.AsSpan(SwapHeader.MagicOffset));
            // Keep the interesting words small or byte-swapped-small now and then.
            if ((i & 1) == 0)
            {
                Pages.Poke(page, SwapHeader.VersionOffset, (i & 2) == 0 ? 1U : BinaryPrimitives.ReverseEndianness(1U));
            }
            if ((i & 4) == 0)
            {
                Pages.Poke(page, SwapHeader.NrBadPagesOffset, (uint)random.Next(0, 700));
            }
            long fileSize = random.Next(3) switch { 0 => 0, 1 => random.NextInt64(), _ => Pages.Bytes((ulong)random.Next(0, 5000)) };
            SwapHeaderVerdict verdict = SwapHeader.Read(page, fileSize, isBlockDevice: (i & 8) == 0);
            Assert.NotNull(verdict.Message);
            Assert.True(verdict.IsValid == (verdict.Errno == 0));
        }
    }

    [Fact]
    public void Read_refuses_an_architecture_limit_of_zero()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SwapHeader.Read(Pages.Valid(9), Pages.Bytes(10), false, maxSwapfilePages: 0));
    }
}

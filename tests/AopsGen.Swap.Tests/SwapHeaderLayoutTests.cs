using System.Buffers.Binary;
using System.Linq;
using System.Text;
using Xunit;

namespace AopsGen.Swap.Tests;

/// <summary>The byte layout of union swap_header, the value's rules, round trips and allocation-free reading.</summary>
public sealed class SwapHeaderLayoutTests
{
    [Fact]
    public void Layout_constants_match_union_swap_header_for_4_KiB_pages()
    {
        Assert.Equal(4096, SwapHeader.PageSize);
        Assert.Equal(1024, SwapHeader.VersionOffset);
        Assert.Equal(1028, SwapHeader.LastPageOffset);
        Assert.Equal(1032, SwapHeader.NrBadPagesOffset);
        Assert.Equal(1036, SwapHeader.UuidOffset);
        Assert.Equal(1052, SwapHeader.LabelOffset);
        Assert.Equal(1536, SwapHeader.BadPagesOffset);
        Assert.Equal(4086, SwapHeader.MagicOffset);
        Assert.Equal(637, SwapHeader.MaxBadPages);
        // util-linux's own formula: (pagesize - 1024 - 128 * sizeof(int) - 10) / sizeof(int).
        Assert.Equal((4096 - 1024 - (128 * 4) - 10) / 4, SwapHeader.MaxBadPages);
        Assert.Equal("SWAPSPACE2"u8.ToArray(), SwapHeader.Magic.ToArray());
    }

    [Fact]
    public void WriteTo_writes_every_field_at_its_offset_and_leaves_bootbits_alone()
    {
        byte[] page = new byte[SwapHeader.PageSize];
        page.AsSpan(0, 1024).Fill(0xAA);
        page.AsSpan(1024).Fill(0x55);
        var uuid = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");

        new SwapHeader(0x01020304, uuid, "label", [0x0A0B0C0D, 7]).WriteTo(page);

        Assert.All(page.AsSpan(0, 1024).ToArray(), b => Assert.Equal(0xAA, b));
        Assert.Equal(1U, BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(1024)));
        Assert.Equal(0x01020304U, BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(1028)));
        Assert.Equal(2U, BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(1032)));
        Assert.Equal(Convert.FromHexString("00112233445566778899aabbccddeeff"), page.AsSpan(1036, 16).ToArray());
        Assert.Equal("label\0\0\0\0\0\0\0\0\0\0\0"u8.ToArray(), page.AsSpan(1052, 16).ToArray());
        Assert.All(page.AsSpan(1068, 1536 - 1068).ToArray(), b => Assert.Equal(0, b));
        Assert.Equal(0x0A0B0C0DU, BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(1536)));
        Assert.Equal(7U, BinaryPrimitives.ReadUInt32LittleEndian(page.AsSpan(1540)));
        Assert.All(page.AsSpan(1544, 4086 - 1544).ToArray(), b => Assert.Equal(0, b));
        Assert.Equal("SWAPSPACE2"u8.ToArray(), page.AsSpan(4086, 10).ToArray());
    }

    [Fact]
    public void Uuid_is_stored_in_RFC_4122_big_endian_byte_order_not_Guid_ToByteArray_order()
    {
        var uuid = Guid.Parse("12345678-abcd-abcd-abcd-1234567890ab");
        byte[] page = new byte[SwapHeader.PageSize];

        new SwapHeader(9, uuid).WriteTo(page);

        Assert.Equal(Convert.FromHexString("12345678abcdabcdabcd1234567890ab"), page.AsSpan(SwapHeader.UuidOffset, 16).ToArray());
        Assert.NotEqual(uuid.ToByteArray(), page.AsSpan(SwapHeader.UuidOffset, 16).ToArray());
        Assert.Equal(uuid, SwapHeader.Read(page, Pages.Bytes(10), false).Header.Uuid);
    }

    [Fact]
    public void Label_of_16_bytes_fills_the_field_without_a_NUL()
    {
        byte[] page = new byte[SwapHeader.PageSize];
        new SwapHeader(9, Pages.TestUuid, "0123456789abcdef").WriteTo(page);

        Assert.Equal("0123456789abcdef"u8.ToArray(), page.AsSpan(SwapHeader.LabelOffset, 16).ToArray());
        Assert.Equal(0, page[SwapHeader.LabelOffset + 16]); // padding[0]
        SwapHeader read = SwapHeader.Read(page, Pages.Bytes(10), false).Header;
        Assert.Equal("0123456789abcdef", read.Label);
        Assert.Equal(16, read.LabelByteCount);
    }

    [Fact]
    public void Label_is_UTF8_and_read_up_to_the_first_NUL()
    {
        byte[] page = new byte[SwapHeader.PageSize];
        new SwapHeader(9, Pages.TestUuid, "Ωmega-Äpfel").WriteTo(page);
        Assert.Equal(Encoding.UTF8.GetBytes("Ωmega-Äpfel"), page.AsSpan(SwapHeader.LabelOffset, 13).ToArray());

        page[SwapHeader.LabelOffset + 5] = 0; // garbage after a NUL stays in the field but not in the label
        SwapHeader read = SwapHeader.Read(page, Pages.Bytes(10), false).Header;
        Assert.Equal("Ωmeg", read.Label);
        Assert.Equal(5, read.LabelByteCount);
        byte[] again = new byte[SwapHeader.PageSize];
        read.WriteTo(again);
        Assert.Equal(page.AsSpan(1024).ToArray(), again.AsSpan(1024).ToArray());
    }

    [Fact]
    public void Label_bytes_that_are_not_UTF8_decode_with_replacement_characters()
    {
        SwapHeader header = SwapHeader.CreateWithLabelBytes(9, Pages.TestUuid, [(byte)'a', 0xC3]);

        Assert.Equal("a\uFFFD", header.Label);
        Span<byte> bytes = stackalloc byte[16];
        Assert.Equal(2, header.CopyLabelBytes(bytes));
        Assert.Equal(0xC3, bytes[1]);
    }

    [Fact]
    public void No_label_is_an_empty_string()
    {
        Assert.Equal(string.Empty, new SwapHeader(9, Pages.TestUuid).Label);
        Assert.Equal(string.Empty, new SwapHeader(9, Pages.TestUuid, string.Empty).Label);
        Assert.Equal(0, new SwapHeader(9, Pages.TestUuid, null).LabelByteCount);
    }

    [Fact]
    public void Constructor_refuses_a_label_over_16_bytes_a_NUL_or_more_than_637_bad_pages()
    {
        Assert.Throws<ArgumentException>(() => new SwapHeader(9, Pages.TestUuid, "0123456789abcdefg"));
        Assert.Throws<ArgumentException>(() => new SwapHeader(9, Pages.TestUuid, "ÄÄÄÄÄÄÄÄÄ")); // 18 bytes, 9 chars
        Assert.Throws<ArgumentException>(() => new SwapHeader(9, Pages.TestUuid, "a\0b"));
        Assert.Throws<ArgumentException>(() => new SwapHeader(9, Pages.TestUuid, null, new uint[638]));
        Assert.Throws<ArgumentException>(() => SwapHeader.CreateWithLabelBytes(9, Pages.TestUuid, new byte[17]));
    }

    [Fact]
    public void WriteTo_refuses_a_short_page()
    {
        Assert.Throws<ArgumentException>(() => new SwapHeader(9, Pages.TestUuid).WriteTo(new byte[4095]));
    }

    [Fact]
    public void Headers_compare_by_value_including_the_bad_page_list()
    {
        var a = new SwapHeader(99, Pages.TestUuid, "x", [1, 2]);
        var b = new SwapHeader(99, Pages.TestUuid, "x", [1, 2]);
        var c = new SwapHeader(99, Pages.TestUuid, "x", [1, 3]);

        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.True(a != c);
        Assert.NotEqual(a, new SwapHeader(99, Pages.TestUuid, "x", [1, 2], byteSwapped: true));
        Assert.NotEqual(a, new SwapHeader(99, Pages.TestUuid, "y", [1, 2]));
    }

    [Fact]
    public void Round_trip_of_300_seeded_random_headers()
    {
        var random = new Random(20_121_009);
        for (int i = 0; i < 300; i++)
        {
            bool withBadPages = random.Next(3) == 0;
            uint lastPage = random.Next(4) switch
            {
                0 => (uint)random.Next(1, 64),
                1 => uint.MaxValue,
                _ => (uint)random.NextInt64(1000, (long)uint.MaxValue + 1),
            };
            if (withBadPages && lastPage < 1000)
            {
                lastPage += 1000;
            }
            uint[] badPages = withBadPages
                ? Enumerable.Range(0, random.Next(1, SwapHeader.MaxBadPages + 1)).Select(_ => (uint)random.NextInt64(1, (long)lastPage + 1)).ToArray()
                : [];
            byte[] uuidBytes = new byte[16];
            random.NextBytes(uuidBytes);
            var uuid = new Guid(uuidBytes, bigEndian: true);
            bool swapped = random.Next(2) == 0;
            SwapHeader header;
            if (random.Next(2) == 0)
            {
                byte[] label = new byte[random.Next(0, 17)];
                for (int j = 0; j < label.Length; j++)
                {
                    label[j] = (byte)random.Next(1, 256);
                }
                header = SwapHeader.CreateWithLabelBytes(lastPage, uuid, label, badPages, swapped);
            }
            else
            {
                char[] label = new char[random.Next(0, 9)];
                for (int j = 0; j < label.Length; j++)
                {
                    label[j] = random.Next(3) == 0 ? (char)random.Next(0x391, 0x3A9) : (char)random.Next(0x21, 0x7F);
                }
                header = new SwapHeader(lastPage, uuid, new string(label), badPages, swapped);
            }

            byte[] page = new byte[SwapHeader.PageSize];
            random.NextBytes(page.AsSpan(0, 1024));
            header.WriteTo(page);
            long fileSize = Pages.Bytes(header.Pages) + random.Next(0, 3 * SwapHeader.PageSize);
            SwapHeaderVerdict verdict = SwapHeader.Read(page, fileSize, isBlockDevice: withBadPages || random.Next(2) == 0);

            Assert.True(verdict.IsValid, $"header {i}: {verdict}");
            Assert.Equal(header, verdict.Header);
            Assert.Equal(header.Label, verdict.Header.Label);
            Assert.Equal(lastPage == uint.MaxValue ? uint.MaxValue : header.Pages, verdict.MaxPages);
            byte[] again = new byte[SwapHeader.PageSize];
            verdict.Header.WriteTo(again);
            Assert.True(page.AsSpan(1024).SequenceEqual(again.AsSpan(1024)), $"header {i} was not rewritten byte for byte");
        }
    }

    [Fact]
    public void Read_allocates_nothing_for_valid_and_refused_headers()
    {
        byte[] valid = Pages.Valid(lastPage: 255, label: "no-alloc");
        byte[] swapped = Pages.Valid(lastPage: 255, label: "no-alloc", byteSwapped: true);
        byte[] badMagic = Pages.Valid(lastPage: 255);
        badMagic[4095] = 0;
        byte[] version2 = Pages.Valid(lastPage: 255);
        Pages.Poke(version2, SwapHeader.VersionOffset, 2);
        byte[] empty = Pages.Valid(lastPage: 0);
        byte[] withBadPages = Pages.Valid(lastPage: 255, badPages: [3]);
        byte[] badIndex = Pages.Valid(lastPage: 255, badPages: [300]);
        long size = Pages.Bytes(256);

        ulong sink = 0;
        void ReadAll()
        {
            Span<byte> label = stackalloc byte[16];
            foreach (byte[] page in (ReadOnlySpan<byte[]>)[valid, swapped, badMagic, version2, empty, withBadPages, badIndex])
            {
                SwapHeaderVerdict verdict = SwapHeader.Read(page, size, isBlockDevice: false);
                sink += verdict.MaxPages + verdict.Header.LastPage + (ulong)verdict.Problem + (ulong)verdict.Header.CopyLabelBytes(label);
                sink += (ulong)SwapHeader.Read(page, Pages.Bytes(100), isBlockDevice: false).Problem; // shorter than signature
                sink += (ulong)SwapHeader.Read(badIndex, size, isBlockDevice: true).Problem;
                sink += (ulong)SwapHeader.Read(page.AsSpan(0, 100), size, isBlockDevice: false).Problem;
            }
        }

        for (int i = 0; i < 1000; i++)
        {
            ReadAll();
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 10_000; i++)
        {
            ReadAll();
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.NotEqual(0UL, sink);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Read_of_a_valid_bad_page_list_allocates_only_the_list()
    {
        uint[] bad = [3, 4, 5, 6, 7, 8, 9, 10];
        byte[] page = Pages.Valid(lastPage: 255, badPages: bad);
        long size = Pages.Bytes(256);
        for (int i = 0; i < 1000; i++)
        {
            _ = SwapHeader.Read(page, size, isBlockDevice: true);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        SwapHeaderVerdict verdict = SwapHeader.Read(page, size, isBlockDevice: true);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(verdict.IsValid);
        // One uint[8]: a 16-byte object header plus length (x64), then 32 bytes of data.
        Assert.InRange(allocated, 1, 24 + (4 * bad.Length) + 8);
    }
}

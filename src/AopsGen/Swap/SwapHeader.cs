using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace AopsGen.Swap;

/// <summary>
/// include/linux/swap.h: <c>union swap_header</c>, page 0 of a swap area (the <c>info</c> view), byte for byte
/// as util-linux <c>mkswap</c> writes it (include/swapheader.h: <c>struct swap_header_v1_2</c>) and as
/// mm/swapfile.c <c>read_swap_header</c> reads it.
/// </summary>
/// <remarks>
/// <para>Layout for PAGE_SIZE 4096: <c>bootbits[1024]</c>; at 1024 <c>__u32 version</c> (1), <c>last_page</c>
/// (index of the last page, i.e. pages - 1), <c>nr_badpages</c>; at 1036 <c>sws_uuid[16]</c> (RFC 4122 byte
/// order, as <c>uuid_generate</c> makes it and blkid prints it); at 1052 <c>sws_volume[16]</c> (the label,
/// NUL-padded, not necessarily NUL-terminated); at 1536 <c>badpages[]</c>, at most
/// <see cref="MaxBadPages"/> entries; at PAGE_SIZE - 10 the magic <c>"SWAPSPACE2"</c>. The numbers are in the
/// writer's byte order: the kernel byte-swaps them when <c>swab32(version) == 1</c> ("swap partition
/// endianness hack"), and so does <see cref="Read"/>, which then sets <see cref="IsByteSwapped"/>.</para>
/// <para>A value holds the label as its 16 raw bytes and decodes <see cref="Label"/> only when asked, so that
/// <see cref="Read"/> allocates nothing unless the header carries a (valid) bad-page list.</para>
/// </remarks>
public readonly struct SwapHeader : IEquatable<SwapHeader>
{
    /// <summary>PAGE_SIZE: the header is one page.</summary>
    public const int PageSize = Page.Size;

    /// <summary>Offset of <c>info.version</c> (after <c>bootbits[1024]</c>); mkswap writes [1024, PAGE_SIZE).</summary>
    public const int VersionOffset = 1024;

    /// <summary>Offset of <c>info.last_page</c>.</summary>
    public const int LastPageOffset = 1028;

    /// <summary>Offset of <c>info.nr_badpages</c>.</summary>
    public const int NrBadPagesOffset = 1032;

    /// <summary>Offset of <c>info.sws_uuid[16]</c>.</summary>
    public const int UuidOffset = 1036;

    /// <summary>Offset of <c>info.sws_volume[16]</c>, the label.</summary>
    public const int LabelOffset = 1052;

    /// <summary>Size of the label field, <c>SWAP_LABEL_LENGTH</c>.</summary>
    public const int LabelFieldLength = 16;

    /// <summary>Offset of <c>info.badpages[]</c> (after <c>padding[117]</c>).</summary>
    public const int BadPagesOffset = 1536;

    /// <summary>Offset of <c>magic.magic[10]</c>: PAGE_SIZE - 10.</summary>
    public const int MagicOffset = PageSize - 10;

    /// <summary><c>MAX_SWAP_BADPAGES</c>: (offsetof(magic.magic) - offsetof(info.badpages)) / sizeof(int) = 637.</summary>
    public const int MaxBadPages = (MagicOffset - BadPagesOffset) / sizeof(uint);

    /// <summary><c>SWAP_VERSION</c>: the only header version the kernel handles.</summary>
    public const uint SupportedVersion = 1;

    /// <summary>
    /// The architecture's limit on swap offsets that <see cref="Read"/> assumes unless told otherwise
    /// (<c>swapfile_maximum_size</c> in 6.13, <c>swp_offset(pte_to_swp_entry(swp_entry_to_pte(swp_entry(0, ~0UL)))) + 1</c>
    /// in 3.6): 2^50 for x86-64 without the L1TF clamp. Any value above 2^32 gives the same results, because
    /// <c>last_page</c> is 32 bits wide.
    /// </summary>
    public const ulong DefaultMaxSwapfilePages = 1UL << 50;

    private const int PageShift = Page.Shift;

    private readonly ulong _label0;
    private readonly ulong _label1;
    private readonly uint[]? _badPages;

    /// <summary>
    /// A version-1 header for an area of <paramref name="lastPage"/> + 1 pages (header page included), written
    /// in this machine's byte order unless <paramref name="byteSwapped"/>.
    /// </summary>
    /// <param name="lastPage"><c>last_page</c>: the index of the last page (pages - 1).</param>
    /// <param name="uuid">The area's UUID; stored in RFC 4122 (big-endian) byte order.</param>
    /// <param name="label">The label, at most 16 bytes of UTF-8, no NUL; null or empty for none. (mkswap and
    /// swaplabel write at most 15 bytes; <see cref="Mkswap"/> truncates as they do.)</param>
    /// <param name="badPages">The bad-page list, at most <see cref="MaxBadPages"/> entries. The kernel accepts
    /// one only on a block device, with every entry in 1..<paramref name="lastPage"/>; that is checked by
    /// <see cref="Read"/>, not here.</param>
    /// <param name="byteSwapped">Write the numbers in the other byte order (mkswap <c>--endianness</c>).</param>
    /// <exception cref="ArgumentException">The label is longer than 16 bytes or contains NUL, or there are more
    /// than <see cref="MaxBadPages"/> bad pages.</exception>
    public SwapHeader(uint lastPage, Guid uuid, string? label = null, ReadOnlySpan<uint> badPages = default, bool byteSwapped = false)
        : this(lastPage, uuid, EncodeLabel(label), badPages, byteSwapped)
    {
    }

    private SwapHeader(uint lastPage, Guid uuid, (ulong Low, ulong High) label, ReadOnlySpan<uint> badPages, bool byteSwapped)
    {
        if (badPages.Length > MaxBadPages)
        {
            throw new ArgumentException($"At most {MaxBadPages} bad pages fit in the swap header; {badPages.Length} given.", nameof(badPages));
        }
        Version = SupportedVersion;
        LastPage = lastPage;
        NrBadPages = (uint)badPages.Length;
        Uuid = uuid;
        _label0 = label.Low;
        _label1 = label.High;
        _badPages = badPages.IsEmpty ? null : badPages.ToArray();
        IsByteSwapped = byteSwapped;
    }

    private SwapHeader(uint version, uint lastPage, uint nrBadPages, Guid uuid, ulong label0, ulong label1, uint[]? badPages, bool byteSwapped)
    {
        Version = version;
        LastPage = lastPage;
        NrBadPages = nrBadPages;
        Uuid = uuid;
        _label0 = label0;
        _label1 = label1;
        _badPages = badPages;
        IsByteSwapped = byteSwapped;
    }

    /// <summary>
    /// A version-1 header whose label field is <paramref name="label"/> verbatim, NUL-padded to 16 bytes: for
    /// labels that are not whole UTF-8 text, such as one that mkswap cut in the middle of a character.
    /// </summary>
    /// <exception cref="ArgumentException">The label is longer than 16 bytes, or there are more than
    /// <see cref="MaxBadPages"/> bad pages.</exception>
    public static SwapHeader CreateWithLabelBytes(uint lastPage, Guid uuid, ReadOnlySpan<byte> label, ReadOnlySpan<uint> badPages = default, bool byteSwapped = false)
    {
        if (label.Length > LabelFieldLength)
        {
            throw new ArgumentException($"A swap label is at most {LabelFieldLength} bytes; {label.Length} given.", nameof(label));
        }
        Span<byte> buffer = stackalloc byte[LabelFieldLength];
        buffer.Clear();
        label.CopyTo(buffer);
        return new SwapHeader(lastPage, uuid, (MemoryMarshal.Read<ulong>(buffer), MemoryMarshal.Read<ulong>(buffer[8..])), badPages, byteSwapped);
    }

    /// <summary><c>info.version</c>, in this machine's byte order (after the kernel's byte swap).</summary>
    public uint Version { get; }

    /// <summary><c>info.last_page</c>: the index of the last page of the area; the area has <see cref="Pages"/> pages.</summary>
    public uint LastPage { get; }

    /// <summary><c>info.nr_badpages</c> as stored. On a valid header it equals <see cref="BadPages"/>' length;
    /// a header that <see cref="Read"/> rejected carries the count but not the list.</summary>
    public uint NrBadPages { get; }

    /// <summary><c>info.sws_uuid</c>, read in RFC 4122 (big-endian) byte order as blkid prints it.</summary>
    public Guid Uuid { get; }

    /// <summary>True when the header's numbers are in the other byte order (<c>swab32(version) == 1</c>);
    /// <see cref="WriteTo"/> writes them back that way.</summary>
    public bool IsByteSwapped { get; }

    /// <summary><c>last_page + 1</c>: the pages the header claims, header page included.</summary>
    public ulong Pages => (ulong)LastPage + 1;

    /// <summary><c>info.badpages[0..nr_badpages)</c>, in this machine's byte order; empty when there are none.</summary>
    public ReadOnlySpan<uint> BadPages => _badPages;

    /// <summary>The label: the label field up to its first NUL (all 16 bytes if none), decoded as UTF-8 with
    /// U+FFFD for invalid bytes. Decoded on each call, so it allocates; <see cref="CopyLabelBytes"/> does not.</summary>
    public string Label
    {
        get
        {
            Span<byte> buffer = stackalloc byte[LabelFieldLength];
            int length = CopyLabelBytes(buffer);
            return length == 0 ? string.Empty : Encoding.UTF8.GetString(buffer[..length]);
        }
    }

    /// <summary>The label's length in bytes: up to the first NUL of the 16-byte field.</summary>
    public int LabelByteCount
    {
        get
        {
            Span<byte> buffer = stackalloc byte[LabelFieldLength];
            WriteLabelField(buffer);
            int nul = buffer.IndexOf((byte)0);
            return nul < 0 ? LabelFieldLength : nul;
        }
    }

    /// <summary>Copies the label's bytes (up to the first NUL) to <paramref name="destination"/>, which must hold
    /// 16 bytes, and returns how many there are.</summary>
    public int CopyLabelBytes(Span<byte> destination)
    {
        if (destination.Length < LabelFieldLength)
        {
            throw new ArgumentException($"The destination must hold {LabelFieldLength} bytes.", nameof(destination));
        }
        WriteLabelField(destination);
        int nul = destination[..LabelFieldLength].IndexOf((byte)0);
        return nul < 0 ? LabelFieldLength : nul;
    }

    /// <summary>
    /// Writes the header into bytes [1024, PAGE_SIZE) of <paramref name="page"/> exactly as mkswap does: the three
    /// numbers (byte-swapped if <see cref="IsByteSwapped"/>), the UUID, the label field, zero padding, the
    /// bad-page list, zeros, and <c>"SWAPSPACE2"</c>. <c>bootbits</c> [0, 1024) are left alone: mkswap zeroes
    /// them separately when it wipes the device (see <see cref="Mkswap.Format(Span{byte}, long, MkswapOptions?)"/>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="page"/> is shorter than a page.</exception>
    public void WriteTo(Span<byte> page)
    {
        if (page.Length < PageSize)
        {
            throw new ArgumentException($"A swap header page is {PageSize} bytes; {page.Length} given.", nameof(page));
        }
        page[VersionOffset..PageSize].Clear();
        WriteWord(page, VersionOffset, Version, IsByteSwapped);
        WriteWord(page, LastPageOffset, LastPage, IsByteSwapped);
        WriteWord(page, NrBadPagesOffset, NrBadPages, IsByteSwapped);
        Uuid.TryWriteBytes(page.Slice(UuidOffset, 16), bigEndian: true, out _);
        WriteLabelField(page.Slice(LabelOffset, LabelFieldLength));
        ReadOnlySpan<uint> badPages = BadPages;
        for (int i = 0; i < badPages.Length; i++)
        {
            WriteWord(page, BadPagesOffset + (i * sizeof(uint)), badPages[i], IsByteSwapped);
        }
        Magic.CopyTo(page[MagicOffset..]);
    }

    /// <summary>The signature at PAGE_SIZE - 10: <c>"SWAPSPACE2"</c>, no NUL. (The old v0 <c>"SWAP-SPACE"</c> is refused.)</summary>
    public static ReadOnlySpan<byte> Magic => "SWAPSPACE2"u8;

    /// <summary>
    /// mm/swapfile.c: <c>read_swap_header</c> (6.13, which bounds <c>nr_badpages</c> before byte-swapping the
    /// list) followed by the header checks of <c>setup_swap_map_and_extents</c>, in the kernel's order, with its
    /// messages. Never throws on any page content and allocates nothing, except the bad-page list of a valid
    /// header that has one (at most 637 entries, block devices only).
    /// </summary>
    /// <param name="page">Page 0 of the file or device. Shorter than a page reads as missing the signature,
    /// as the kernel's page cache zero-fills past the end of a file.</param>
    /// <param name="fileSize"><c>i_size</c> of the file or device, in bytes. Below one page, the page is
    /// beyond end-of-file and reads as zeros: no signature.</param>
    /// <param name="isBlockDevice">S_ISBLK: only block devices may carry a bad-page list.</param>
    /// <param name="maxSwapfilePages">The architecture's offset limit, see <see cref="DefaultMaxSwapfilePages"/>.</param>
    /// <returns>The verdict: valid with <c>maxpages</c>, or <see cref="Errno.EINVAL"/> with the reason.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSwapfilePages"/> is 0.</exception>
    public static SwapHeaderVerdict Read(ReadOnlySpan<byte> page, long fileSize, bool isBlockDevice, ulong maxSwapfilePages = DefaultMaxSwapfilePages)
    {
        ArgumentOutOfRangeException.ThrowIfZero(maxSwapfilePages);

        // memcmp("SWAPSPACE2", swap_header->magic.magic, 10): a page past i_size is zero-filled.
        if (page.Length < PageSize || fileSize < PageSize || !page.Slice(MagicOffset, Magic.Length).SequenceEqual(Magic))
        {
            return new SwapHeaderVerdict(SwapHeaderProblem.BadSignature, default);
        }

        uint version = ReadWord(page, VersionOffset, false);
        uint lastPage = ReadWord(page, LastPageOffset, false);
        uint nrBadPages = ReadWord(page, NrBadPagesOffset, false);
        var uuid = new Guid(page.Slice(UuidOffset, 16), bigEndian: true);
        ulong label0 = MemoryMarshal.Read<ulong>(page.Slice(LabelOffset, 8));
        ulong label1 = MemoryMarshal.Read<ulong>(page.Slice(LabelOffset + 8, 8));

        // "swap partition endianness hack": swab32(version) == 1 means the other byte order.
        bool swapped = BinaryPrimitives.ReverseEndianness(version) == SupportedVersion;
        if (swapped)
        {
            version = BinaryPrimitives.ReverseEndianness(version);
            lastPage = BinaryPrimitives.ReverseEndianness(lastPage);
            nrBadPages = BinaryPrimitives.ReverseEndianness(nrBadPages);
        }
        var header = new SwapHeader(version, lastPage, nrBadPages, uuid, label0, label1, null, swapped);

        // 6.13 bounds nr_badpages before swabbing the list (3.6 did not, and ran past the page).
        if (swapped && nrBadPages > MaxBadPages)
        {
            return new SwapHeaderVerdict(SwapHeaderProblem.TooManyBadPages, header);
        }
        if (version != SupportedVersion)
        {
            return new SwapHeaderVerdict(SwapHeaderProblem.UnsupportedVersion, header);
        }
        // 6.13: "Empty swap-file" here. 3.6 reached the same message later (nr_good_pages == 0).
        if (lastPage == 0)
        {
            return new SwapHeaderVerdict(SwapHeaderProblem.EmptySwapFile, header);
        }

        ulong maxPages = maxSwapfilePages;
        bool truncated = lastPage > maxPages;
        if (maxPages > lastPage)
        {
            maxPages = (ulong)lastPage + 1;
            // p->max is an unsigned int: don't overflow it.
            if ((uint)maxPages == 0)
            {
                maxPages = uint.MaxValue;
            }
        }

        ulong swapFilePages = (ulong)fileSize >> PageShift;
        if (swapFilePages != 0 && maxPages > swapFilePages)
        {
            return new SwapHeaderVerdict(SwapHeaderProblem.ShorterThanSignature, header, maxPages);
        }
        if (nrBadPages != 0 && !isBlockDevice)
        {
            return new SwapHeaderVerdict(SwapHeaderProblem.BadPagesOnRegularFile, header, maxPages);
        }
        if (nrBadPages > MaxBadPages)
        {
            return new SwapHeaderVerdict(SwapHeaderProblem.TooManyBadPages, header, maxPages);
        }

        // setup_swap_map_and_extents: nr_good_pages is an unsigned int; a page listed twice counts twice.
        uint goodPages = unchecked((uint)(maxPages - 1));
        for (int i = 0; i < (int)nrBadPages; i++)
        {
            uint pageNr = ReadWord(page, BadPagesOffset + (i * sizeof(uint)), swapped);
            if (pageNr == 0 || pageNr > lastPage)
            {
                return new SwapHeaderVerdict(SwapHeaderProblem.BadPageOutOfRange, header, maxPages, badPage: pageNr, badPageIndex: i);
            }
            if (pageNr < maxPages)
            {
                goodPages = unchecked(goodPages - 1);
            }
        }
        if (goodPages == 0)
        {
            return new SwapHeaderVerdict(SwapHeaderProblem.NoGoodPages, header, maxPages);
        }

        uint[]? badPages = null;
        if (nrBadPages != 0)
        {
            badPages = new uint[nrBadPages];
            for (int i = 0; i < badPages.Length; i++)
            {
                badPages[i] = ReadWord(page, BadPagesOffset + (i * sizeof(uint)), swapped);
            }
        }
        header = new SwapHeader(version, lastPage, nrBadPages, uuid, label0, label1, badPages, swapped);
        return new SwapHeaderVerdict(SwapHeaderProblem.None, header, maxPages, goodPages: goodPages, truncated: truncated);
    }

    /// <inheritdoc/>
    public bool Equals(SwapHeader other) =>
        Version == other.Version && LastPage == other.LastPage && NrBadPages == other.NrBadPages && Uuid == other.Uuid
        && _label0 == other._label0 && _label1 == other._label1 && IsByteSwapped == other.IsByteSwapped
        && BadPages.SequenceEqual(other.BadPages);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is SwapHeader other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Version, LastPage, NrBadPages, Uuid, _label0, _label1, IsByteSwapped);

    /// <summary>Field-wise equality, the bad-page lists compared by content.</summary>
    public static bool operator ==(SwapHeader left, SwapHeader right) => left.Equals(right);

    /// <summary>Field-wise inequality.</summary>
    public static bool operator !=(SwapHeader left, SwapHeader right) => !left.Equals(right);

    /// <inheritdoc/>
    public override string ToString() =>
        $"swap header version {Version}, last_page {LastPage}, {NrBadPages} bad pages, "
        + (LabelByteCount == 0 ? "no label" : $"LABEL={Label}") + $", UUID={Uuid}" + (IsByteSwapped ? ", byte-swapped" : "");

    private void WriteLabelField(Span<byte> destination)
    {
        MemoryMarshal.Write(destination, in _label0);
        MemoryMarshal.Write(destination[8..], in _label1);
    }

    private static (ulong Low, ulong High) EncodeLabel(string? label)
    {
        if (string.IsNullOrEmpty(label))
        {
            return (0, 0);
        }
        if (label.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("A swap label cannot contain NUL.", nameof(label));
        }
        int byteCount = Encoding.UTF8.GetByteCount(label);
        if (byteCount > LabelFieldLength)
        {
            throw new ArgumentException($"A swap label is at most {LabelFieldLength} bytes of UTF-8; \"{label}\" is {byteCount}.", nameof(label));
        }
        Span<byte> buffer = stackalloc byte[LabelFieldLength];
        buffer.Clear();
        Encoding.UTF8.GetBytes(label, buffer);
        return (MemoryMarshal.Read<ulong>(buffer), MemoryMarshal.Read<ulong>(buffer[8..]));
    }

    private static uint ReadWord(ReadOnlySpan<byte> page, int offset, bool swapped)
    {
        uint value = MemoryMarshal.Read<uint>(page.Slice(offset, sizeof(uint)));
        return swapped ? BinaryPrimitives.ReverseEndianness(value) : value;
    }

    private static void WriteWord(Span<byte> page, int offset, uint value, bool swapped)
    {
        uint stored = swapped ? BinaryPrimitives.ReverseEndianness(value) : value;
        MemoryMarshal.Write(page.Slice(offset, sizeof(uint)), in stored);
    }
}

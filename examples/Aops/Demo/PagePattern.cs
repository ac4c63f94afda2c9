using System.Buffers.Binary;

namespace AopsGen.Examples.Aops.Demo;

/// <summary>
/// What the demo writes into a page and checks when it reads it back: a 24-byte header (the page's index, its
/// version, an FNV-1a checksum of the rest) and a pseudo-random payload that follows from (seed, index, version).
/// A page read back is intact, corrupt (the checksum fails: a torn or foreign page), misplaced (another page's
/// data) or stale (an older version: a lost write).
/// </summary>
internal static class PagePattern
{
    private const int HeaderBytes = 24;

    public static void Fill(Span<byte> page, ulong seed, int index, ulong version)
    {
        ulong state = Mix(seed, (ulong)index, version);
        Span<byte> payload = page[HeaderBytes..];
        for (int i = 0; i < payload.Length; i += sizeof(ulong))
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            BinaryPrimitives.WriteUInt64LittleEndian(payload[i..], state);
        }
        BinaryPrimitives.WriteUInt64LittleEndian(page, (ulong)index);
        BinaryPrimitives.WriteUInt64LittleEndian(page[8..], version);
        BinaryPrimitives.WriteUInt64LittleEndian(page[16..], Checksum(payload));
    }

    /// <summary>Checks <paramref name="page"/> against what <see cref="Fill"/> wrote for (seed, index, version);
    /// <paramref name="scratch"/> is a page-sized buffer to regenerate it in.</summary>
    public static PageVerdict Verify(ReadOnlySpan<byte> page, Span<byte> scratch, ulong seed, int index, ulong version)
    {
        if (BinaryPrimitives.ReadUInt64LittleEndian(page[16..]) != Checksum(page[HeaderBytes..]))
        {
            return PageVerdict.Corrupt;
        }
        if (BinaryPrimitives.ReadUInt64LittleEndian(page) != (ulong)index)
        {
            return PageVerdict.Misplaced;
        }
        if (BinaryPrimitives.ReadUInt64LittleEndian(page[8..]) != version)
        {
            return PageVerdict.Stale;
        }
        Fill(scratch, seed, index, version);
        return page.SequenceEqual(scratch) ? PageVerdict.Intact : PageVerdict.Corrupt;
    }

    private static ulong Checksum(ReadOnlySpan<byte> bytes)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
        return hash;
    }

    private static ulong Mix(ulong seed, ulong index, ulong version)
    {
        ulong x = seed * 0x9E3779B97F4A7C15UL ^ index * 0xBF58476D1CE4E5B9UL ^ version * 0x94D049BB133111EBUL;
        return x == 0 ? 0x2545F4914F6CDD1DUL : x;
    }
}

/// <summary>What a page read back turned out to be.</summary>
internal enum PageVerdict
{
    Intact,
    Corrupt,
    Misplaced,
    Stale,
}

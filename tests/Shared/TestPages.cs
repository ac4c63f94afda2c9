namespace AopsGen.Examples.Tests;

/// <summary>Page contents for (seed, index): every 4 bytes depend on both, so a stale or misplaced page shows.
/// Shared by the example filesystems' tests (linked, not copied).</summary>
internal static class TestPages
{
    public static void Fill(Span<byte> page, int seed, int index)
    {
        for (int i = 0; i < page.Length; i += 4)
        {
            BitConverter.TryWriteBytes(page[i..], seed * 1_000_003 ^ index * 7919 ^ i);
        }
    }

    public static bool Verify(ReadOnlySpan<byte> page, int seed, int index)
    {
        for (int i = 0; i < page.Length; i += 4)
        {
            if (BitConverter.ToInt32(page[i..]) != (seed * 1_000_003 ^ index * 7919 ^ i))
            {
                return false;
            }
        }
        return true;
    }
}

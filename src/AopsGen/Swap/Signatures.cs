using System.Buffers.Binary;

namespace AopsGen.Swap;

/// <summary>The signatures libblkid finds in a file's first page that mkswap's wipe destroys, named as blkid names
/// them, for util-linux's "warning: wiping old TYPE signature.".</summary>
internal static class Signatures
{
    private static ReadOnlySpan<byte> Luks => [(byte)'L', (byte)'U', (byte)'K', (byte)'S', 0xBA, 0xBE];

    /// <summary>"swap", "ext4", "xfs", "crypto_LUKS", "squashfs", or null when page 0 carries none of them.</summary>
    public static string? Find(ReadOnlySpan<byte> page)
    {
        if (page[(Page.Size - 10)..].SequenceEqual("SWAPSPACE2"u8) || page[(Page.Size - 10)..].SequenceEqual("SWAP-SPACE"u8))
        {
            return "swap";
        }
        if (BinaryPrimitives.ReadUInt16LittleEndian(page[1080..]) == 0xEF53)
        {
            // The ext2/3/4 superblock at 1024, s_magic at offset 56.
            return "ext4";
        }
        return page[..4].SequenceEqual("XFSB"u8) ? "xfs"
            : page[..6].SequenceEqual(Luks) ? "crypto_LUKS"
            : page[..4].SequenceEqual("hsqs"u8) ? "squashfs"
            : null;
    }
}

namespace AopsGen.Swap;

/// <summary>
/// include/linux/swap.h: the encoding of a <c>swap_map</c> byte, one per slot of a swap area. The low six bits
/// count the references (page tables, shmem) to the slot; <see cref="HasCache"/> says a swap-cache page
/// exists for it; <see cref="Bad"/> marks the header page (slot 0) and bad pages.
/// </summary>
public static class SwapMap
{
    /// <summary>A free slot.</summary>
    public const byte Free = 0;

    /// <summary>SWAP_MAP_MAX (0x3e): the largest count a byte holds before it needs a continuation.</summary>
    public const byte MapMax = 0x3e;

    /// <summary>SWAP_MAP_BAD (0x3f): a bad page, or the header page.</summary>
    public const byte Bad = 0x3f;

    /// <summary>SWAP_HAS_CACHE (0x40): a page for this slot is in the swap cache.</summary>
    public const byte HasCache = 0x40;

    /// <summary>COUNT_CONTINUED (0x80): the count goes on in a continuation page.</summary>
    public const byte CountContinued = 0x80;

    /// <summary>SWAP_MAP_SHMEM (0xbf): owned by shmem/tmpfs.</summary>
    public const byte Shmem = 0xbf;

    /// <summary><c>swap_count(ent)</c>: the byte without its <see cref="HasCache"/> bit.</summary>
    public static byte Count(byte entry) => (byte)(entry & ~HasCache);
}

namespace AopsGen.Swap;

/// <summary>
/// include/linux/swapops.h (3.6): <c>swp_entry_t</c>, a swap slot named by its area (<see cref="Type"/>, the
/// index in the swap table) and its page offset in that area. Encoded as in 3.6 on 64-bit:
/// <c>val = type &lt;&lt; SWP_TYPE_SHIFT | offset</c> with <c>SWP_TYPE_SHIFT = 64 - (MAX_SWAPFILES_SHIFT 5 +
/// RADIX_TREE_EXCEPTIONAL_SHIFT 2) = 57</c>. Value 0 (type 0, offset 0: the header page) means "no entry".
/// The swap cache is keyed by <see cref="Value"/>, as <c>swapper_space</c>'s radix tree is.
/// </summary>
public readonly record struct SwapEntry(ulong Value)
{
    /// <summary>MAX_SWAPFILES_SHIFT: 5 bits of type, so at most 32 types.</summary>
    public const int MaxSwapFilesShift = 5;

    /// <summary>SWP_TYPE_SHIFT(e) on 64-bit Linux 3.6.</summary>
    public const int TypeShift = 64 - (MaxSwapFilesShift + 2);

    /// <summary>The largest offset the encoding holds (<c>(1 &lt;&lt; SWP_TYPE_SHIFT) - 1</c>).</summary>
    public const ulong MaxOffset = (1UL << TypeShift) - 1;

    /// <summary>"No entry".</summary>
    public static SwapEntry None => default;

    /// <summary><c>swp_entry(type, offset)</c>.</summary>
    public static SwapEntry Create(int type, ulong offset)
    {
        if ((uint)type >= 1u << MaxSwapFilesShift)
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, "A swap type has 5 bits (MAX_SWAPFILES_SHIFT).");
        }
        if (offset > MaxOffset)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, "The offset does not fit below SWP_TYPE_SHIFT.");
        }
        return new SwapEntry(((ulong)type << TypeShift) | offset);
    }

    /// <summary><c>swp_type(entry)</c>.</summary>
    public int Type => (int)(Value >> TypeShift);

    /// <summary><c>swp_offset(entry)</c>: the slot, i.e. the page offset in the swap area.</summary>
    public ulong Offset => Value & MaxOffset;

    /// <summary>Whether this is "no entry" (value 0).</summary>
    public bool IsNone => Value == 0;

    /// <summary><c>swap_dev_pos(entry)</c> / <c>page_file_offset</c>: the byte position of the slot in its area.</summary>
    public long BytePosition => (long)(Offset << Page.Shift);

    /// <inheritdoc/>
    public override string ToString() => IsNone ? "swp_entry(none)" : $"swp_entry({Type}, {Offset})";
}

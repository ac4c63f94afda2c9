using Xunit;
using AopsGen.Swap;

namespace AopsGen.Tests;

public sealed class SwapEntryTests
{
    [Theory]
    [InlineData(0, 1UL)]
    [InlineData(1, 0UL)]
    [InlineData(3, 12345UL)]
    [InlineData(31, SwapEntry.MaxOffset)]
    public void Type_and_offset_round_trip_through_the_encoded_value(int type, ulong offset)
    {
        SwapEntry entry = SwapEntry.Create(type, offset);

        Assert.Equal(type, entry.Type);
        Assert.Equal(offset, entry.Offset);
        Assert.Equal(entry, new SwapEntry(entry.Value));
    }

    [Fact]
    public void Encoding_puts_the_type_above_bit_57_as_Linux_3_6_does_on_64_bit()
    {
        Assert.Equal(57, SwapEntry.TypeShift);
        Assert.Equal((2UL << 57) | 7, SwapEntry.Create(2, 7).Value);
    }

    [Fact]
    public void Value_zero_is_no_entry_and_any_allocated_slot_is_not()
    {
        Assert.True(SwapEntry.None.IsNone);
        Assert.True(new SwapEntry(0).IsNone);
        Assert.False(SwapEntry.Create(0, 1).IsNone);
        Assert.False(SwapEntry.Create(1, 0).IsNone);
    }

    [Fact]
    public void Byte_position_of_a_slot_is_its_offset_times_PAGE_SIZE()
    {
        Assert.Equal(5L * 4096, SwapEntry.Create(4, 5).BytePosition);
    }

    [Fact]
    public void Type_beyond_five_bits_and_offset_beyond_the_shift_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SwapEntry.Create(32, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SwapEntry.Create(-1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SwapEntry.Create(0, SwapEntry.MaxOffset + 1));
    }

    [Fact]
    public void Swap_map_count_ignores_the_cache_bit()
    {
        Assert.Equal(3, SwapMap.Count(SwapMap.HasCache | 3));
        Assert.Equal(0, SwapMap.Count(SwapMap.HasCache));
        Assert.Equal(SwapMap.Bad, SwapMap.Count(SwapMap.Bad));
    }
}

using System.Runtime.InteropServices;

namespace AopsGen.Swap.Tests;

/// <summary>Header pages for the tests, and pokes at their fields in this machine's byte order.</summary>
internal static class Pages
{
    public const int Size = SwapHeader.PageSize;

    public static readonly Guid TestUuid = Guid.Parse("12345678-abcd-abcd-abcd-1234567890ab");

    /// <summary>Bytes of a file or device of <paramref name="pages"/> pages.</summary>
    public static long Bytes(ulong pages) => checked((long)pages * Size);

    public static byte[] Valid(uint lastPage, string? label = "swap", uint[]? badPages = null, bool byteSwapped = false)
    {
        byte[] page = new byte[Size];
        new SwapHeader(lastPage, TestUuid, label, badPages, byteSwapped).WriteTo(page);
        return page;
    }

    public static void Poke(byte[] page, int offset, uint value) => MemoryMarshal.Write(page.AsSpan(offset, 4), in value);

    public static uint Peek(byte[] page, int offset) => MemoryMarshal.Read<uint>(page.AsSpan(offset, 4));

    public static void SetBadPages(byte[] page, params uint[] badPages)
    {
        Poke(page, SwapHeader.NrBadPagesOffset, (uint)badPages.Length);
        for (int i = 0; i < badPages.Length; i++)
        {
            Poke(page, SwapHeader.BadPagesOffset + (4 * i), badPages[i]);
        }
    }
}

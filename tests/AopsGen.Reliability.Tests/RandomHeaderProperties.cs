using System.Buffers.Binary;
using System.Linq;
using AopsGen.Examples;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;
using AopsGen.Swap;
using AopsGen.Vfs;

namespace AopsGen.Reliability.Tests;

/// <summary>
/// FsCheck over random swap files: a valid header with its fields replaced by random and boundary values, bytes
/// flipped anywhere, the byte order swapped, the file cut or grown. <see cref="SwapHeader.Read"/> never throws and
/// never accepts an invalid header, and swapon accepts exactly what it accepts — changing nothing when it refuses.
/// Each property runs 1000 random cases from a fresh seed; a failure prints the shrunk case and its seed, and
/// <c>[Property(Replay = "seed,gamma")]</c> runs that sequence again.
/// </summary>
public sealed class RandomHeaderProperties : IDisposable
{
    private const int Pages = 32;

    /// <summary>One random swap file: the header page's bytes and the file's length.</summary>
    public sealed record Case(byte[] Header, long FileSize)
    {
        public override string ToString() =>
            $"version {BinaryPrimitives.ReadUInt32LittleEndian(Header.AsSpan(SwapHeader.VersionOffset))}, last_page {BinaryPrimitives.ReadUInt32LittleEndian(Header.AsSpan(SwapHeader.LastPageOffset))}, " +
            $"nr_badpages {BinaryPrimitives.ReadUInt32LittleEndian(Header.AsSpan(SwapHeader.NrBadPagesOffset))}, file {FileSize} bytes";
    }

    private static readonly Gen<uint> s_field = Gen.OneOf(
        Gen.Elements<uint>(0u, 1u, 2u, Pages - 2, Pages - 1, Pages, Pages + 1, (uint)SwapHeader.MaxBadPages, (uint)SwapHeader.MaxBadPages + 1, uint.MaxValue, 0x01000000u),
        Gen.Choose(0, int.MaxValue).Select(v => (uint)v));

    private static readonly Gen<Case> s_cases =
        from version in Gen.Frequency((3, Gen.Constant(1u)), (1, s_field))
        from lastPage in Gen.Frequency((2, Gen.Constant((uint)Pages - 1)), (2, s_field))
        from nrBad in Gen.Frequency((3, Gen.Constant(0u)), (1, s_field))
        from bad in Gen.ArrayOf(s_field, 4)
        from flipCount in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(1, 8)))
        from flips in Gen.ArrayOf(Gen.Zip(Gen.Choose(0, Page.Size - 1), Gen.Choose(0, 255)), flipCount)
        from swap in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        from pages in Gen.Frequency((3, Gen.Constant(Pages)), (1, Gen.Choose(0, 2 * Pages)))
        from tail in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(1, Page.Size - 1)))
        select Build(version, lastPage, nrBad, bad, flips, swap, (long)pages * Page.Size + tail);

    /// <summary>FsCheck's source of <see cref="Case"/>s, named by the properties' <c>Arbitrary</c>.</summary>
    public static class CaseArbitrary
    {
        public static Arbitrary<Case> Cases() => s_cases.ToArbitrary();
    }

    // FsCheck calls a property's method once per case on one instance of the class: one machine serves the 1000.
    private readonly SwapMachine _m = new();

    public void Dispose() => _m.Dispose();

    [Property(MaxTest = 1000, Arbitrary = [typeof(CaseArbitrary)])]
    public bool Read_never_throws_and_accepts_exactly_the_headers_the_kernel_accepts(Case c) =>
        SwapHeader.Read(c.Header, c.FileSize, isBlockDevice: false).IsValid == KernelAccepts(c);

    [Fact]
    public void The_random_headers_reach_both_verdicts()
    {
        // A property over refusals alone would prove little: the generator must make both kinds.
        int accepted = s_cases.Sample(1000).Count(KernelAccepts);
        Assert.InRange(accepted, 50, 950);
    }

    [Property(MaxTest = 1000, Arbitrary = [typeof(CaseArbitrary)])]
    public bool Swapon_accepts_exactly_the_valid_headers_and_a_refusal_changes_nothing(Case c)
    {
        byte[] file = new byte[c.FileSize];
        c.Header.AsSpan(0, (int)Math.Min(Page.Size, c.FileSize)).CopyTo(file);
        string path = _m.CreateFile(file, out Inode inode);
        string before = _m.State();
        // The header page as swapon reads it: the file's first page, zeros past its end.
        byte[] page = new byte[Page.Size];
        file.AsSpan(0, (int)Math.Min(Page.Size, c.FileSize)).CopyTo(page);
        bool valid = SwapHeader.Read(page, c.FileSize, isBlockDevice: false).IsValid;

        int rc = _m.Swap.SwapOn(path, 0, Credentials.Root);
        bool consistent = valid ? rc == 0 && inode.IsSwapFile && _m.Swap.SwapOff(path, Credentials.Root) == 0
            : rc == Errnos.Neg(Errno.EINVAL) && !inode.IsSwapFile && !RamFs.DataOf(inode).SwapActive;
        Assert.Equal(0, _m.Vfs.Unlink(path, Credentials.Root));
        RamFs.DataOf(inode).Dispose();
        return consistent && _m.State() == before;
    }

    // mm/swapfile.c read_swap_header, restated from the kernel for a regular file: the magic, version 1 (after
    // swab if the version is byte-swapped), no bad pages on a regular file, last_page ≥ 1 and inside the file.
    private static bool KernelAccepts(Case c)
    {
        if (c.FileSize < Page.Size || !c.Header.AsSpan(SwapHeader.MagicOffset, 10).SequenceEqual("SWAPSPACE2"u8))
        {
            return false;
        }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(c.Header.AsSpan(SwapHeader.VersionOffset));
        bool swapped = version != 1 && BinaryPrimitives.ReverseEndianness(version) == 1;
        uint Field(int offset) => swapped ? BinaryPrimitives.ReadUInt32BigEndian(c.Header.AsSpan(offset)) : BinaryPrimitives.ReadUInt32LittleEndian(c.Header.AsSpan(offset));
        uint lastPage = Field(SwapHeader.LastPageOffset);
        return Field(SwapHeader.VersionOffset) == 1 && Field(SwapHeader.NrBadPagesOffset) == 0
            && lastPage >= 1 && (ulong)lastPage + 1 <= (ulong)(c.FileSize / Page.Size);
    }

    private static Case Build(uint version, uint lastPage, uint nrBad, uint[] bad, (int Offset, int Value)[] flips, bool swap, long fileSize)
    {
        byte[] header = new byte[Page.Size];
        "SWAPSPACE2"u8.CopyTo(header.AsSpan(SwapHeader.MagicOffset));
        Put(header, SwapHeader.VersionOffset, version, swap);
        Put(header, SwapHeader.LastPageOffset, lastPage, swap);
        Put(header, SwapHeader.NrBadPagesOffset, nrBad, swap);
        for (int i = 0; i < bad.Length; i++)
        {
            Put(header, SwapHeader.BadPagesOffset + 4 * i, bad[i], swap);
        }
        foreach ((int offset, int value) in flips)
        {
            header[offset] = (byte)value;
        }
        return new Case(header, fileSize);
    }

    private static void Put(byte[] header, int offset, uint value, bool bigEndian)
    {
        if (bigEndian)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(offset), value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(offset), value);
        }
    }
}

using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace AopsGen.Benchmarks.Compiler;

/// <summary>
/// The input of the compiler benchmarks: N filesystem classes, one file each (<c>Fs0.cs</c>, <c>Fs1.cs</c>, …), each a
/// <c>static partial</c> [AddressSpaceOperations] class shaped like examples/RamFs: a backing array, a counter and
/// 6 op methods (page cache: readpage, writepage, set_page_dirty, write_begin, write_end, bmap) or, for every other
/// class, 8 (swap-capable: readpage, writepage, set_page_dirty, write_begin, write_end, direct_IO, swap_activate,
/// swap_deactivate), with the signatures of docs/ops.md and bodies that neither throw nor allocate on the swap path,
/// so the generator emits one table per class and the analyzers report nothing. The trees are parsed once;
/// <see cref="CreateCompilation"/> makes a fresh compilation of them each time.
/// </summary>
public sealed class SyntheticInput
{
    /// <summary>The line of <c>ReadPage</c>'s body that <see cref="EditedTree"/> changes.</summary>
    public const string EditedLine = "        s_reads++;";

    /// <summary>What <see cref="EditedLine"/> becomes: a one-line edit inside a method body.</summary>
    public const string EditedLineReplacement = "        s_reads += 2;";

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        allowUnsafe: true,
        nullableContextOptions: NullableContextOptions.Enable,
        deterministic: true);

    /// <summary>The shared framework's assemblies (from the trusted platform assemblies) plus AopsGen.dll.</summary>
    public static readonly ImmutableArray<MetadataReference> References = CreateReferences();

    private SyntheticInput(int classCount, ImmutableArray<SyntaxTree> trees)
    {
        ClassCount = classCount;
        Trees = trees;
    }

    /// <summary>How many table classes (and files) there are.</summary>
    public int ClassCount { get; }

    /// <summary>One tree per class, <c>Fs{i}.cs</c>.</summary>
    public ImmutableArray<SyntaxTree> Trees { get; }

    /// <summary>Which class the edit goes into: the middle one.</summary>
    public int EditedIndex => ClassCount / 2;

    /// <summary>The classes' sources, parsed.</summary>
    public static SyntheticInput Create(int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 1);
        var trees = ImmutableArray.CreateBuilder<SyntaxTree>(classCount);
        for (int i = 0; i < classCount; i++)
        {
            trees.Add(CSharpSyntaxTree.ParseText(Source(i), ParseOptions, FileName(i)));
        }
        return new SyntheticInput(classCount, trees.MoveToImmutable());
    }

    /// <summary>A new compilation of <see cref="Trees"/> (and <paramref name="extraTrees"/>): no symbol bound yet.</summary>
    public CSharpCompilation CreateCompilation(IEnumerable<SyntaxTree>? extraTrees = null)
        => CSharpCompilation.Create(
            "AopsGen.Synthetic" + ClassCount.ToString(CultureInfo.InvariantCulture),
            extraTrees is null ? Trees : Trees.Concat(extraTrees),
            References,
            CompilationOptions);

    /// <summary>The tree of class <see cref="EditedIndex"/> before the edit.</summary>
    public SyntaxTree OriginalTree => Trees[EditedIndex];

    /// <summary>The tree of class <see cref="EditedIndex"/> with <see cref="EditedLine"/> replaced (a new parse of the new text).</summary>
    public SyntaxTree EditedTree()
    {
        string text = OriginalTree.ToString();
        string edited = text.Replace(EditedLine, EditedLineReplacement, StringComparison.Ordinal);
        if (edited == text)
        {
            throw new InvalidOperationException("synthetic input: the line to edit is missing.");
        }
        return CSharpSyntaxTree.ParseText(edited, ParseOptions, OriginalTree.FilePath);
    }

    /// <summary>The name of class <paramref name="index"/>.</summary>
    public static string ClassName(int index) => "Fs" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>The hint name the generator gives class <paramref name="index"/>'s table.</summary>
    public static string HintName(int index) => "Synthetic." + ClassName(index) + ".Aops.g.cs";

    /// <summary>Whether class <paramref name="index"/> is swap-capable (8 ops) rather than page-cache only (6 ops).</summary>
    public static bool IsSwapCapable(int index) => index % 2 == 0;

    private static string FileName(int index) => "/synthetic/" + ClassName(index) + ".cs";

    /// <summary>The source of class <paramref name="index"/>.</summary>
    public static string Source(int index)
    {
        string name = ClassName(index);
        string table = "fs" + index.ToString(CultureInfo.InvariantCulture) + "_aops";
        string common = $$"""
            using System;
            using AopsGen;
            namespace Synthetic;

            /// <summary>Synthetic filesystem {{index}}: its bytes in one array, written through.</summary>
            [AddressSpaceOperations("{{table}}")]
            public static partial class {{name}}
            {
                private static readonly byte[] s_data = new byte[16 * Page.Size];
                private static long s_reads;

                [ReadPage]
                public static int ReadPage(OpenFile file, Page page)
                {
            {{EditedLine}}
                    long offset = page.FileOffset;
                    int length = (int)Math.Clamp(s_data.Length - offset, 0, Page.Size);
                    s_data.AsSpan((int)Math.Min(offset, s_data.Length), length).CopyTo(page.Bytes);
                    page.Bytes[length..].Clear();
                    page.Set(PageFlags.Uptodate);
                    page.Unlock();
                    return 0;
                }

                [WritePage]
                public static int WritePage(Page page, WritebackControl wbc)
                {
                    page.SetWriteback();
                    page.Unlock();
                    long offset = page.FileOffset;
                    int length = (int)Math.Clamp(s_data.Length - offset, 0, Page.Size);
                    if (length > 0)
                    {
                        page.Bytes[..length].CopyTo(s_data.AsSpan((int)offset, length));
                    }
                    page.EndWriteback();
                    return 0;
                }

                [SetPageDirty]
                public static bool SetPageDirty(Page page) => !page.TestAndSet(PageFlags.Dirty);

                [WriteBegin]
                public static int WriteBegin(OpenFile file, AddressSpace mapping, long pos, uint len, uint flags, out Page? page, out object? fsData)
                {
                    page = null;
                    fsData = null;
                    return pos < s_data.Length ? Errnos.Neg(Errno.ENOMEM) : Errnos.Neg(Errno.EFBIG);
                }

                [WriteEnd]
                public static int WriteEnd(OpenFile file, AddressSpace mapping, long pos, uint len, uint copied, Page page, object? fsData)
                {
                    int offset = (int)(pos & (Page.Size - 1));
                    int length = (int)Math.Min(copied, (uint)(s_data.Length - pos));
                    page.Bytes.Slice(offset, length).CopyTo(s_data.AsSpan((int)pos, length));
                    page.Unlock();
                    return length;
                }

            """;
        string pageCacheOnly = """
                [Bmap]
                public static ulong Bmap(AddressSpace mapping, ulong block) => block < (ulong)(s_data.Length / Page.Size) ? block + 1 : 0;
            }

            """;
        string swapCapable = """
                [DirectIO]
                public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset)
                {
                    long done = 0;
                    foreach (IoVec segment in iov)
                    {
                        Span<byte> bytes = segment.AsSpan();
                        int length = (int)Math.Clamp(s_data.Length - (offset + done), 0, bytes.Length);
                        if ((rw & Rw.Write) != 0)
                        {
                            bytes[..length].CopyTo(s_data.AsSpan((int)(offset + done), length));
                        }
                        else
                        {
                            s_data.AsSpan((int)(offset + done), length).CopyTo(bytes);
                        }
                        done += length;
                    }
                    return done;
                }

                [SwapActivate]
                public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span)
                {
                    span = Math.Min(sis.Pages, (ulong)(s_data.Length / Page.Size));
                    return 0;
                }

                [SwapDeactivate]
                public static void SwapDeactivate(OpenFile file) => s_reads = 0;
            }

            """;
        return common + (IsSwapCapable(index) ? swapCapable : pageCacheOnly);
    }

    private static ImmutableArray<MetadataReference> CreateReferences()
    {
        // The shared framework only: this process's TPA list also holds BenchmarkDotNet, Roslyn and the generator.
        string frameworkDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        string trusted = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        return trusted.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => string.Equals(Path.GetDirectoryName(path), frameworkDirectory, StringComparison.Ordinal))
            .Where(path => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .OrderBy(path => path, StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .Append(MetadataReference.CreateFromFile(typeof(AopsGen.Page).Assembly.Location))
            .ToImmutableArray();
    }
}

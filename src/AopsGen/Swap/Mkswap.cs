using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO;
using System.Text;

namespace AopsGen.Swap;

/// <summary>util-linux mkswap <c>--endianness</c> (2.39+): the byte order of the header's numbers.</summary>
public enum SwapEndianness
{
    /// <summary>This machine's byte order (mkswap's default).</summary>
    Native = 0,
    /// <summary>Little-endian.</summary>
    Little,
    /// <summary>Big-endian.</summary>
    Big,
}

/// <summary>What <see cref="Mkswap"/> writes: mkswap's command-line options.</summary>
public sealed class MkswapOptions
{
    /// <summary>The area's size in bytes (rounded down to whole pages); mkswap's <c>--size</c>. Give this or
    /// <see cref="Pages"/>, not both; neither means the whole device or file.</summary>
    public long? SizeInBytes { get; init; }

    /// <summary>The area's size in pages, header page included.</summary>
    public long? Pages { get; init; }

    /// <summary><c>-L</c>: the label. Cut at a NUL, as a C string is, and truncated to 15 bytes of UTF-8 as
    /// util-linux does (<c>xstrncpy</c> into the 16-byte field keeps room for a NUL), which warns
    /// "Label was truncated."; the cut may fall inside a multi-byte character, as in util-linux. Null for none
    /// (mkswap prints "no label, "); empty prints "LABEL=, " and writes nothing.</summary>
    public string? Label { get; init; }

    /// <summary><c>-U</c>: the UUID; null for a new random (version 4) one, as <c>uuid_generate</c> makes.</summary>
    public Guid? Uuid { get; init; }

    /// <summary>The bad-page list (mkswap <c>-c</c> finds it by reading a block device; here it is given).
    /// Each entry must be in 1..pages-1, at most <see cref="SwapHeader.MaxBadPages"/>. Refused for a file path:
    /// the kernel accepts a bad-page list only on a block device.</summary>
    public IReadOnlyList<uint>? BadPages { get; init; }

    /// <summary><c>--endianness</c>.</summary>
    public SwapEndianness Endianness { get; init; }
}

/// <summary>The outcome of <see cref="Mkswap"/>: the header written and what util-linux mkswap prints, or the
/// error it exits with.</summary>
public sealed class MkswapResult
{
    private MkswapResult(Errno errno, string? error, SwapHeader header, ulong pages, ulong sizeInBytes, string output, IReadOnlyList<string> warnings)
    {
        Errno = errno;
        Error = error;
        Header = header;
        Pages = pages;
        SizeInBytes = sizeInBytes;
        Output = output;
        Warnings = warnings;
    }

    internal static MkswapResult Success(SwapHeader header, ulong pages, ulong sizeInBytes, string output, IReadOnlyList<string> warnings) =>
        new(0, null, header, pages, sizeInBytes, output, warnings);

    internal static MkswapResult Failure(Errno errno, string error, IReadOnlyList<string> warnings) =>
        new(errno, error, default, 0, 0, string.Empty, warnings);

    /// <summary>0 on success, otherwise why nothing was written.</summary>
    public Errno Errno { get; }

    /// <summary>True when the header was written.</summary>
    public bool Succeeded => Errno == 0;

    /// <summary>0, or the negative errno.</summary>
    public int ReturnValue => Succeeded ? 0 : Errnos.Neg(Errno);

    /// <summary>The error util-linux prints (without its "mkswap: " prefix), e.g.
    /// "error: swap area needs to be at least 40 KiB"; null on success.</summary>
    public string? Error { get; }

    /// <summary>The header written.</summary>
    public SwapHeader Header { get; }

    /// <summary>The area's pages, header page included (<c>last_page + 1</c>).</summary>
    public ulong Pages { get; }

    /// <summary>The usable size mkswap reports: (pages - bad pages - 1) × PAGE_SIZE.</summary>
    public ulong SizeInBytes { get; }

    /// <summary>mkswap's standard output: "Setting up swapspace version 1, size = … (… bytes)\n" then
    /// "LABEL=…, UUID=…\n" or "no label, UUID=…\n". (Where mkswap cut the label inside a UTF-8 character it
    /// prints the stray byte; here it reads U+FFFD, as a UTF-8 reader of mkswap's output sees it.)</summary>
    public string Output { get; }

    /// <summary>mkswap's warnings (standard error, without the "mkswap: " prefix), e.g. "Label was truncated.".</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <inheritdoc/>
    public override string ToString() => Succeeded ? Output : $"{Errno}: {Error}";
}

/// <summary>
/// util-linux disk-utils/mkswap.c: set up a version-1 swap area, writing the same bytes as mkswap (the header of
/// <see cref="SwapHeader.WriteTo"/> at [1024, PAGE_SIZE) and bootbits [0, 1024) zeroed, as mkswap's wipe does
/// when it finds no partition table) and returning the text it prints.
/// </summary>
/// <remarks>
/// Not modeled: <c>--pagesize</c> (PAGE_SIZE is <see cref="Page.Size"/>), <c>-c</c> (bad pages are given, see
/// <see cref="MkswapOptions.BadPages"/>), <c>--force</c>, keeping bootbits when a partition table is found,
/// wiping other signatures elsewhere on the device, the mounted-device and FIEMAP (holes) checks, SELinux
/// labels, <c>--offset</c>.
/// </remarks>
public static class Mkswap
{
    /// <summary><c>MIN_GOODPAGES</c>: the smallest area mkswap sets up, in pages.</summary>
    public const int MinGoodPages = 10;

    /// <summary>The longest label mkswap (and swaplabel) write: 15 bytes, leaving the field NUL-terminated.</summary>
    public const int MaxLabelBytes = SwapHeader.LabelFieldLength - 1;

    private const int PageSize = SwapHeader.PageSize;

    /// <summary>
    /// Formats a device of <paramref name="deviceSize"/> bytes whose page 0 is <paramref name="headerPage"/>:
    /// zeroes bootbits [0, 1024) and writes the header into [1024, PAGE_SIZE). The area is the whole device unless
    /// <see cref="MkswapOptions.SizeInBytes"/> or <see cref="MkswapOptions.Pages"/> says less.
    /// Nothing is written when the result is a failure.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="headerPage"/> is shorter than a page.</exception>
    [SuppressMessage("ApiDesign", "RS0026", Justification = "0.1.0 ships both overloads; a span and a path cannot be confused, and RS0026 guards overloads added later.")]
    public static MkswapResult Format(Span<byte> headerPage, long deviceSize, MkswapOptions? options = null)
    {
        if (headerPage.Length < PageSize)
        {
            throw new ArgumentException($"A swap header page is {PageSize} bytes; {headerPage.Length} given.", nameof(headerPage));
        }
        MkswapResult result = Plan(deviceSize, sizeSetsDevice: false, options ?? new MkswapOptions());
        if (result.Succeeded)
        {
            headerPage[..SwapHeader.VersionOffset].Clear();
            result.Header.WriteTo(headerPage);
        }
        return result;
    }

    /// <summary>
    /// <c>mkswap --file</c> on a regular file: creates <paramref name="path"/> with mode 0600 if it is missing
    /// (or sets an existing file's mode to 0600, as <c>--file</c> does), sets its length to the size asked for
    /// (default: the existing file's length), writes page 0 (bootbits zeroed, then the header) and flushes it to
    /// disk ("A subsequent swapon() will fail if the signature is not actually on disk").
    /// </summary>
    /// <remarks>
    /// A new file is preallocated (.NET's <see cref="FileStreamOptions.PreallocationSize"/>, like mkswap's
    /// <c>posix_fallocate</c>) where the file system supports it; an existing file that is lengthened gets a sparse
    /// tail, which the kernel's generic swapfile activation and util-linux swapon reject as holes — write or
    /// fallocate the file first for real swapping. I/O failures come back as an errno, never as an exception.
    /// </remarks>
    [SuppressMessage("ApiDesign", "RS0026", Justification = "0.1.0 ships both overloads; a span and a path cannot be confused, and RS0026 guards overloads added later.")]
    public static MkswapResult Format(string path, MkswapOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new MkswapOptions();

        if (Directory.Exists(path))
        {
            return MkswapResult.Failure(Errno.EISDIR, $"cannot open {path}: {Errno.EISDIR.Message()}", []);
        }
        bool exists = System.IO.File.Exists(path);
        bool sizeGiven = options.SizeInBytes is not null || options.Pages is not null;
        if (!exists && !sizeGiven)
        {
            return MkswapResult.Failure(Errno.ENOENT, $"cannot open {path}: {Errno.ENOENT.Message()}", []);
        }
        if (options.Pages > long.MaxValue / PageSize)
        {
            return MkswapResult.Failure(Errno.EFBIG, $"error: invalid size: {options.Pages} pages", []);
        }
        long length = options.SizeInBytes ?? (options.Pages * PageSize) ?? new FileInfo(path).Length;

        MkswapResult result = Plan(length, sizeSetsDevice: true, options);
        if (!result.Succeeded)
        {
            return result;
        }
        if (options.BadPages is { Count: > 0 })
        {
            return MkswapResult.Failure(Errno.EINVAL,
                $"error: {path}: bad pages on a regular file: the kernel accepts a bad-page list only on a block device (mkswap does not check bad blocks of a swap file)",
                result.Warnings);
        }

        Span<byte> page = stackalloc byte[PageSize];
        page.Clear();
        result.Header.WriteTo(page);
        try
        {
            var streamOptions = new FileStreamOptions
            {
                Mode = exists ? FileMode.Open : FileMode.CreateNew,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
            };
            if (!exists)
            {
                streamOptions.PreallocationSize = length;
                if (!OperatingSystem.IsWindows())
                {
                    streamOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }
            }
            using var stream = new FileStream(path, streamOptions);
            if (!OperatingSystem.IsWindows() && System.IO.File.GetUnixFileMode(stream.SafeFileHandle) != (UnixFileMode.UserRead | UnixFileMode.UserWrite))
            {
                System.IO.File.SetUnixFileMode(stream.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            if (sizeGiven && RandomAccess.GetLength(stream.SafeFileHandle) != length)
            {
                stream.SetLength(length);
            }
            RandomAccess.Write(stream.SafeFileHandle, page, 0);
            stream.Flush(flushToDisk: true);
        }
        catch (UnauthorizedAccessException)
        {
            return MkswapResult.Failure(Errno.EACCES, $"cannot open {path}: {Errno.EACCES.Message()}", result.Warnings);
        }
        catch (FileNotFoundException)
        {
            return MkswapResult.Failure(Errno.ENOENT, $"cannot open {path}: {Errno.ENOENT.Message()}", result.Warnings);
        }
        catch (DirectoryNotFoundException)
        {
            return MkswapResult.Failure(Errno.ENOENT, $"cannot open {path}: {Errno.ENOENT.Message()}", result.Warnings);
        }
        catch (IOException e)
        {
            // On Linux, .NET carries the errno of an unmapped failure (ENOSPC, EFBIG, EROFS, ...) in HResult.
            Errno errno = !OperatingSystem.IsWindows() && e.HResult is > 0 and < 4096 ? (Errno)e.HResult : Errno.EIO;
            return MkswapResult.Failure(errno, $"{path}: unable to write signature page: {e.Message}", result.Warnings);
        }
        return result;
    }

    /// <summary>
    /// util-linux lib/strutils.c: <c>size_to_human_string(SIZE_SUFFIX_SPACE | SIZE_SUFFIX_3LETTER, bytes)</c>, as
    /// mkswap prints sizes: powers of 1024, one decimal rounded half up and dropped when 0 ("36 KiB",
    /// "39.1 MiB", "1023 B"), with the C locale's decimal point.
    /// </summary>
    public static string SizeToHumanString(ulong bytes)
    {
        int shift;
        for (shift = 10; shift <= 60; shift += 10)
        {
            if (bytes < (1UL << shift))
            {
                break;
            }
        }
        int exp = shift - 10;
        char letter = "BKMGTPE"[exp / 10];
        ulong dec = exp != 0 ? bytes >> exp : bytes;
        ulong frac = exp != 0 ? bytes & ((1UL << exp) - 1) : 0;
        string suffix = letter == 'B' ? " B" : $" {letter}iB";

        if (frac != 0)
        {
            // Three digits after the point, then rounded half up to one.
            frac = frac >= ulong.MaxValue / 1000
                ? frac / 1024 * 1000 / (1UL << (exp - 10))
                : frac * 1000 / (1UL << exp);
            frac = (frac + 50) / 100 * 10;
            if (frac == 100)
            {
                dec++;
                frac = 0;
            }
        }
        if (frac == 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{dec}{suffix}");
        }
        string number = string.Create(CultureInfo.InvariantCulture, $"{dec}.{frac:00}");
        if (number[^1] == '0')
        {
            number = number[..^1];
        }
        return number + suffix;
    }

    private static MkswapResult Plan(long deviceSize, bool sizeSetsDevice, MkswapOptions options)
    {
        var warnings = new List<string>();
        if (options.SizeInBytes is not null && options.Pages is not null)
        {
            return MkswapResult.Failure(Errno.EINVAL, "error: give the size in bytes or in pages, not both", warnings);
        }
        if (options.SizeInBytes < 0 || options.Pages < 0 || deviceSize < 0)
        {
            return MkswapResult.Failure(Errno.EINVAL, "error: invalid size: negative", warnings);
        }

        ulong devicePages = (ulong)deviceSize / PageSize;
        ulong pages = options.Pages is long p ? (ulong)p
            : options.SizeInBytes is long bytes ? (ulong)bytes / PageSize
            : devicePages;
        if (!sizeSetsDevice && pages > devicePages)
        {
            return MkswapResult.Failure(Errno.EINVAL,
                $"error: size {pages * (PageSize / 1024)} KiB is larger than device size {devicePages * (PageSize / 1024)} KiB", warnings);
        }
        if (pages < MinGoodPages)
        {
            return MkswapResult.Failure(Errno.EINVAL, $"error: swap area needs to be at least {MinGoodPages * PageSize / 1024} KiB", warnings);
        }
        if (pages > uint.MaxValue)
        {
            pages = uint.MaxValue;
            warnings.Add($"warning: truncating swap area to {pages * PageSize / 1024} KiB");
        }

        uint[] badPages = options.BadPages is { Count: > 0 } list ? [.. list] : [];
        if (badPages.Length > SwapHeader.MaxBadPages)
        {
            return MkswapResult.Failure(Errno.EINVAL, $"too many bad pages: {SwapHeader.MaxBadPages}", warnings);
        }
        foreach (uint bad in badPages)
        {
            if (bad == 0 || bad >= pages)
            {
                return MkswapResult.Failure(Errno.EINVAL, $"error: bad page {bad} is outside the swap area (1..{pages - 1})", warnings);
            }
        }
        if (pages - MinGoodPages < (ulong)badPages.Length)
        {
            return MkswapResult.Failure(Errno.EINVAL, "Unable to set up swap-space: unreadable", warnings);
        }

        ulong size = (pages - (ulong)badPages.Length - 1) * PageSize;
        var output = new StringBuilder();
        output.Append(CultureInfo.InvariantCulture, $"Setting up swapspace version {SwapHeader.SupportedVersion}, size = {SizeToHumanString(size)} ({size} bytes)\n");

        Span<byte> label = stackalloc byte[MaxLabelBytes];
        int labelLength = 0;
        if (!string.IsNullOrEmpty(options.Label))
        {
            string text = options.Label;
            int nul = text.IndexOf('\0', StringComparison.Ordinal);
            if (nul >= 0)
            {
                text = text[..nul];
            }
            byte[] encoded = Encoding.UTF8.GetBytes(text);
            labelLength = Math.Min(encoded.Length, MaxLabelBytes);
            encoded.AsSpan(0, labelLength).CopyTo(label);
            if (encoded.Length > labelLength)
            {
                warnings.Add("Label was truncated.");
            }
        }

        Guid uuid = options.Uuid ?? Guid.NewGuid();
        bool byteSwapped = options.Endianness switch
        {
            SwapEndianness.Little => !BitConverter.IsLittleEndian,
            SwapEndianness.Big => BitConverter.IsLittleEndian,
            _ => false,
        };
        SwapHeader header = SwapHeader.CreateWithLabelBytes((uint)(pages - 1), uuid, label[..labelLength], badPages, byteSwapped);

        output.Append(options.Label is null ? "no label, " : $"LABEL={header.Label}, ");
        output.Append(CultureInfo.InvariantCulture, $"UUID={uuid:D}\n");
        return MkswapResult.Success(header, pages, size, output.ToString(), warnings);
    }
}

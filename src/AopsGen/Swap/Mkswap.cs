using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.IO;
using System.Runtime.Versioning;
using System.Text;
using AopsGen.Block;
using Microsoft.Win32.SafeHandles;

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

    /// <summary><c>--force</c>, for <see cref="Mkswap.Format(string, MkswapOptions?)"/> only: grow an existing file
    /// to a larger size asked for (allocated with <c>fallocate</c>, no holes) instead of refusing it.</summary>
    public bool Force { get; init; }
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

    internal MkswapResult WithWarnings(IReadOnlyList<string> warnings) =>
        new(Errno, Error, Header, Pages, SizeInBytes, Output, warnings);

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
/// <see cref="MkswapOptions.BadPages"/>), keeping bootbits when a partition table is found,
/// wiping other signatures elsewhere on the device, the mounted-device check, SELinux
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
    /// util-linux 2.38 <c>mkswap</c> on a regular file, with its manners: it looks at what is at
    /// <paramref name="path"/> before it touches anything (<c>lstat</c>, then <c>open</c> with
    /// <c>O_NOFOLLOW|O_NONBLOCK</c> and <c>fstat</c> of the descriptor) and refuses anything but a regular file —
    /// a directory (EISDIR), a symbolic link (ELOOP, never followed), a FIFO, socket or device (EINVAL, never
    /// opened, never waited on). A missing file is created with mode 0600 (<c>O_CREAT|O_EXCL</c>) when a size is
    /// given, and deleted again if the run fails. An existing file is never truncated and keeps its mode; a size
    /// larger than it is refused unless <see cref="MkswapOptions.Force"/>, which grows it with <c>fallocate</c>
    /// (allocated, no holes). Then page 0 is written (bootbits zeroed, then the header) and flushed to disk
    /// ("A subsequent swapon() will fail if the signature is not actually on disk").
    /// </summary>
    /// <remarks>
    /// <see cref="MkswapResult.Warnings"/> carries util-linux's warnings: "PATH: insecure permissions 0644, fix with:
    /// chmod 0600 PATH", "PATH: warning: wiping old ext4 signature.", "PATH contains holes or other unsupported
    /// extents. This swap file can be rejected by kernel on swap activation!". Every I/O failure comes back as a
    /// failed result with the errno, never as an exception.
    /// </remarks>
    /// <exception cref="PlatformNotSupportedException">The process does not run on Linux on x64 or arm64.</exception>
    [SupportedOSPlatform("linux")]
    [SuppressMessage("ApiDesign", "RS0026", Justification = "0.1.0 ships both overloads; a span and a path cannot be confused, and RS0026 guards overloads added later.")]
    public static MkswapResult Format(string path, MkswapOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        Libc.ThrowIfUnsupported();
        options ??= new MkswapOptions();
        if (options.Pages > long.MaxValue / PageSize)
        {
            return MkswapResult.Failure(Errno.EFBIG, $"error: invalid size: {options.Pages} pages", []);
        }
        if (options.BadPages is { Count: > 0 })
        {
            return MkswapResult.Failure(Errno.EINVAL,
                $"error: {path}: bad pages on a regular file: the kernel accepts a bad-page list only on a block device (mkswap does not check bad blocks of a swap file)", []);
        }
        long? size = options.SizeInBytes ?? options.Pages * PageSize;

        // Look before touching: a device is never opened, a FIFO never waited on, a link never followed.
        FileStat before = default;
        int rc = path.Length == 0 || path.Contains('\0', StringComparison.Ordinal) ? Errnos.Neg(Errno.ENOENT) : Libc.LStat(path, out before);
        bool create = rc == Errnos.Neg(Errno.ENOENT) && size is not null;
        if (rc != 0 && !create)
        {
            return OpenFailure(path, rc);
        }
        if (!create && !before.IsRegular)
        {
            return NotRegular(path, before);
        }
        int fd = create
            ? Libc.Open(path, Libc.ORdWr | Libc.OCloExec | Libc.OCreat | Libc.OExcl | Libc.ONoFollow, 0x180)
            : Libc.Open(path, Libc.ORdWr | Libc.OCloExec | Libc.ONoFollow | Libc.ONonBlock, 0);
        if (fd < 0)
        {
            return OpenFailure(path, Libc.LastError());
        }
        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        MkswapResult result;
        rc = Libc.FStat(fd, out FileStat status);
        if (rc != 0)
        {
            result = MkswapResult.Failure(Errnos.FromReturn(rc), $"cannot stat {path}: {Errnos.FromReturn(rc).Message()}", []);
        }
        else if (!status.IsRegular)
        {
            // Replaced between the look and the open.
            result = NotRegular(path, status);
        }
        else
        {
            result = FormatOpenFile(path, handle, status, create, size, options);
        }
        if (!result.Succeeded && create && Libc.LStat(path, out FileStat named) == 0 && named.SameFile(status))
        {
            // Nothing of a failed run stays behind: the file was ours, made a moment ago, and the path still names it.
            System.IO.File.Delete(path);
        }
        return result;
    }

    [SupportedOSPlatform("linux")]
    private static MkswapResult FormatOpenFile(string path, SafeFileHandle handle, FileStat status, bool created, long? size, MkswapOptions options)
    {
        int fd = (int)handle.DangerousGetHandle();
        long fileSize = status.Size;
        Span<byte> page = stackalloc byte[PageSize];
        page.Clear();
        string? oldSignature = null;
        try
        {
            if (fileSize > 0)
            {
                RandomAccess.Read(handle, page, 0);
                oldSignature = Signatures.Find(page);
            }
        }
        catch (IOException e)
        {
            return IoFailure(path, "unable to read the first page", e, []);
        }

        // The device is the file as it is; Force lets the area be larger (the file grows to it, allocated).
        long device = created || (options.Force && size > fileSize) ? size!.Value : fileSize;
        MkswapResult result = Plan(device, sizeSetsDevice: false, options);
        if (!result.Succeeded)
        {
            return result;
        }
        var warnings = new List<string>(result.Warnings);
        if (!created && (status.Permissions & 0x3F) != 0)
        {
            warnings.Add($"{path}: insecure permissions {Convert.ToString(status.Permissions, 8).PadLeft(4, '0')}, fix with: chmod 0600 {path}");
        }
        if (oldSignature != null)
        {
            warnings.Add($"{path}: warning: wiping old {oldSignature} signature.");
        }
        if (device > fileSize)
        {
            // mkswap --file: posix_fallocate, after a look at the free space (a doomed fallocate would first fill the
            // file system). A failure gives back exactly the length the file had.
            long free = FreeSpace(path);
            if (device - fileSize > free)
            {
                return MkswapResult.Failure(Errno.ENOSPC, $"{path}: cannot allocate {SizeToHumanString((ulong)device)}: "
                    + $"{SizeToHumanString((ulong)free)} free: {Errno.ENOSPC.Message()}", warnings);
            }
            int grown = Libc.FAllocate(fd, 0, fileSize, device - fileSize) == 0 ? 0 : Libc.LastError();
            if (grown == Errnos.Neg(Errno.EOPNOTSUPP))
            {
                grown = Libc.FTruncate(fd, device) == 0 ? 0 : Libc.LastError();
            }
            if (grown != 0)
            {
                Libc.FTruncate(fd, fileSize);
                Errno errno = Errnos.FromReturn(grown);
                return MkswapResult.Failure(errno, $"{path}: cannot allocate {SizeToHumanString((ulong)device)}: {errno.Message()}", warnings);
            }
        }
        page.Clear();
        result.Header.WriteTo(page);
        try
        {
            RandomAccess.Write(handle, page, 0);
        }
        catch (IOException e)
        {
            return IoFailure(path, "unable to write signature page", e, warnings);
        }
        if (Libc.FSync(fd) != 0)
        {
            Errno errno = Errnos.FromReturn(Libc.LastError());
            return MkswapResult.Failure(errno, $"{path}: fsync failed: {errno.Message()}", warnings);
        }
        if (HasHoles(fd, Math.Min(device, (long)result.Pages * PageSize)))
        {
            warnings.Add($"{path} contains holes or other unsupported extents. This swap file can be rejected by kernel on swap activation!");
        }
        return result.WithWarnings(warnings);
    }

    private static MkswapResult OpenFailure(string path, int rc) =>
        MkswapResult.Failure(Errnos.FromReturn(rc), $"cannot open {path}: {Errnos.FromReturn(rc).Message()}", []);

    private static MkswapResult NotRegular(string path, FileStat status)
    {
        Errno refusal = status.Type switch
        {
            FileStat.Directory => Errno.EISDIR,
            FileStat.SymbolicLink => Errno.ELOOP,
            _ => Errno.EINVAL,
        };
        return MkswapResult.Failure(refusal, $"{path}: {status.TypeName}, not a regular file: mkswap sets up swap files only: {refusal.Message()}", []);
    }

    private static MkswapResult IoFailure(string path, string what, IOException e, IReadOnlyList<string> warnings)
    {
        // On Linux, .NET carries the errno of an unmapped failure (ENOSPC, EFBIG, EROFS, ...) in HResult.
        Errno errno = e.HResult is > 0 and < 4096 ? (Errno)e.HResult : Errno.EIO;
        return MkswapResult.Failure(errno, $"{path}: {what}: {errno.Message()}", warnings);
    }

    private static long FreeSpace(string path)
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(path)).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return long.MaxValue;   // unknown: fallocate itself says ENOSPC
        }
    }

    /// <summary>util-linux mkswap's hole check: a file with fewer allocated blocks than its size has a hole, which
    /// <c>SEEK_HOLE</c> finds below <paramref name="end"/> (allocated but unwritten extents count as blocks; the
    /// kernel's swapon accepts them).</summary>
    [SupportedOSPlatform("linux")]
    private static bool HasHoles(int fd, long end)
    {
        if (Libc.FStat(fd, out FileStat status) != 0 || status.Blocks * 512 >= status.Size)
        {
            return false;
        }
        long hole = Libc.LSeek(fd, 0, Libc.SeekHole);
        return hole >= 0 && hole < Math.Min(end, status.Size);
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

using System.CommandLine;
using System.Globalization;
using System.IO;
using AopsGen.Swap;
using Microsoft.Win32.SafeHandles;

namespace AopsGen.Examples.Aops.Commands;

/// <summary>
/// <c>aops mkswap FILE [--size SIZE] [--label L] [--uuid U] [--force]</c>: util-linux 2.38 <c>mkswap</c> on a regular
/// file — the header page byte for byte what util-linux writes for the same label and UUID — with its manners: it
/// looks at what is at FILE before it touches anything (no link followed, a FIFO never waited on, anything but a
/// regular file refused), never truncates, refuses a size larger than an existing file unless <c>--force</c>, warns
/// of insecure permissions, of an old signature it wipes and of holes, and creates a new file 0600.
/// </summary>
internal static class MkswapCommand
{
    private const int Mode0600 = 0x180;

    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "The swap file (created, mode 0600, when --size is given and it does not exist), or a file on an NFS server: nfs://host/export/name?version=3&nfsport=…&mountport=…" };
        var size = new Option<string?>("--size", "-s") { Description = "The area's size in bytes; suffixes K, M, G, T (KiB, MiB, …) or KB, MB, … (powers of 1000). Larger than an existing file only with --force." };
        var label = new Option<string?>("--label", "-L") { Description = "A label (up to 15 bytes, longer ones are truncated)." };
        var uuid = new Option<string?>("--uuid", "-U") { Description = "The UUID: a UUID, \"clear\" (all zero) or \"random\" (the default)." };
        var force = new Option<bool>("--force", "-f") { Description = "Grow an existing file to --size (allocated, no holes)." };
        var command = new Command("mkswap", "Set up a swap area in a file, as util-linux mkswap does.") { file, size, label, uuid, force };
        command.SetAction(parse => Run(context, parse.GetValue(file)!, parse.GetValue(size), parse.GetValue(label), parse.GetValue(uuid), parse.GetValue(force)));
        return command;
    }

    private static int Run(CliContext context, string path, string? sizeText, string? label, string? uuidText, bool force)
    {
        long? size = null;
        if (sizeText != null)
        {
            if (!TryParseSize(sizeText, out long bytes))
            {
                return context.Fail("mkswap", $"invalid size argument: '{sizeText}'");
            }
            size = bytes;
        }
        Guid? uuid = null;
        if (uuidText != null)
        {
            if (uuidText == "clear")
            {
                uuid = Guid.Empty;
            }
            else if (uuidText != "random")
            {
                if (!Guid.TryParse(uuidText, out Guid parsed))
                {
                    return context.Fail("mkswap", $"error: parsing UUID failed: '{uuidText}'");
                }
                uuid = parsed;
            }
        }

        var options = new MkswapOptions { SizeInBytes = size, Label = label, Uuid = uuid };
        if (path.StartsWith("nfs://", StringComparison.Ordinal))
        {
            // A file on an NFS server, through NfsFs's client: created when --size is given, every block written.
            int rc = NfsFs.Mkswap(path, size, options, out MkswapResult? written, out string? error);
            if (written == null || (rc != 0 && written.Succeeded))
            {
                return context.Fail("mkswap", $"{path}: {error} ({Errnos.FromReturn(rc)})");
            }
            return Report(context, written);
        }
        return FormatFile(context, path, options, force);
    }

    /// <summary>disk-utils/mkswap.c on a regular file: look (lstat, then open with O_NOFOLLOW|O_NONBLOCK and fstat the
    /// descriptor), decide, and only then write page 0 and fsync.</summary>
    private static int FormatFile(CliContext context, string path, MkswapOptions options, bool force)
    {
        int rc = Posix.StatPath(path, out FileStatus before);
        if (rc == -(int)Errno.ENOENT && options.SizeInBytes is null)
        {
            return context.Fail("mkswap", $"cannot open {path}", Errno.ENOENT);
        }
        if (rc != 0 && rc != -(int)Errno.ENOENT)
        {
            return context.Fail("mkswap", $"cannot open {path}", Errnos.FromReturn(rc));
        }
        bool created = rc != 0;
        if (!created && !before.IsRegular)
        {
            // Refused before it is opened: a device is never opened, a FIFO never waited on, a link never followed.
            Errno refusal = before.Type switch
            {
                FileStatus.Directory => Errno.EISDIR,
                FileStatus.SymbolicLink => Errno.ELOOP,
                _ => Errno.EINVAL,
            };
            return context.Fail("mkswap", $"{path}: {before.TypeName}, not a regular file: aops mkswap sets up swap files only", refusal);
        }
        rc = created
            ? Posix.Open(path, Posix.ORdWr | Posix.OCreat | Posix.OExcl | Posix.ONoFollow, Mode0600, out SafeFileHandle? handle)
            : Posix.Open(path, Posix.ORdWr | Posix.ONoFollow | Posix.ONonBlock, 0, out handle);
        if (rc != 0)
        {
            return context.Fail("mkswap", $"cannot open {path}", Errnos.FromReturn(rc));
        }
        using (handle)
        {
            rc = Posix.Stat(handle!, out FileStatus status);
            if (rc == 0 && !status.IsRegular)
            {
                // Replaced between the look and the open.
                return context.Fail("mkswap", $"{path}: {status.TypeName}, not a regular file: aops mkswap sets up swap files only", Errno.EINVAL);
            }
            int result = rc != 0
                ? context.Fail("mkswap", $"cannot stat {path}", Errnos.FromReturn(rc))
                : Format(context, path, handle!, status, created, options, force);
            if (result != 0 && created)
            {
                // Nothing of a failed run stays behind: the file was ours, made a moment ago.
                System.IO.File.Delete(path);
            }
            return result;
        }
    }

    private static int Format(CliContext context, string path, SafeFileHandle handle, FileStatus status, bool created, MkswapOptions options, bool force)
    {
        long fileSize = status.Size;
        long size = options.SizeInBytes ?? fileSize;
        Span<byte> page = stackalloc byte[Page.Size];
        page.Clear();
        string? oldSignature = null;
        if (fileSize > 0)
        {
            RandomAccess.Read(handle, page, 0);
            oldSignature = Signatures.Find(page);
        }

        // The device is the file as it is; --force lets the area be larger (the file grows to it, allocated).
        long device = created || (force && size > fileSize) ? size : fileSize;
        MkswapResult result = Mkswap.Format(page, device, options);
        if (!result.Succeeded)
        {
            return Report(context, result);
        }
        if (!created && (status.Permissions & 0x3F) != 0)
        {
            context.Warn("mkswap", $"{path}: insecure permissions {Convert.ToString(status.Permissions, 8).PadLeft(4, '0')}, fix with: chmod 0600 {path}");
        }
        if (oldSignature != null)
        {
            context.Warn("mkswap", $"{path}: warning: wiping old {oldSignature} signature.");
        }
        if (device > fileSize)
        {
            // mkswap --file: posix_fallocate, after a look at the free space (a doomed fallocate would first fill the
            // file system). A failure gives back exactly the length the file had.
            long free = new DriveInfo(Path.GetFullPath(path)).AvailableFreeSpace;
            if (device - fileSize > free)
            {
                return context.Fail("mkswap", $"{path}: cannot allocate {Mkswap.SizeToHumanString((ulong)device)}: "
                    + $"{Mkswap.SizeToHumanString((ulong)free)} free", Errno.ENOSPC);
            }
            int grown = Posix.Fallocate(handle, fileSize, device - fileSize);
            if (grown == -(int)Errno.EOPNOTSUPP)
            {
                grown = Posix.Truncate(handle, device);
            }
            if (grown != 0)
            {
                Posix.Truncate(handle, fileSize);
                return context.Fail("mkswap", $"{path}: cannot allocate {Mkswap.SizeToHumanString((ulong)device)}", Errnos.FromReturn(grown));
            }
        }
        try
        {
            RandomAccess.Write(handle, page, 0);
        }
        catch (IOException e)
        {
            return context.Fail("mkswap", $"{path}: unable to write signature page", AopsCli.ErrnoOf(e));
        }
        // "A subsequent swapon() will fail if the signature is not actually on disk."
        int synced = Posix.Fsync(handle);
        if (synced != 0)
        {
            return context.Fail("mkswap", $"{path}: fsync failed", Errnos.FromReturn(synced));
        }
        if (Posix.Holes(handle, Math.Min(device, (long)result.Pages * Page.Size), out long holeBytes, out _) == 0 && holeBytes > 0)
        {
            context.Warn("mkswap", $"{path} contains holes or other unsupported extents. This swap file can be rejected by kernel on swap activation!");
        }
        return Report(context, result);
    }

    private static int Report(CliContext context, MkswapResult result)
    {
        foreach (string warning in result.Warnings)
        {
            context.Warn("mkswap", warning);
        }
        if (!result.Succeeded)
        {
            return context.Fail("mkswap", $"{result.Error} ({result.Errno})");
        }
        context.Output.Write(result.Output);
        return 0;
    }

    /// <summary>util-linux <c>strtosize</c>: a number of bytes with an optional suffix — K, M, G, T, P, E or KiB,
    /// MiB, … for powers of 1024, KB, MB, … for powers of 1000.</summary>
    internal static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        int digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits]))
        {
            digits++;
        }
        if (digits == 0 || !ulong.TryParse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture, out ulong number))
        {
            return false;
        }
        string suffix = text[digits..];
        int power = suffix.Length == 0 ? 0 : "KMGTPE".IndexOf(char.ToUpperInvariant(suffix[0])) + 1;
        if (power == 0 && suffix.Length > 0)
        {
            return false;
        }
        ulong unit = suffix.Length switch
        {
            0 => 1,
            1 => 1UL << (10 * power),
            2 when suffix[1] is 'B' or 'b' => Pow(1000, power),
            3 when suffix[1..] is "iB" or "ib" => 1UL << (10 * power),
            _ => 0,
        };
        if (unit == 0 || number > (ulong)long.MaxValue / unit)
        {
            return false;
        }
        bytes = (long)(number * unit);
        return true;
    }

    private static ulong Pow(ulong value, int power)
    {
        ulong result = 1;
        for (int i = 0; i < power; i++)
        {
            result *= value;
        }
        return result;
    }
}

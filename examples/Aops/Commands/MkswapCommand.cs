using System.CommandLine;
using System.Globalization;
using AopsGen.Swap;
using Microsoft.Win32.SafeHandles;

namespace AopsGen.Examples.Aops.Commands;

/// <summary>
/// <c>aops mkswap FILE [--size SIZE] [--label L] [--uuid U] [--force]</c>: util-linux 2.38 <c>mkswap</c> on a regular
/// file — the header page byte for byte what util-linux writes for the same label and UUID — with its manners, which
/// are <see cref="Mkswap.Format(string, MkswapOptions?)"/>'s: it looks at what is at FILE before it touches anything
/// (no link followed, a FIFO never waited on, anything but a regular file refused), never truncates, refuses a size
/// larger than an existing file unless <c>--force</c>, warns of insecure permissions, of an old signature it wipes
/// and of holes, and creates a new file 0600.
/// </summary>
internal static class MkswapCommand
{
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
                // libuuid's uuid_parse: the 36-character form only (no braces, no bare hex digits, no spaces).
                if (uuidText.Length != 36 || !Guid.TryParseExact(uuidText, "D", out Guid parsed))
                {
                    return context.Fail("mkswap", $"error: parsing UUID failed: '{uuidText}'");
                }
                uuid = parsed;
            }
        }

        var options = new MkswapOptions { SizeInBytes = size, Label = label, Uuid = uuid, Force = force };
        if (path.StartsWith("nfs://", StringComparison.Ordinal))
        {
            // A file on an NFS server, through NfsFs's client, with the same manners (a refused size never reaches it).
            int rc = NfsFs.Mkswap(path, size, options, out MkswapResult? written, out string? error);
            if (written == null || (rc != 0 && written.Succeeded))
            {
                return context.Fail("mkswap", $"{path}: {error} ({Errnos.FromReturn(rc)})");
            }
            return Report(context, written);
        }
        // A file another process holds locked (a running demo's swap file or image, a mounted image) is in use; the
        // lock taken here keeps them off it while the header is written.
        if (Posix.LockFile(path, followLinks: false, out SafeFileHandle? locked) != 0)
        {
            return context.Fail("mkswap", $"{path}: already locked by another process (in use by aops demo or aops mount?)", Errno.EBUSY);
        }
        using (locked)
        {
            // The library looks before it touches, never truncates, and removes a file it created if the run fails.
            return Report(context, Mkswap.Format(path, options));
        }
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

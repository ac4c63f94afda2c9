using System.CommandLine;
using System.Globalization;
using AopsGen.Swap;

namespace AopsGen.Examples.Aops.Commands;

/// <summary>
/// <c>aops mkswap FILE [--size SIZE] [--label L] [--uuid U]</c>: util-linux <c>mkswap</c> on a regular file, through
/// <see cref="Mkswap"/>. Without <c>--size</c> the file's size is used; the header page is byte for byte what
/// util-linux writes for the same label and UUID.
/// </summary>
internal static class MkswapCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "The swap file (created, mode 0600, when --size is given and it does not exist), or a file on an NFS server: nfs://host/export/name?version=3&nfsport=…&mountport=…" };
        var size = new Option<string?>("--size", "-s") { Description = "The area's size in bytes; suffixes K, M, G, T (KiB, MiB, …) or KB, MB, … (powers of 1000)." };
        var label = new Option<string?>("--label", "-L") { Description = "A label (up to 15 bytes, longer ones are truncated)." };
        var uuid = new Option<string?>("--uuid", "-U") { Description = "The UUID: a UUID, \"clear\" (all zero) or \"random\" (the default)." };
        var command = new Command("mkswap", "Set up a swap area in a file, as util-linux mkswap does.") { file, size, label, uuid };
        command.SetAction(parse => Run(context, parse.GetValue(file)!, parse.GetValue(size), parse.GetValue(label), parse.GetValue(uuid)));
        return command;
    }

    private static int Run(CliContext context, string path, string? sizeText, string? label, string? uuidText)
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
        return Report(context, Mkswap.Format(path, options));
    }

    private static int Report(CliContext context, MkswapResult result)
    {
        foreach (string warning in result.Warnings)
        {
            context.Error.WriteLine($"aops mkswap: {warning}");
        }
        if (!result.Succeeded)
        {
            return context.Fail("mkswap", $"{result.Error} ({result.Errno})");
        }
        context.Output.WriteLine(result.Output);
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

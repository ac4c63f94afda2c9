using System.CommandLine;
using System.IO;
using System.Text;
using System.Text.Json;
using AopsGen.Swap;
using Microsoft.Win32.SafeHandles;

namespace AopsGen.Examples.Aops.Commands;

/// <summary>
/// <c>aops inspect FILE [--json | -o export]</c>: the swap header's fields, checked as swapon's
/// <c>read_swap_header</c> checks them, and the file's holes, which swapon refuses ("swapfile has holes"). It never
/// waits and never writes: FILE is looked at first and opened only when it is a regular file or a block device
/// (O_NONBLOCK, read only). An invalid area gives the kernel's message and errno on stderr and exit code 1.
/// </summary>
internal static class InspectCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "A swap file (made by aops mkswap or util-linux mkswap)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object, also when the area is invalid, and {\"error\": …, \"errno\": …} when FILE cannot be read." };
        var output = new Option<string>("--output", "-o") { Description = "full (the default), export (KEY=value lines, as blkid -o export prints) or json.", DefaultValueFactory = _ => "full" };
        output.AcceptOnlyFromAmong("full", "export", "json");
        var command = new Command("inspect", "Print a swap file's header and holes, or why swapon would refuse it.") { file, json, output };
        command.SetAction(parse =>
        {
            string format = parse.GetValue(json) ? "json" : parse.GetValue(output)!;
            context.Json = format == "json";
            return Inspect(context, parse.GetValue(file)!, format);
        });
        return command;
    }

    private static int Inspect(CliContext context, string path, string format)
    {
        int rc = Posix.StatPath(path, out FileStatus status, followLinks: true);
        if (rc != 0)
        {
            return context.Fail("inspect", $"cannot open {path}", Errnos.FromReturn(rc));
        }
        if (!status.IsRegular && status.Type != FileStatus.BlockDevice)
        {
            // swapon of anything else: the kernel's S_ISREG/S_ISBLK check fails with EINVAL.
            return context.Fail("inspect", $"{path}: not a regular file or block device ({status.TypeName[2..]})", Errno.EINVAL);
        }
        rc = Posix.Open(path, Posix.ORdOnly | Posix.ONonBlock, 0, out SafeFileHandle? handle);
        if (rc != 0)
        {
            return context.Fail("inspect", $"cannot open {path}", Errnos.FromReturn(rc));
        }
        using (handle)
        {
            rc = Posix.Stat(handle!, out status);
            if (rc == 0 && !status.IsRegular && status.Type != FileStatus.BlockDevice)
            {
                return context.Fail("inspect", $"{path}: not a regular file or block device ({status.TypeName[2..]})", Errno.EINVAL);
            }
            Span<byte> page = stackalloc byte[Page.Size];
            page.Clear();
            long size;
            try
            {
                size = RandomAccess.GetLength(handle!);
                RandomAccess.Read(handle!, page, 0);
            }
            catch (IOException e)
            {
                return context.Fail("inspect", $"cannot read {path}", AopsCli.ErrnoOf(e));
            }
            SwapHeaderVerdict verdict = SwapHeader.Read(page, size, isBlockDevice: status.Type == FileStatus.BlockDevice);
            long holeBytes = 0;
            int holeRanges = 0;
            if (verdict.IsValid && status.IsRegular)
            {
                Posix.Holes(handle!, (long)verdict.Header.Pages * Page.Size, out holeBytes, out holeRanges);
            }
            return Report(context, path, format, status, size, verdict, holeBytes, holeRanges);
        }
    }

    private static int Report(CliContext context, string path, string format, FileStatus status, long size, SwapHeaderVerdict verdict, long holeBytes, int holeRanges)
    {
        string? error = !verdict.IsValid ? $"{path}: {verdict.Message} ({verdict.Errno})"
            : holeBytes > 0 ? $"{path}: swapfile has holes ({holeBytes} bytes in {holeRanges} range{(holeRanges == 1 ? "" : "s")}): {AopsCli.Describe(Errno.EINVAL)}"
            : null;
        if (format == "json")
        {
            context.Output.WriteLine(Json(path, status, size, verdict, holeBytes, holeRanges, error));
            context.Json = false;   // the object printed carries the error
        }
        else if (error == null && format == "export")
        {
            Export(context.Output, path, size, verdict, holeBytes);
        }
        else if (error == null)
        {
            Full(context.Output, path, size, verdict, holeBytes, holeRanges);
        }
        return error == null ? 0 : context.Fail("inspect", error);
    }

    private static void Full(TextWriter o, string path, long size, SwapHeaderVerdict verdict, long holeBytes, int holeRanges)
    {
        SwapHeader header = verdict.Header;
        o.WriteLine($"{path}: swap area version {header.Version}, {(header.IsByteSwapped ? "other-endian (byte-swapped)" : "native byte order")}");
        o.WriteLine($"  label        {(header.LabelByteCount == 0 ? "(none)" : header.Label)}");
        o.WriteLine($"  uuid         {header.Uuid}");
        o.WriteLine($"  last_page    {header.LastPage}");
        o.WriteLine($"  nr_badpages  {header.NrBadPages}");
        o.WriteLine($"  usable pages {verdict.GoodPages} ({Mkswap.SizeToHumanString((ulong)verdict.GoodPages << Page.Shift)})");
        o.WriteLine($"  file size    {size} bytes ({(ulong)size >> Page.Shift} pages)");
        o.WriteLine(holeBytes == 0 ? "  holes        none"
            : $"  holes        {holeBytes} bytes in {holeRanges} range{(holeRanges == 1 ? "" : "s")}: swapon refuses the file (swapfile has holes)");
        if (verdict.Warning is { } warning)
        {
            o.WriteLine($"  warning      {warning}");
        }
    }

    /// <summary>blkid -o export's keys (DEVNAME, LABEL, UUID, VERSION, TYPE), then the header's own.</summary>
    private static void Export(TextWriter o, string path, long size, SwapHeaderVerdict verdict, long holeBytes)
    {
        SwapHeader header = verdict.Header;
        o.WriteLine($"DEVNAME={Escape(path)}");
        if (header.LabelByteCount > 0)
        {
            o.WriteLine($"LABEL={Escape(header.Label)}");
        }
        o.WriteLine($"UUID={header.Uuid}");
        o.WriteLine($"VERSION={header.Version}");
        o.WriteLine("TYPE=swap");
        o.WriteLine($"LAST_PAGE={header.LastPage}");
        o.WriteLine($"NR_BADPAGES={header.NrBadPages}");
        o.WriteLine($"USABLE_PAGES={verdict.GoodPages}");
        o.WriteLine($"FILE_SIZE={size}");
        o.WriteLine($"HOLE_BYTES={holeBytes}");
    }

    /// <summary>A value safe to <c>eval</c> in a shell, as blkid's export output is: every ASCII character but
    /// letters, digits and <c>/._-:+@,</c> behind a backslash (a newline can never start a new KEY=); characters
    /// outside ASCII as they are, as blkid prints them (a backslash inside a UTF-8 sequence would break it).</summary>
    private static string Escape(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            if (char.IsAsciiLetterOrDigit(c) || "/._-:+@,".Contains(c, StringComparison.Ordinal) || (!char.IsAscii(c) && !char.IsControl(c)))
            {
                text.Append(c);
            }
            else if (c is '\n' or '\r' or '\t' || char.IsControl(c))
            {
                text.Append(@"\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append('\\').Append(c);
            }
        }
        return text.ToString();
    }

    private static string Json(string path, FileStatus status, long size, SwapHeaderVerdict verdict, long holeBytes, int holeRanges, string? error)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("path", path);
            json.WriteString("type", status.IsRegular ? "file" : "partition");
            json.WriteBoolean("valid", error == null);
            if (verdict.IsValid)
            {
                SwapHeader header = verdict.Header;
                json.WriteNumber("version", header.Version);
                json.WriteBoolean("byteSwapped", header.IsByteSwapped);
                json.WriteString("label", header.LabelByteCount == 0 ? null : header.Label);
                json.WriteString("uuid", header.Uuid.ToString());
                json.WriteNumber("lastPage", header.LastPage);
                json.WriteNumber("nrBadPages", header.NrBadPages);
                json.WriteNumber("usablePages", verdict.GoodPages);
            }
            json.WriteNumber("fileSize", size);
            json.WriteNumber("holeBytes", holeBytes);
            json.WriteNumber("holeRanges", holeRanges);
            if (verdict.Warning is { } warning)
            {
                json.WriteString("warning", warning);
            }
            if (error != null)
            {
                json.WriteString("error", verdict.IsValid ? "swapfile has holes" : verdict.Message);
                json.WriteString("errno", "EINVAL");
            }
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

using System.CommandLine;
using System.IO;
using AopsGen.Swap;

namespace AopsGen.Examples.Aops.Commands;

/// <summary>
/// <c>aops inspect FILE</c>: the swap header's fields, checked as swapon's <c>read_swap_header</c> checks them for a
/// regular file. An invalid header gives the kernel's message and errno name on stderr and exit code 1.
/// </summary>
internal static class InspectCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "A swap file (made by aops mkswap or util-linux mkswap)." };
        var command = new Command("inspect", "Print a swap file's header, or why swapon would refuse it.") { file };
        command.SetAction(parse => Inspect(context, parse.GetValue(file)!));
        return command;
    }

    private static int Inspect(CliContext context, string path)
    {
        Span<byte> page = stackalloc byte[Page.Size];
        page.Clear();
        long size;
        try
        {
            if (Directory.Exists(path))
            {
                // swapon of a directory: the kernel's S_ISREG/S_ISBLK check fails with EINVAL.
                return context.Fail("inspect", $"{path}: not a regular file or block device: {AopsCli.Describe(Errno.EINVAL)}");
            }
            using var handle = System.IO.File.OpenHandle(path);
            size = RandomAccess.GetLength(handle);
            RandomAccess.Read(handle, page, 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Errno errno = e switch
            {
                FileNotFoundException or DirectoryNotFoundException => Errno.ENOENT,
                UnauthorizedAccessException => Errno.EACCES,
                _ when e.HResult is > 0 and < 4096 => (Errno)e.HResult,
                _ => Errno.EIO,
            };
            return context.Fail("inspect", $"cannot open {path}: {AopsCli.Describe(errno)}");
        }

        SwapHeaderVerdict verdict = SwapHeader.Read(page, size, isBlockDevice: false);
        if (!verdict.IsValid)
        {
            return context.Fail("inspect", $"{path}: {verdict.Message} ({verdict.Errno})");
        }
        SwapHeader header = verdict.Header;
        TextWriter o = context.Output;
        o.WriteLine($"{path}: swap area version {header.Version}, {(header.IsByteSwapped ? "other-endian (byte-swapped)" : "native byte order")}");
        o.WriteLine($"  label        {(header.LabelByteCount == 0 ? "(none)" : header.Label)}");
        o.WriteLine($"  uuid         {header.Uuid}");
        o.WriteLine($"  last_page    {header.LastPage}");
        o.WriteLine($"  nr_badpages  {header.NrBadPages}");
        o.WriteLine($"  usable pages {verdict.GoodPages} ({Mkswap.SizeToHumanString((ulong)verdict.GoodPages << Page.Shift)})");
        o.WriteLine($"  file size    {size} bytes ({(ulong)size >> Page.Shift} pages)");
        if (verdict.Warning is { } warning)
        {
            o.WriteLine($"  warning      {warning}");
        }
        return 0;
    }
}

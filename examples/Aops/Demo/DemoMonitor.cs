using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using AopsGen.Mm;
using AopsGen.Swap;

namespace AopsGen.Examples.Aops.Demo;

/// <summary>
/// The demo's machine as an admin watches Linux: <c>--vmstat MS</c> prints a vmstat-style line every MS milliseconds
/// (swpd, free, si, so in KiB and KiB/s, then the pswpin, pswpout and pgmajfault counters), and <c>--show</c> prints
/// <c>/proc/swaps</c> and a <c>free</c>-style summary while the area is in use. It runs on the thread that waits for
/// the workers, never on the swap path.
/// </summary>
internal sealed class DemoMonitor(TextWriter output, int vmstatMs, bool show)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastMs, _lastIn, _lastOut;
    private int _lines;

    /// <summary>How often the waiting thread should call <see cref="Tick"/> (at most every 100 ms).</summary>
    public int IntervalMs => vmstatMs > 0 ? Math.Min(vmstatMs, 100) : 100;

    /// <summary>Prints a vmstat line when MS milliseconds have passed since the last one.</summary>
    public void Tick(SwapCore swap, PageFrames ram)
    {
        long now = _clock.ElapsedMilliseconds;
        if (vmstatMs <= 0 || now - _lastMs < vmstatMs)
        {
            return;
        }
        if (_lines++ % 20 == 0)
        {
            output.WriteLine(VmstatHeader);
        }
        VmEvents events = swap.Events;
        long pswpin = events[VmEvent.PswpIn], pswpout = events[VmEvent.PswpOut];
        double seconds = Math.Max(now - _lastMs, 1) / 1000.0;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{SwapUsedPages(swap) * 4,9} {(long)ram.FreeCount * 4,9} {(long)((pswpin - _lastIn) * 4 / seconds),9} {(long)((pswpout - _lastOut) * 4 / seconds),9} {pswpin,9} {pswpout,9} {events[VmEvent.PgMajFault],10}"));
        (_lastMs, _lastIn, _lastOut) = (now, pswpin, pswpout);
    }

    /// <summary>The vmstat columns: swpd and free in KiB, si and so in KiB/s, then the counters.</summary>
    public const string VmstatHeader = "     swpd      free        si        so    pswpin   pswpout pgmajfault";

    /// <summary><c>--show</c>: /proc/swaps and free, while the area holds the program's pages.</summary>
    public void InUse(SwapCore swap, PageFrames ram)
    {
        if (!show)
        {
            return;
        }
        output.Write(ProcSwaps(swap));
        output.Write(Free(swap, ram));
    }

    /// <summary>mm/swapfile.c <c>swap_show</c> (6.x): the header, then per area the path (<c>seq_file_path</c> escaping
    /// space, tab, newline and backslash as octal) padded to 40 columns, "file\t" or "partition", size and used in KiB
    /// (each followed by a second tab below 10000000) and the priority.</summary>
    public static string ProcSwaps(SwapCore swap)
    {
        var text = new StringBuilder("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
        foreach (SwapInfo si in swap.Areas)
        {
            if (si.SwapFile is not { } file)
            {
                continue;
            }
            string path = EscapePath(file.Path);
            ulong bytes = (ulong)si.Pages * (Page.Size / 1024);
            ulong inuse = (ulong)si.InUsePages * (Page.Size / 1024);
            text.Append(path).Append(' ', path.Length < 40 ? 40 - path.Length : 1)
                .Append(file.Inode.Type == FileType.BlockDevice ? "partition" : "file\t")
                .Append('\t').Append(bytes.ToString(CultureInfo.InvariantCulture)).Append('\t').Append(bytes < 10000000 ? "\t" : "")
                .Append(inuse.ToString(CultureInfo.InvariantCulture)).Append('\t').Append(inuse < 10000000 ? "\t" : "")
                .Append(si.Priority.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>procps <c>free</c>: total, used and free in KiB for Mem (the demo's frames) and Swap (its areas).</summary>
    public static string Free(SwapCore swap, PageFrames ram)
    {
        long swapTotal = 0;
        foreach (SwapInfo si in swap.Areas)
        {
            swapTotal += si.SwapFile != null ? si.Pages : 0;
        }
        long swapUsed = SwapUsedPages(swap);
        long memTotal = ram.Count, memFree = ram.FreeCount;
        return string.Create(CultureInfo.InvariantCulture,
            $"               total        used        free\nMem:    {memTotal * 4,12}{(memTotal - memFree) * 4,12}{memFree * 4,12}\nSwap:   {swapTotal * 4,12}{swapUsed * 4,12}{(swapTotal - swapUsed) * 4,12}\n");
    }

    private static long SwapUsedPages(SwapCore swap)
    {
        long used = 0;
        foreach (SwapInfo si in swap.Areas)
        {
            used += si.SwapFile != null ? si.InUsePages : 0;
        }
        return used;
    }

    private static string EscapePath(string path)
    {
        var text = new StringBuilder(path.Length);
        foreach (char c in path)
        {
            text.Append(c is ' ' or '\t' or '\n' or '\\' ? "\\" + Convert.ToString(c, 8).PadLeft(3, '0') : c.ToString());
        }
        return text.ToString();
    }
}

using System.CommandLine;
using System.IO;
using AopsGen.Examples.Aops.Demo;
using AopsGen.Swap;
using Microsoft.Win32.SafeHandles;
using Spectre.Console;

namespace AopsGen.Examples.Aops.Commands;

/// <summary>
/// <c>aops demo</c>: a program that uses more memory than it has, paged out to a swap file on an example filesystem
/// through its generated table, every byte checked. Exit code 0 when everything was verified, 2 when a page came
/// back wrong or something was left behind, 1 when the demo could not start, 130/143 after SIGINT/SIGTERM (the area
/// swapped off and everything it made removed first).
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var fs = new Option<string>("--fs")
        {
            Description = "Where to swap: ram (SWP_FILE), ram-swaprw (SWP_FS_OPS), block (BlockFs extents), blkdev (a block device node, SWP_BLKDEV), host (SWP_FILE), nfs (SWP_FS_OPS).",
            DefaultValueFactory = _ => "ram",
        };
        fs.AcceptOnlyFromAmong(DemoFsNames.All);
        var ramPages = new Option<int>("--ram-pages") { Description = "Page frames of \"RAM\".", DefaultValueFactory = _ => DemoOptions.DefaultRamPages };
        var pages = new Option<int>("--pages") { Description = "Pages the program uses.", DefaultValueFactory = _ => DemoOptions.DefaultPages };
        var threads = new Option<int>("--threads") { Description = "Threads, each over its own share of the pages.", DefaultValueFactory = _ => DemoOptions.DefaultThreads };
        var queueDepth = new Option<int>("--queue-depth")
        {
            Description = "Write or read batches the swap area may have in flight (1: synchronous I/O, as Linux 3.6).",
            DefaultValueFactory = _ => DemoOptions.DefaultQueueDepth,
        };
        var seed = new Option<int>("--seed") { Description = "Seed of the random phase and of the page contents.", DefaultValueFactory = _ => 1 };
        var dir = new Option<string?>("--dir") { Description = "Where --fs block and blkdev put their disk image and --fs host its swap file (default: a new temporary directory, removed afterwards)." };
        var nfsUrl = new Option<string?>("--nfs-url") { Description = "For --fs nfs: the export's URL with <file> for the file name, as examples/NfsFs/nfs-server.sh start prints it (default: $AOPSGEN_NFS_URL)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of the summary (--show and --vmstat then write to stderr); {\"error\": …, \"errno\": …} when the demo cannot run or is interrupted." };
        var show = new Option<bool>("--show") { Description = "Print the swap table as /proc/swaps does, and a free-style summary, while the program's pages are swapped." };
        var vmstat = new Option<int>("--vmstat") { Description = "Print a vmstat-style line (swpd, free, si, so, pswpin, pswpout, pgmajfault) every MS milliseconds.", HelpName = "MS" };
        var command = new Command("demo", "Run a program over more pages than frames, swapping to a file on an example filesystem, and verify every byte.")
        {
            fs, ramPages, pages, threads, queueDepth, seed, dir, nfsUrl, json, show, vmstat,
        };
        command.SetAction(parse =>
        {
            context.Json = parse.GetValue(json);
            var options = new DemoOptions(DemoFsNames.Parse(parse.GetValue(fs)!), parse.GetValue(ramPages),
                parse.GetValue(pages), parse.GetValue(threads), parse.GetValue(seed), parse.GetValue(dir),
                parse.GetValue(nfsUrl) ?? Environment.GetEnvironmentVariable("AOPSGEN_NFS_URL"), parse.GetValue(queueDepth));
            TextWriter watch = parse.GetValue(json) ? context.Error : context.Output;
            var monitor = new DemoMonitor(watch, parse.GetValue(vmstat), parse.GetValue(show));
            if (parse.GetValue(vmstat) < 0)
            {
                return context.Fail("demo", $"--vmstat must be at least 1 ms, or 0 for none (got {parse.GetValue(vmstat)})");
            }
            return Run(context, options, parse.GetValue(json), monitor);
        });
        return command;
    }

    private static int Run(CliContext context, DemoOptions options, bool json, DemoMonitor monitor)
    {
        if (options.Validate() is { } invalid)
        {
            return context.Fail("demo", invalid);
        }
        if (CheckResources(context, options) is int refused)
        {
            return refused;
        }
        using Interruption interruption = Interruption.Catch();
        SafeFileHandle? directoryLock = null;
        if (options.Directory != null && options.Fs is DemoFs.Block or DemoFs.Host)
        {
            // One demo at a time in a directory: flock(2) on the directory itself, which leaves nothing behind.
            int locked = Posix.Open(options.Directory, Posix.ORdOnly | Posix.ODirectory, 0, out directoryLock);
            locked = locked != 0 ? locked : Posix.TryLockExclusive(directoryLock!);
            if (locked != 0)
            {
                directoryLock?.Dispose();
                return locked == -(int)Errno.EAGAIN
                    ? context.Fail("demo", $"--dir {options.Directory}: another aops demo is running there", Errno.EBUSY)
                    : context.Fail("demo", $"--dir {options.Directory}", Errnos.FromReturn(locked));
            }
        }
        using (directoryLock)
        {
            int exit = RunLocked(context, options, json, monitor);
            if (!Interruption.Requested)
            {
                return exit;
            }
        }
        if (context.Interactive)
        {
            context.Output.Write("\u001b[?25h");   // the cursor the progress bar hid
        }
        context.Fail("demo", $"interrupted by {Interruption.SignalName}: swapped off, and removed what it made", Errno.EINTR);
        return ExitCodes.SignalBase + Interruption.Signal;
    }

    /// <summary>What the run needs, checked before anything is allocated or created: memory (the machine's available
    /// memory, or the container's limit), libnfs for <c>--fs nfs</c>, the directory and its free space.</summary>
    private static int? CheckResources(CliContext context, DemoOptions options)
    {
        // At most half of what is available: a demo must never push the machine itself into swapping or the OOM killer.
        long available = AvailableMemory();
        if (options.MemoryBytes > available / 2)
        {
            return context.Fail("demo", $"--ram-pages {options.RamPages} --pages {options.Pages}{(options.Fs == DemoFs.Ram ? " on ramfs" : "")}: need "
                + $"{Mkswap.SizeToHumanString((ulong)options.MemoryBytes)} of memory, more than half of the {Mkswap.SizeToHumanString((ulong)available)} available", Errno.ENOMEM);
        }
        if (options.Fs == DemoFs.Nfs && !System.Runtime.InteropServices.NativeLibrary.TryLoad("libnfs.so.13", out _))
        {
            return context.Fail("demo", "--fs nfs: cannot load libnfs.so.13: install the Debian package libnfs13 (apt-get install libnfs13)", Errno.ENOENT);
        }
        if (options.Fs is not (DemoFs.Block or DemoFs.Host))
        {
            return null;
        }
        string directory = options.Directory ?? Path.GetTempPath();
        int rc = Posix.StatPath(directory, out FileStatus status, followLinks: true);
        if (rc != 0 || status.Type != FileStatus.Directory)
        {
            return context.Fail("demo", options.Directory != null ? $"--dir {directory}" : $"temporary directory {directory} ($TMPDIR)",
                rc != 0 ? Errnos.FromReturn(rc) : Errno.ENOTDIR);
        }
        long free = new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;
        if (options.DiskBytes > free)
        {
            return context.Fail("demo", $"{directory}: need {Mkswap.SizeToHumanString((ulong)options.DiskBytes)} for the swap file, "
                + $"{Mkswap.SizeToHumanString((ulong)free)} free", Errno.ENOSPC);
        }
        return null;
    }

    /// <summary>The smaller of /proc/meminfo's MemAvailable and the GC's view (a container's limit).</summary>
    private static long AvailableMemory()
    {
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        try
        {
            foreach (string line in System.IO.File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)
                    && long.TryParse(line.AsSpan(13).Trim().TrimEnd("kB").Trim(), out long kib))
                {
                    available = Math.Min(available, kib * 1024);
                }
            }
        }
        catch (IOException)
        {
            // No /proc: the GC's figure alone.
        }
        return available;
    }

    private static int RunLocked(CliContext context, DemoOptions options, bool json, DemoMonitor monitor)
    {
        int rc = DemoSwapArea.Create(options.Fs, options.SwapPages, options.Directory, out DemoSwapArea? area, out string? error, options.NfsUrl);
        if (rc != 0)
        {
            return context.Fail("demo", $"{error} ({Errnos.FromReturn(rc)})");
        }
        using (area)
        {
            foreach (string warning in area!.Warnings)
            {
                context.Error.WriteLine($"swapon: {warning}");
            }
            DemoResult? result;
            if (context.Interactive && !json)
            {
                (rc, result, error) = RunWithProgress(options, area!, monitor);
            }
            else
            {
                rc = DemoWorkload.Run(options, area!, null, out result, out error, monitor);
            }
            if (Interruption.Requested)
            {
                return ExitCodes.Failure;
            }
            if (rc != 0)
            {
                return context.Fail("demo", $"{error} ({Errnos.FromReturn(rc)})");
            }
            if (json)
            {
                context.Output.WriteLine(result!.ToJson());
            }
            else
            {
                PrintSummary(context.Output, result!);
            }
            return result!.Verified ? ExitCodes.Success : ExitCodes.NotVerified;
        }
    }

    private static (int, DemoResult?, string?) RunWithProgress(DemoOptions options, DemoSwapArea area, DemoMonitor monitor)
    {
        int rc = 0;
        DemoResult? result = null;
        string? error = null;
        AnsiConsole.Progress()
            .AutoRefresh(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(progress =>
            {
                ProgressTask task = progress.AddTask(DemoWorkload.PhaseNames[0], maxValue: DemoWorkload.TotalOperations(options));
                rc = DemoWorkload.Run(options, area, (phase, done) =>
                {
                    task.Description = DemoWorkload.PhaseNames[phase];
                    task.Value = done;
                    progress.Refresh();
                }, out result, out error, monitor);
            });
        return (rc, result, error);
    }

    private static void PrintSummary(TextWriter o, DemoResult r)
    {
        DemoOptions opt = r.Options;
        o.WriteLine($"aops demo: {opt.Pages} pages over {opt.RamPages} frames ({(double)opt.Pages / opt.RamPages:0.#}x memory), {opt.Threads} thread{(opt.Threads == 1 ? "" : "s")}, queue depth {opt.QueueDepth}, seed {opt.Seed}");
        o.WriteLine($"  swap file     {r.SwapFile}");
        o.WriteLine($"  swap mode     {r.SwapMode.Name()}: {r.OpCalls}");
        o.WriteLine($"  pages out     {r.PagesOut} (pswpout)");
        o.WriteLine($"  pages in      {r.PagesIn} (pswpin)");
        o.WriteLine($"  major faults  {r.MajorFaults} (pgmajfault)");
        o.WriteLine($"  readahead     {r.ReadaheadPages} pages read ahead, {r.ReadaheadHits} used");
        o.WriteLine($"  reclaim       {r.DirectReclaimed} pages by direct reclaim (pgsteal_direct), {r.KswapdRounds} kswapd rounds");
        o.WriteLine($"  elapsed       {r.ElapsedMs:0} ms for {r.Operations} operations, {r.PagesPerSecond:0} pages/s swapped ({r.PagesPerSecond * Page.Size / (1 << 20):0.0} MiB/s)");
        o.WriteLine($"  swapoff       {r.SwapoffMs:0.0} ms");
        o.WriteLine($"  allocated     {r.AllocatedBytesPerPage:0.###} managed bytes per swapped page on the swap path (steady state; {r.ProcessAllocatedBytesPerPage:0.###} in the whole process)");
        o.WriteLine(r.Verified
            ? "  verified      true: every page read back as last written, nothing left behind"
            : $"  verified      false: {r.Corrupt} corrupt, {r.Misplaced} misplaced, {r.Stale} stale, {r.Errors} errors{(r.Leak != null ? "; " + r.Leak : "")}");
    }
}

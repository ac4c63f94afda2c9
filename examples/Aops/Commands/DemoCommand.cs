using System.CommandLine;
using System.IO;
using AopsGen.Examples.Aops.Demo;
using Spectre.Console;

namespace AopsGen.Examples.Aops.Commands;

/// <summary>
/// <c>aops demo</c>: a program that uses more memory than it has, paged out to a swap file on an example filesystem
/// through its generated table, every byte checked. Exit code 0 when everything was verified, 2 when a page came
/// back wrong or something was left behind, 1 when the demo could not start.
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
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of the summary." };
        var command = new Command("demo", "Run a program over more pages than frames, swapping to a file on an example filesystem, and verify every byte.")
        {
            fs, ramPages, pages, threads, queueDepth, seed, dir, nfsUrl, json,
        };
        command.SetAction(parse =>
        {
            var options = new DemoOptions(DemoFsNames.Parse(parse.GetValue(fs)!), parse.GetValue(ramPages),
                parse.GetValue(pages), parse.GetValue(threads), parse.GetValue(seed), parse.GetValue(dir),
                parse.GetValue(nfsUrl) ?? Environment.GetEnvironmentVariable("AOPSGEN_NFS_URL"), parse.GetValue(queueDepth));
            return Run(context, options, parse.GetValue(json));
        });
        return command;
    }

    private static int Run(CliContext context, DemoOptions options, bool json)
    {
        if (options.Validate() is { } invalid)
        {
            return context.Fail("demo", invalid);
        }
        if (options.Directory != null && !Directory.Exists(options.Directory))
        {
            return context.Fail("demo", $"--dir {options.Directory}: {AopsCli.Describe(Errno.ENOENT)}");
        }
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
                (rc, result, error) = RunWithProgress(options, area!);
            }
            else
            {
                rc = DemoWorkload.Run(options, area!, null, out result, out error);
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
            return result!.Verified ? 0 : 2;
        }
    }

    private static (int, DemoResult?, string?) RunWithProgress(DemoOptions options, DemoSwapArea area)
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
                }, out result, out error);
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

using System.IO;
using System.Text;
using System.Text.Json;
using AopsGen.Swap;

namespace AopsGen.Examples.Aops.Demo;

/// <summary>What a demo run did and found.</summary>
internal sealed record DemoResult
{
    public required DemoOptions Options { get; init; }
    public required string SwapFile { get; init; }
    /// <summary>The backend swapon chose for the area.</summary>
    public SwapIoMode SwapMode { get; init; }
    /// <summary>The calls the swap core made through the filesystem's table, and the block device's I/O.</summary>
    public SwapOpCalls OpCalls { get; init; } = new();
    public long PagesOut { get; init; }
    public long PagesIn { get; init; }
    public long MajorFaults { get; init; }
    public long ReadaheadPages { get; init; }
    public long ReadaheadHits { get; init; }
    public long DirectReclaimed { get; init; }
    public long KswapdRounds { get; init; }
    public long Operations { get; init; }
    public double ElapsedMs { get; init; }
    public double SwapoffMs { get; init; }
    /// <summary>Managed bytes allocated per page swapped in the steady state, on the threads that run the swap path
    /// (the program's and kswapd).</summary>
    public double AllocatedBytesPerPage { get; init; }
    /// <summary>The same over the whole process (with a progress bar drawing, it counts the bar too).</summary>
    public double ProcessAllocatedBytesPerPage { get; init; }
    public long Corrupt { get; init; }
    public long Misplaced { get; init; }
    public long Stale { get; init; }
    public long Errors { get; init; }
    /// <summary>After the program exited: slots still in use, pages still in the swap cache, frames not free.</summary>
    public string? Leak { get; init; }

    public long Mismatches => Corrupt + Misplaced + Stale;
    public bool Verified => Mismatches == 0 && Errors == 0 && Leak == null;
    public double PagesPerSecond => ElapsedMs > 0 ? (PagesOut + PagesIn) * 1000.0 / ElapsedMs : 0;

    /// <summary>One line of JSON: the keys the issue names, and the rest of the figures.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("fs", Options.Fs.Name());
            json.WriteString("swapMode", SwapMode.Name());
            json.WriteStartObject("opCalls");
            json.WriteNumber("direct_IO", OpCalls.DirectIO);
            json.WriteNumber("swap_rw", OpCalls.SwapRw);
            json.WriteNumber("bmap", OpCalls.Bmap);
            json.WriteNumber("swap_activate", OpCalls.SwapActivate);
            json.WriteNumber("swap_deactivate", OpCalls.SwapDeactivate);
            json.WriteNumber("blockReads", OpCalls.BlockReads);
            json.WriteNumber("blockWrites", OpCalls.BlockWrites);
            json.WriteEndObject();
            json.WriteNumber("ramPages", Options.RamPages);
            json.WriteNumber("pages", Options.Pages);
            json.WriteNumber("threads", Options.Threads);
            json.WriteNumber("queueDepth", Options.QueueDepth);
            json.WriteNumber("seed", Options.Seed);
            json.WriteNumber("pagesOut", PagesOut);
            json.WriteNumber("pagesIn", PagesIn);
            json.WriteNumber("majorFaults", MajorFaults);
            json.WriteNumber("readaheadPages", ReadaheadPages);
            json.WriteNumber("readaheadHits", ReadaheadHits);
            json.WriteNumber("operations", Operations);
            json.WriteNumber("elapsedMs", Math.Round(ElapsedMs, 1));
            json.WriteNumber("pagesPerSecond", Math.Round(PagesPerSecond));
            json.WriteNumber("swapoffMs", Math.Round(SwapoffMs, 1));
            json.WriteNumber("allocatedBytesPerPage", Math.Round(AllocatedBytesPerPage, 3));
            json.WriteNumber("processAllocatedBytesPerPage", Math.Round(ProcessAllocatedBytesPerPage, 3));
            json.WriteNumber("mismatches", Mismatches);
            json.WriteNumber("errors", Errors);
            json.WriteBoolean("verified", Verified);
            json.WriteString("leak", Leak);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

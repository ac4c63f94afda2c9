using System.Threading;

namespace AopsGen.Mm;

/// <summary>include/linux/vm_event_item.h and mm/swap_state.c <c>swap_cache_info</c>: the events
/// <c>/proc/vmstat</c> counts on the swap path.</summary>
public enum VmEvent
{
    /// <summary>PSWPIN: pages read from swap.</summary>
    PswpIn,
    /// <summary>PSWPOUT: pages written to swap.</summary>
    PswpOut,
    /// <summary>PGMAJFAULT: faults that had to read from swap.</summary>
    PgMajFault,
    /// <summary>swap_cache_info.find_success: <c>lookup_swap_cache</c> hits.</summary>
    SwapCacheHit,
    /// <summary>swap_cache_info.find_total minus the hits: <c>lookup_swap_cache</c> misses.</summary>
    SwapCacheMiss,
    /// <summary>swap_cache_info.add_total: pages added to the swap cache.</summary>
    SwapCacheAdd,
    /// <summary>swap_cache_info.del_total: pages deleted from the swap cache.</summary>
    SwapCacheDelete,
    /// <summary>Swap writes that failed and left their pages dirty (the v3.10 error path).</summary>
    SwapWriteError,
    /// <summary>Swap reads that failed and left their pages not uptodate.</summary>
    SwapReadError,
    /// <summary>SWAP_RA: pages read ahead of a fault (swapin_readahead).</summary>
    SwapReadahead,
    /// <summary>SWAP_RA_HIT: faults that found their page already read ahead.</summary>
    SwapReadaheadHit,
    /// <summary>PGSTEAL_DIRECT: frames freed by direct reclaim in a fault.</summary>
    PgStealDirect,
    /// <summary>PGSTEAL_KSWAPD rounds: reclaim rounds kswapd ran.</summary>
    KswapdRounds,
}

/// <summary>Per-machine event counters (<c>vm_event_states</c>), updated atomically, read at any time.</summary>
public sealed class VmEvents
{
    private readonly long[] _counts = new long[Enum.GetValues<VmEvent>().Length];

    /// <summary>The <c>System.Diagnostics.Metrics</c> Meter that publishes every instance's counters, one observable
    /// counter per event named <c>aopsgen.vm.</c> and the event's /proc/vmstat-style name: watch them with
    /// <c>dotnet-counters monitor --counters AopsGen</c>.</summary>
    public const string MeterName = "AopsGen";

    /// <summary>A new set of counters, all zero, published through the <see cref="MeterName"/> Meter.</summary>
    public VmEvents() => VmEventsMeter.Register(this, _counts);

    /// <summary>The event's name in lower case, as /proc/vmstat spells its items (<c>pswpin</c>, <c>pgmajfault</c>).</summary>
    public static string KernelName(VmEvent item) => item.ToString().ToLowerInvariant();

    /// <summary>The count of <paramref name="item"/> so far.</summary>
    public long this[VmEvent item] => Volatile.Read(ref _counts[(int)item]);

    /// <summary><c>count_vm_events</c>.</summary>
    public void Count(VmEvent item, long delta = 1) => Interlocked.Add(ref _counts[(int)item], delta);

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = new System.Text.StringBuilder();
        foreach (VmEvent item in Enum.GetValues<VmEvent>())
        {
            text.Append(KernelName(item)).Append(' ').Append(this[item]).Append('\n');
        }
        return text.ToString();
    }
}

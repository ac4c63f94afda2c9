using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.Threading;

namespace AopsGen.Mm;

/// <summary>
/// The <see cref="VmEvents"/> counters of every swap core in the process, published through
/// <c>System.Diagnostics.Metrics</c> as the Meter <see cref="VmEvents.MeterName"/> ("AopsGen"), one observable
/// counter per event (<c>aopsgen.vm.pswpin</c>, <c>aopsgen.vm.pswpout</c>, <c>aopsgen.vm.pgmajfault</c>, …), so that
/// <c>dotnet-counters monitor --counters AopsGen</c> shows them live, as <c>/proc/vmstat</c> shows the kernel's.
/// </summary>
/// <remarks>
/// Nothing is added on the swap path: each counter is observed — summed over the live <see cref="VmEvents"/> — only
/// when a listener collects. A collected core's last counts are kept in the total, so the counters never go back.
/// </remarks>
internal static class VmEventsMeter
{
    private static readonly Meter Meter = new(VmEvents.MeterName, typeof(VmEvents).Assembly.GetName().Version?.ToString());
    private static readonly VmEvent[] Events = Enum.GetValues<VmEvent>();
    private static readonly List<(WeakReference<VmEvents> Owner, long[] Counts)> Live = [];
    private static readonly long[] Retired = new long[Events.Length];

    static VmEventsMeter()
    {
        foreach (VmEvent item in Events)
        {
            VmEvent observed = item;
            Meter.CreateObservableCounter($"aopsgen.vm.{VmEvents.KernelName(item)}", () => Total(observed), "{event}",
                $"/proc/vmstat {VmEvents.KernelName(item)}: the sum over every swap core of this process");
        }
    }

    /// <summary>Adds a new <see cref="VmEvents"/> (its counts array, kept until its owner is collected).</summary>
    public static void Register(VmEvents events, long[] counts)
    {
        lock (Live)
        {
            Prune();
            Live.Add((new WeakReference<VmEvents>(events), counts));
        }
    }

    private static long Total(VmEvent item)
    {
        lock (Live)
        {
            Prune();
            long total = Retired[(int)item];
            foreach ((_, long[] counts) in Live)
            {
                total += Volatile.Read(ref counts[(int)item]);
            }
            return total;
        }
    }

    // A collected owner's counts move into Retired: the counters stay monotonic.
    private static void Prune()
    {
        for (int i = Live.Count - 1; i >= 0; i--)
        {
            if (!Live[i].Owner.TryGetTarget(out _))
            {
                for (int e = 0; e < Retired.Length; e++)
                {
                    Retired[e] += Live[i].Counts[e];
                }
                Live.RemoveAt(i);
            }
        }
    }
}

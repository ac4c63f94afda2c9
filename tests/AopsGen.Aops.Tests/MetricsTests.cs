using System.Collections.Generic;
using System.Diagnostics.Metrics;
using AopsGen.Mm;
using Xunit;

namespace AopsGen.Examples.Aops.Tests;

/// <summary>The runtime's counters through System.Diagnostics.Metrics, as <c>dotnet-counters monitor --counters
/// AopsGen</c> reads them: the Meter "AopsGen", one observable counter per /proc/vmstat event.</summary>
public sealed class MetricsTests
{
    [Fact]
    public void The_AopsGen_meter_publishes_pswpin_pswpout_and_pgmajfault_and_they_only_grow()
    {
        var totals = new Dictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == VmEvents.MeterName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => totals[instrument.Name] = value);
        listener.Start();
        listener.RecordObservableInstruments();
        long outBefore = totals.GetValueOrDefault("aopsgen.vm.pswpout");

        (int exit, _, string error) = Cli.Run("demo", "--pages", "256", "--ram-pages", "64", "--threads", "1");
        GC.Collect();   // the demo's swap core is gone: its counts must stay in the totals
        GC.WaitForPendingFinalizers();
        listener.RecordObservableInstruments();

        Assert.True(exit == 0, error);
        Assert.Equal("AopsGen", VmEvents.MeterName);
        Assert.True(totals["aopsgen.vm.pswpout"] >= outBefore + 256 - 64, $"pswpout {outBefore} -> {totals["aopsgen.vm.pswpout"]}");
        Assert.True(totals["aopsgen.vm.pswpin"] > 0);
        Assert.True(totals["aopsgen.vm.pgmajfault"] > 0);
        Assert.Contains("aopsgen.vm.swapreadahead", totals.Keys);
    }
}

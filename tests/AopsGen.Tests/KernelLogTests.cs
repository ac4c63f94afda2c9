using System.Linq;
using Xunit;
using AopsGen.Swap;

namespace AopsGen.Tests;

/// <summary>KernelLog: printk's ring and printk_ratelimited's burst of 10 per 5 seconds per call site.</summary>
public sealed class KernelLogTests
{
    private sealed class ManualTime : TimeProvider
    {
        public long Now;
        public override long TimestampFrequency => 1000;
        public override long GetTimestamp() => Now;
    }

    [Fact]
    public void A_call_site_prints_ten_lines_per_interval_then_reports_how_many_it_suppressed()
    {
        var time = new ManualTime();
        var log = new KernelLog(time);

        int printed = Enumerable.Range(0, 25).Count(i => log.PrintRatelimited(KernelLogLevel.Error, "swap_writepage", $"Write error on dio swapfile ({i})"));
        Assert.Equal(KernelLog.RatelimitBurst, printed);

        time.Now += 4_999;
        Assert.False(log.PrintRatelimited(KernelLogLevel.Error, "swap_writepage", "still suppressed"));
        time.Now += 1;
        Assert.True(log.PrintRatelimited(KernelLogLevel.Error, "swap_writepage", "Write error on dio swapfile (99)"));

        string[] lines = log.Lines.Select(l => l.Message).ToArray();
        Assert.Equal(12, lines.Length);
        Assert.Equal("swap_writepage: 16 callbacks suppressed", lines[10]);
        Assert.Equal("Write error on dio swapfile (99)", lines[11]);
    }

    [Fact]
    public void Call_sites_are_limited_separately()
    {
        var log = new KernelLog(new ManualTime());
        for (int i = 0; i < 10; i++)
        {
            Assert.True(log.PrintRatelimited(KernelLogLevel.Error, "a", "a"));
        }
        Assert.False(log.PrintRatelimited(KernelLogLevel.Error, "a", "a"));
        Assert.True(log.PrintRatelimited(KernelLogLevel.Alert, "b", "b"));
    }
}

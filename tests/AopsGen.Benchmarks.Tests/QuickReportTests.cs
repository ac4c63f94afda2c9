using System.IO;
using System.Text.Json;
using AopsGen.Benchmarks.Quick;
using Xunit;

namespace AopsGen.Benchmarks.Tests;

public class QuickReportTests
{
    [Fact]
    public void Json_is_one_object_of_numbers_in_the_order_added_with_the_notes()
    {
        var report = new QuickReport();
        report.Add("b", 2.5, "ratio", "second");
        report.Add("a", 1, "B", "first");
        report.Add("missing", double.NaN, "ms", "not measured");
        report.Note("2 CPUs");
        using var stream = new MemoryStream();
        report.WriteJson(stream);

        using JsonDocument doc = JsonDocument.Parse(stream.ToArray());
        var names = new System.Collections.Generic.List<string>();
        foreach (JsonProperty property in doc.RootElement.EnumerateObject())
        {
            names.Add(property.Name);
        }
        Assert.Equal(["b", "a", "missing", "notes"], names);
        Assert.Equal(2.5, doc.RootElement.GetProperty("b").GetDouble());
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("missing").ValueKind);
        Assert.Equal("2 CPUs", doc.RootElement.GetProperty("notes")[0].GetString());
    }

    [Fact]
    public void A_key_added_twice_is_refused()
    {
        var report = new QuickReport();
        report.Add("x", 1, "ratio", "once");
        Assert.Throws<InvalidOperationException>(() => report.Add("x", 2, "ratio", "twice"));
    }

    [Fact]
    public void Interleaved_medians_are_per_operation_and_refuse_a_case_that_did_nothing()
    {
        double[] medians = QuickMeasure.InterleavedMedians(5, () => 1000, () => 1);
        Assert.Equal(2, medians.Length);
        Assert.All(medians, m => Assert.True(m >= 0));
        Assert.Throws<InvalidOperationException>(() => QuickMeasure.InterleavedMedians(1, () => 0));
    }

    [Fact]
    public void The_thread_cpu_clock_counts_work_and_not_sleep()
    {
        long start = QuickMeasure.ThreadCpuNanoseconds();
        System.Threading.Thread.Sleep(200);
        long slept = QuickMeasure.ThreadCpuNanoseconds() - start;
        long spinStart = QuickMeasure.ThreadCpuNanoseconds();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 200)
        {
        }
        long spun = QuickMeasure.ThreadCpuNanoseconds() - spinStart;

        Assert.True(slept < 50_000_000, $"200 ms asleep counted {slept} ns of CPU");
        Assert.True(spun > slept, $"200 ms of spinning counted {spun} ns, sleeping {slept}");
    }
}

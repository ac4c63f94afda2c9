using AopsGen.Benchmarks.Dispatch;
using AopsGen.Benchmarks.Quick;
using Xunit;

namespace AopsGen.Benchmarks.Tests;

public class DispatchCaseTests
{
    [Fact]
    public void Every_dispatch_case_makes_N_calls_that_reach_the_op()
    {
        using var bench = new DispatchBenchmarks();
        bench.Setup();
        var cases = bench.Cases();
        Assert.Contains(cases, c => c.Name == nameof(DispatchBenchmarks.Interface_Mono));
        Assert.Contains(cases, c => c.Name == nameof(DispatchBenchmarks.Virtual_Mono));
        foreach (var (name, run, pages) in cases)
        {
            ulong before = Sum(pages);
            int calls = run();
            Assert.True(calls == DispatchBenchmarks.N, $"{name} returned {calls}");
            Assert.True(Sum(pages) - before == DispatchBenchmarks.N, $"{name} reached the op {Sum(pages) - before} times");
        }
    }

    [Fact]
    public void No_dispatch_case_allocates()
    {
        using var bench = new DispatchBenchmarks();
        bench.Setup();
        foreach (var (name, run, _) in bench.Cases())
        {
            run();
            long allocated = QuickMeasure.AllocatedBytes(() => run());
            Assert.True(allocated == 0, $"{name} allocated {allocated} B");
        }
    }

    private static ulong Sum(Page[] pages)
    {
        ulong sum = 0;
        foreach (Page page in pages)
        {
            sum += page.Private;
        }
        return sum;
    }
}

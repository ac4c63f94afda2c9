using AopsGen.Benchmarks.Block;
using AopsGen.Benchmarks.Quick;
using Xunit;

namespace AopsGen.Benchmarks.Tests;

public class VectoredWriteTests
{
    [Theory]
    [InlineData(8)]
    [InlineData(32)]
    public void Both_cases_complete_every_write_and_only_the_pinvoke_allocates_nothing(int batch)
    {
        using var bench = new VectoredWriteBenchmarks();
        bench.Setup();
        bench.UseBatch(batch);
        long bytes = (long)VectoredWriteBenchmarks.PagesPerInvocation << Page.Shift;

        Assert.Equal(bytes, bench.Pwritev());
        Assert.Equal(bytes, bench.RandomAccessVectored());
        Assert.Equal(0, QuickMeasure.AllocatedBytes(() => bench.Pwritev()));
        // The "before" of the optimization: .NET's vectored write pins each buffer through an array it allocates.
        Assert.True(QuickMeasure.AllocatedBytes(() => bench.RandomAccessVectored()) >= 24L * VectoredWriteBenchmarks.PagesPerInvocation);
    }
}

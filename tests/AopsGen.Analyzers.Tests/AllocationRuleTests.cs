using System.Threading.Tasks;
using Xunit;
using static AopsGen.Analyzers.Tests.AopsAnalyzerTest;

namespace AopsGen.Analyzers.Tests;

/// <summary>AOPS008: allocations on the swap path.</summary>
public sealed class AllocationRuleTests
{
    private const string SwapTableStart = """
        [AddressSpaceOperations] public static partial class SwapFs
        {
            [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0;
            [SwapActivate] public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span) { span = 0; return 0; }
            [SwapDeactivate] public static void SwapDeactivate(OpenFile file) { }
            private static readonly int[] Sizes = { 1, 2, 3 };
            private static int Sum(params int[] values) => values.Length;
            private record class Rec(int A);
        """;

    [Fact]
    public async Task AOPS008_each_kind_of_allocation_in_direct_io_of_a_swap_capable_table()
    {
        await VerifyAsync(
            SwapTableStart + """
                [DirectIO] public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset)
                {
                    var list = {|#0:new|} System.Collections.Generic.List<int>();
                    byte[] buffer = {|AOPS008:new|} byte[16];
                    object boxed = {|#1:offset|};
                    Func<long> closure = () {|#3:=>|} offset;
                    string name = nameof(list);
                    string joined = name + "y" {|AOPS008:+|} name;
                    string text = {|AOPS008:$"|}{offset}";
                    int total = {|#2:Sum|}(1, 2);
                    int linq = System.Linq.Enumerable.{|AOPS008:Count|}(Sizes);
                    var anonymous = {|AOPS008:new { A = 1 }|};
                    var rec = {|AOPS008:new|} Rec(1);
                    var copy = {|AOPS008:rec with { A = 2 }|};
                    int[] collection = {|AOPS008:[1, 2]|};
                    Func<string> bound = {|AOPS008:name.ToString|};
                    return buffer.Length + total + linq + text.Length + joined.Length + closure().GetHashCode() + boxed.GetHashCode() + anonymous.A + copy.A + collection.Length + bound().Length;
                }
            }
            """,
            Diagnostic(AopsDiagnostics.SwapPathAllocation, 0).WithMessage("'DirectIO' runs on the swap path ([DirectIO] of swap-capable 'SwapFs') and allocates here: new of class 'List<int>'"),
            Diagnostic(AopsDiagnostics.SwapPathAllocation, 1).WithArguments("DirectIO", "[DirectIO] of swap-capable 'SwapFs'", "boxing of 'long' to 'object'"),
            Diagnostic(AopsDiagnostics.SwapPathAllocation, 2).WithArguments("DirectIO", "[DirectIO] of swap-capable 'SwapFs'", "params array for 'Sum'"),
            Diagnostic(AopsDiagnostics.SwapPathAllocation, 3).WithArguments("DirectIO", "[DirectIO] of swap-capable 'SwapFs'", "a lambda that captures 'offset' (a closure and a delegate per call)"));
    }

    [Fact]
    public async Task AOPS008_in_every_swap_path_op_and_in_no_alloc_methods_anywhere()
    {
        await VerifyAsync(
            SwapTableStart + """
                [DirectIO] public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) => {|AOPS008:new|} byte[1].Length;
                [WritePage] public static int WritePage(Page page, WritebackControl wbc) => {|AOPS008:new|} byte[1].Length;
                [SetPageDirty] public static bool SetPageDirty(Page page) => {|AOPS008:new|} object() is null;
                [SwapRw] public static int SwapRw(Kiocb iocb, IovIter iter) => {|AOPS008:new|} int[1].Length;
            }
            public static class Helpers
            {
                [NoAlloc] public static int Pinned(int x) => {|#0:new|} int[x].Length;
            }
            """,
            Diagnostic(AopsDiagnostics.SwapPathAllocation, 0).WithMessage("'Pinned' runs on the swap path ([NoAlloc]) and allocates here: new array 'int[]'"));
    }

    [Fact]
    public async Task AOPS008_not_reported_off_the_swap_path()
    {
        await VerifyAsync("""
            [AddressSpaceOperations] public static partial class NoSwapFs
            {
                [ReadPage] public static int ReadPage(OpenFile file, Page page) => new byte[1].Length;
                [DirectIO] public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) => new object().GetHashCode();
            }
            [AddressSpaceOperations] public static partial class SwapFs
            {
                [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0;
                [DirectIO] public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) => 0;
                [SwapActivate] public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span) { span = (ulong)new byte[1].Length; return 0; }
                [SwapDeactivate] public static void SwapDeactivate(OpenFile file) { _ = new object(); }
                [Bmap] public static ulong Bmap(AddressSpace mapping, ulong block) => (ulong)new byte[1].Length;
                public static int Helper() => new byte[1].Length;
            }
            """);
    }

    [Fact]
    public async Task AOPS008_not_reported_when_the_swap_activate_is_one_the_generator_skips()
    {
        // SwapActivate is not static (AOPS002): the table gets no swap_activate, so swapon refuses the file and
        // DirectIO never runs on the swap path.
        await VerifyAsync("""
            [AddressSpaceOperations] public partial class SwapFs
            {
                [ReadPage] public static int ReadPage(OpenFile file, Page page) => 0;
                [SwapActivate] public int {|AOPS002:SwapActivate|}(SwapInfo sis, OpenFile file, out ulong span) { span = 0; return 0; }
                [SwapDeactivate] public static void SwapDeactivate(OpenFile file) { }
                [DirectIO] public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) => new byte[1].Length;
            }
            """);
    }

    [Fact]
    public async Task AOPS008_not_reported_for_what_does_not_allocate()
    {
        await VerifyAsync(SwapTableStart + """
                [DirectIO] public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset)
                {
                    var segment = new IoVec();
                    Span<byte> stack = stackalloc byte[16];
                    ReadOnlySpan<byte> data = new byte[] { 1, 2, 3 };
                    Func<int, int> twice = x => 2 * x;
                    Func<int, int> pure = static x => x + 1;
                    Func<int> staticGroup = Zero;
                    const string Constant = "a" + "b";
                    int none = Sum();
                    long sum = offset + 1;
                    Span<int> spanCollection = [1, 2];
                    if (iov.Length > 1000) throw new InvalidOperationException("too many: " + iov.Length);
                    return stack.Length + data.Length + twice(1) + pure(1) + staticGroup() + Constant.Length + none + sum + segment.GetHashCode() + spanCollection.Length;
                }
                private static int Zero() => 0;
            }
            """.Replace("if (iov.Length > 1000) throw", "if (iov.Length > 1000) {|AOPS011:throw|}", StringComparison.Ordinal));
    }
}

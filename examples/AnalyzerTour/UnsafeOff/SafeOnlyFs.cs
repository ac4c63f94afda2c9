using AopsGen;

namespace AnalyzerTour.UnsafeOff;

/// <summary>A valid table in a project that turned unsafe code off: its generated table cannot compile.</summary>
[AddressSpaceOperations("safe_only_aops")] // AOPS007
public static partial class SafeOnlyFs
{
    /// <summary>readpage: nothing to read.</summary>
    [ReadPage]
    public static int ReadPage(OpenFile file, Page page) => 0;
}

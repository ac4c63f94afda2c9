using System.Runtime.CompilerServices;

namespace AopsGen.Benchmarks.Dispatch;

// The op every dispatch case ends in: a set_page_dirty-shaped `bool Op(Page page)` that does one tiny piece
// of work on the page (page->private++, a plain load/add/store) and returns true. Every target is
// [MethodImpl(NoInlining)], so every case pays exactly one real call into an identical body and differs
// only in how it finds the target. Real set_page_dirty/readpage bodies are far too big to inline anyway.

/// <summary>Four filesystems with identical ops: the generator builds <c>Operations</c> and <c>StaticOps</c> for each.</summary>
[AddressSpaceOperations("bench_fs0_aops")]
public static partial class BenchFs0
{
    [SetPageDirty]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool SetPageDirty(Page page)
    {
        page.Private++;
        return true;
    }
}

/// <inheritdoc cref="BenchFs0"/>
[AddressSpaceOperations("bench_fs1_aops")]
public static partial class BenchFs1
{
    [SetPageDirty]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool SetPageDirty(Page page)
    {
        page.Private++;
        return true;
    }
}

/// <inheritdoc cref="BenchFs0"/>
[AddressSpaceOperations("bench_fs2_aops")]
public static partial class BenchFs2
{
    [SetPageDirty]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool SetPageDirty(Page page)
    {
        page.Private++;
        return true;
    }
}

/// <inheritdoc cref="BenchFs0"/>
[AddressSpaceOperations("bench_fs3_aops")]
public static partial class BenchFs3
{
    [SetPageDirty]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static bool SetPageDirty(Page page)
    {
        page.Private++;
        return true;
    }
}

/// <summary>The interface alternative to a table: one implementation per filesystem.</summary>
public interface IPageOps
{
    bool SetPageDirty(Page page);
}

public sealed class IfaceFs0 : IPageOps
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public bool SetPageDirty(Page page)
    {
        page.Private++;
        return true;
    }
}

public sealed class IfaceFs1 : IPageOps
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public bool SetPageDirty(Page page)
    {
        page.Private++;
        return true;
    }
}

public sealed class IfaceFs2 : IPageOps
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public bool SetPageDirty(Page page)
    {
        page.Private++;
        return true;
    }
}

public sealed class IfaceFs3 : IPageOps
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public bool SetPageDirty(Page page)
    {
        page.Private++;
        return true;
    }
}

/// <summary>The abstract-class alternative to a table: one derived class per filesystem.</summary>
public abstract class PageOpsBase
{
    public abstract bool SetPageDirty(Page page);
}

public sealed class VirtFs0 : PageOpsBase
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public override bool SetPageDirty(Page page)
    {
        page.Private++;
        return true;
    }
}

public sealed class VirtFs1 : PageOpsBase
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public override bool SetPageDirty(Page page)
    {
        page.Private++;
        return true;
    }
}

public sealed class VirtFs2 : PageOpsBase
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public override bool SetPageDirty(Page page)
    {
        page.Private++;
        return true;
    }
}

public sealed class VirtFs3 : PageOpsBase
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public override bool SetPageDirty(Page page)
    {
        page.Private++;
        return true;
    }
}

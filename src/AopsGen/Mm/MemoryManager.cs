using System.Collections.Generic;

namespace AopsGen;

/// <summary>
/// The memory of one machine: its page frames (the RAM), its swap, and its anonymous regions — the kernel's
/// <c>mmlist</c>, which swapoff walks to find every owner of a swap entry (mm/swapfile.c <c>try_to_unuse</c>).
/// </summary>
public sealed partial class MemoryManager
{
    private readonly List<AnonRegion> _mmlist = new();

    /// <summary>A machine with <paramref name="ram"/> for its pages and <paramref name="swap"/> for its swap.
    /// A swap core serves one memory manager.</summary>
    public MemoryManager(PageFrames ram, SwapCore swap)
    {
        ArgumentNullException.ThrowIfNull(ram);
        ArgumentNullException.ThrowIfNull(swap);
        Ram = ram;
        Swap = swap;
        swap.AttachMemory(this);
    }

    /// <summary>The page frames.</summary>
    public PageFrames Ram { get; }

    /// <summary>The swap subsystem.</summary>
    public SwapCore Swap { get; }

    /// <summary>The event counters (shared with the swap core).</summary>
    public VmEvents Events => Swap.Events;

    /// <summary><c>mmap(MAP_ANONYMOUS)</c>: a region of <paramref name="pages"/> pages, all untouched (zero).</summary>
    public AnonRegion CreateRegion(int pages)
    {
        var region = new AnonRegion(this, pages);
        lock (_mmlist)
        {
            _mmlist.Add(region);
        }
        return region;
    }

    /// <summary>The regions, for <c>try_to_unuse</c>'s walk (a snapshot: regions may come and go meanwhile).</summary>
    internal AnonRegion[] Regions()
    {
        lock (_mmlist)
        {
            return _mmlist.ToArray();
        }
    }

    internal void Remove(AnonRegion region)
    {
        lock (_mmlist)
        {
            _mmlist.Remove(region);
        }
    }
}

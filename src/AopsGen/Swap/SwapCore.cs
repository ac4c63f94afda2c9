using System.Threading;
using AopsGen.Mm;
using AopsGen.Vfs;

namespace AopsGen.Swap;

/// <summary>
/// The swap subsystem of one machine (mm/swapfile.c, mm/swap_state.c, mm/page_io.c): its fields and constructor.
/// The class is split the way the kernel's units are — <c>SwapFile.cs</c> (the swap table), <c>SwapOn.cs</c>,
/// <c>SwapOff.cs</c>, <c>SwapState.cs</c> (the swap cache), <c>PageIo.cs</c> with the backends
/// (<c>SwapBackend.cs</c>), <c>SwapDiscard.cs</c>, <c>SwapReclaim.cs</c> (what mm/vmscan.c calls); docs/swap.md
/// maps each to its kernel version. One instance is one machine's swap; tests make as many as they like.
/// </summary>
public sealed partial class SwapCore : IDisposable
{
    /// <summary>MAX_SWAPFILES in 3.6 with CONFIG_MIGRATION and CONFIG_MEMORY_FAILURE: 32 - 2 - 1.</summary>
    public const int MaxSwapFiles = 29;

    private readonly object _swapLock = new();
    private readonly SwapInfo?[] _swapInfo = new SwapInfo?[MaxSwapFiles];
    private readonly int[] _next = new int[MaxSwapFiles];
    private int _nrSwapfiles;
    private int _listHead = -1;
    private int _listNext = -1;
    private int _leastPriority;
    private long _nrSwapPages;
    private long _totalSwapPages;
    private readonly MountNamespace _vfs;
    private readonly PageFrames _headerFrame = new(1);
    private MemoryManager? _mm;

    /// <summary>The swap subsystem of a machine whose paths <paramref name="vfs"/> resolves.</summary>
    public SwapCore(MountNamespace vfs)
    {
        ArgumentNullException.ThrowIfNull(vfs);
        _vfs = vfs;
        SwapperSpace = AddressSpace.ForSwapCache(SwapAops.Operations);
        SwapperSpace.PrivateData = this;
    }

    /// <summary>What the swap code printed (<c>dmesg</c>).</summary>
    public KernelLog Log { get; } = new();

    /// <summary>Frees the page frame swapon reads headers into.</summary>
    public void Dispose() => _headerFrame.Dispose();
}

using AopsGen.Block;
using AopsGen.Swap;

namespace AopsGen;

/// <summary>include/linux/swap.h: <c>enum { SWP_USED, SWP_WRITEOK, ... }</c>, the flags of a swap area, at 6.x's
/// bit positions (bits 0-6 are 3.6's too).</summary>
[Flags]
public enum SwapFlags
{
    /// <summary>No flag.</summary>
    None = 0,
    /// <summary>SWP_USED: the slot in the swap table is in use.</summary>
    Used = 1 << 0,
    /// <summary>SWP_WRITEOK: ok to write to this area.</summary>
    WriteOk = 1 << 1,
    /// <summary>SWP_DISCARDABLE: blkdev supports discard.</summary>
    Discardable = 1 << 2,
    /// <summary>SWP_DISCARDING: now discarding a free cluster.</summary>
    Discarding = 1 << 3,
    /// <summary>SWP_SOLIDSTATE: blkdev seeks are cheap (not set: an image file's medium is not asked).</summary>
    SolidState = 1 << 4,
    /// <summary>SWP_CONTINUED: swap_map has count continuation (not set: continuations are not modelled).</summary>
    Continued = 1 << 5,
    /// <summary>SWP_BLKDEV: it is a block device.</summary>
    BlockDevice = 1 << 6,
    /// <summary>SWP_ACTIVATED (4.19+; 3.6 named this bit SWP_FILE, "set after swap_activate success"):
    /// <c>swap_activate</c> succeeded, so swapoff (or a swapon failing later) calls <c>swap_deactivate</c>.</summary>
    Activated = 1 << 7,
    /// <summary>SWP_FS_OPS (5.19+): set by the filesystem's <c>swap_activate</c>: "swapfile operations go through
    /// fs" — every read and write of the area is a <c>swap_rw</c> call.</summary>
    FsOps = 1 << 8,
    /// <summary>SWP_AREA_DISCARD: the whole area was discarded at swapon (SWAP_FLAG_DISCARD, or _ONCE).</summary>
    AreaDiscard = 1 << 9,
    /// <summary>SWP_PAGE_DISCARD: freed clusters are discarded (SWAP_FLAG_DISCARD, or _PAGES).</summary>
    PageDiscard = 1 << 10,
    /// <summary>SWP_SCANNING: refcount in scan_swap_map (6.x bit; not used: the scan holds the area's lock).</summary>
    Scanning = 1 << 14,
}

/// <summary>
/// include/linux/swap.h: <c>struct swap_info_struct</c>, one swap area. <c>swap_activate</c> receives it and
/// may read <see cref="Pages"/> and <see cref="Max"/> (NFS sets <c>*span = sis-&gt;pages</c>). The swap core
/// (mm/swapfile.c) owns and fills it.
/// </summary>
public sealed partial class SwapInfo
{
    /// <summary>Creates the swap area with index <paramref name="type"/> in the swap table.</summary>
    public SwapInfo(int type)
    {
        Type = type;
    }

    /// <summary><c>type</c>: index in <c>swap_info[]</c>, the type part of a swap entry.</summary>
    public int Type { get; }

    /// <summary><c>flags</c>.</summary>
    public SwapFlags Flags { get; set; }

    /// <summary><c>prio</c>: higher is used first; automatic priorities are -1, -2, ...</summary>
    public int Priority { get; set; }

    /// <summary><c>pages</c>: usable slots (the header page and bad pages excluded).</summary>
    public uint Pages { get; set; }

    /// <summary><c>max</c>: one past the highest slot, i.e. the size of <c>swap_map</c>.</summary>
    public uint Max { get; set; }

    /// <summary><c>inuse_pages</c>: slots in use.</summary>
    public uint InUsePages { get; set; }

    /// <summary><c>swap_file</c>: the open swap file or device.</summary>
    public OpenFile? SwapFile { get; set; }

    /// <summary><c>bdev</c>: the block device the area's I/O goes to when it is not the filesystem's — the swap
    /// file's filesystem's device (extents) or the device itself (SWP_BLKDEV).</summary>
    public BlockDevice? Bdev { get; set; }

    /// <summary>How the area's pages reach storage, chosen once at swapon.</summary>
    public SwapIoMode Mode => Io?.Mode ?? SwapIoMode.None;

    /// <summary>The calls the swap core made for this area through its file's table, and its block I/O.</summary>
    public SwapOpCalls OpCalls { get; } = new();

    /// <summary><c>swap_dev_pos</c> / <c>map_swap_page</c>: the byte position of slot <paramref name="offset"/>'s
    /// page in the swap file (SWP_FILE, SWP_FS_OPS) or on the block device (extents, SWP_BLKDEV).</summary>
    public long PositionOf(ulong offset) => (Io ?? throw new InvalidOperationException($"{this} has no I/O backend (not active).")).Position(offset);

    /// <summary>The area's I/O backend, set by swapon (<see cref="SwapBackend"/>).</summary>
    internal SwapBackend? Io { get; set; }

    /// <summary>The swap core's log (the kernel's printk), for a filesystem's <c>swap_activate</c> to say why it
    /// refuses a file ("swapon: swapfile has holes").</summary>
    public KernelLog? Log { get; set; }

    /// <inheritdoc/>
    public override string ToString() => $"swap area {Type} on {SwapFile?.Path ?? "(none)"} prio {Priority} pages {Pages}";
}

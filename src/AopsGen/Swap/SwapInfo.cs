using AopsGen.Block;
using AopsGen.Swap;

namespace AopsGen;

/// <summary>include/linux/swap.h (3.6): <c>enum { SWP_USED, SWP_WRITEOK, ... }</c>, the flags of a swap area.</summary>
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
    /// <summary>SWP_SOLIDSTATE: blkdev seeks are cheap.</summary>
    SolidState = 1 << 4,
    /// <summary>SWP_CONTINUED: swap_map has count continuation.</summary>
    Continued = 1 << 5,
    /// <summary>SWP_BLKDEV: it is a block device.</summary>
    BlockDevice = 1 << 6,
    /// <summary>SWP_FILE: "set after swap_activate success": I/O goes through the file's <c>a_ops</c>
    /// (<c>direct_IO</c> to write, <c>readpage</c> to read), as the seed commit 62c230bc1790 describes.</summary>
    File = 1 << 7,
    /// <summary>SWP_SCANNING: refcount in scan_swap_map.</summary>
    Scanning = 1 << 8,
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

    /// <summary><c>bdev</c>: the block device the area's extents point into (the swap file's filesystem's
    /// device); the I/O of an area that is not SWP_FILE goes straight to it.</summary>
    public BlockDevice? Bdev { get; set; }

    /// <summary>The swap core's log (the kernel's printk), for a filesystem's <c>swap_activate</c> to say why it
    /// refuses a file ("swapon: swapfile has holes").</summary>
    public KernelLog? Log { get; set; }

    /// <inheritdoc/>
    public override string ToString() => $"swap area {Type} on {SwapFile?.Path ?? "(none)"} prio {Priority} pages {Pages}";
}

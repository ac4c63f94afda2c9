namespace AopsGen;

/// <summary>include/linux/writeback.h: <c>enum writeback_sync_modes</c>.</summary>
public enum WritebackSyncMode
{
    /// <summary>WB_SYNC_NONE: don't wait on anything.</summary>
    None,
    /// <summary>WB_SYNC_ALL: wait on every mapping (data integrity).</summary>
    All,
}

/// <summary>
/// include/linux/writeback.h: <c>struct writeback_control</c>, what a <c>writepage</c>/<c>writepages</c>
/// call is asked to do and how much is left to do.
/// </summary>
public sealed class WritebackControl
{
    /// <summary><c>sync_mode</c>.</summary>
    public WritebackSyncMode SyncMode { get; set; }

    /// <summary><c>nr_to_write</c>: pages left to write; decremented per page written.</summary>
    public long NrToWrite { get; set; } = long.MaxValue;

    /// <summary><c>range_start</c>, in bytes.</summary>
    public long RangeStart { get; set; }

    /// <summary><c>range_end</c>, in bytes (inclusive).</summary>
    public long RangeEnd { get; set; } = long.MaxValue;

    /// <summary><c>for_reclaim</c>: called from page reclaim (memory is short: do not allocate).</summary>
    public bool ForReclaim { get; set; }

    /// <summary>A control for reclaim writing one page, as <c>pageout()</c> builds it.</summary>
    public static WritebackControl ForPageout() => new() { SyncMode = WritebackSyncMode.None, NrToWrite = 32 /* SWAP_CLUSTER_MAX */, ForReclaim = true };
}

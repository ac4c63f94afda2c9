namespace AopsGen;

/// <summary>include/linux/gfp.h: the allocation flags <c>releasepage</c> receives.</summary>
[Flags]
public enum GfpFlags
{
    /// <summary>GFP_NOWAIT: may not sleep.</summary>
    NoWait = 0,
    /// <summary>__GFP_WAIT: may sleep.</summary>
    Wait = 0x10,
    /// <summary>__GFP_IO: may start physical I/O.</summary>
    Io = 0x40,
    /// <summary>__GFP_FS: may call into the filesystem.</summary>
    Fs = 0x80,
    /// <summary>GFP_NOIO = __GFP_WAIT.</summary>
    NoIo = Wait,
    /// <summary>GFP_NOFS = __GFP_WAIT | __GFP_IO.</summary>
    NoFs = Wait | Io,
    /// <summary>GFP_KERNEL = __GFP_WAIT | __GFP_IO | __GFP_FS.</summary>
    Kernel = Wait | Io | Fs,
}

/// <summary>include/linux/migrate_mode.h: <c>enum migrate_mode</c>.</summary>
public enum MigrateMode
{
    /// <summary>MIGRATE_ASYNC: never block.</summary>
    Async,
    /// <summary>MIGRATE_SYNC_LIGHT: may block, but not on writeback.</summary>
    SyncLight,
    /// <summary>MIGRATE_SYNC: may block.</summary>
    Sync,
}

/// <summary>include/linux/fs.h: the positive "AOP_" returns an op may give instead of 0.</summary>
public static class AopReturn
{
    /// <summary>AOP_WRITEPAGE_ACTIVATE: <c>writepage</c> kept the page locked and asks to move it to the active list.</summary>
    public const int WritePageActivate = 0x80000;

    /// <summary>AOP_TRUNCATED_PAGE: the op unlocked the page because it was truncated; the caller retries.</summary>
    public const int TruncatedPage = 0x80001;
}

namespace AopsGen.Mm;

/// <summary>
/// include/linux/sched/mm.h: the calling thread's <c>PF_MEMALLOC</c> flag. A thread that has it is doing the work
/// that frees memory — reclaim, the writes reclaim submits and their completions — so its allocations may take the
/// frames below the min watermark (mm/page_alloc.c <c>__gfp_pfmemalloc_flags</c> → <c>ALLOC_NO_WATERMARKS</c>), and
/// it never enters reclaim again (reclaim does not nest).
/// <para>
/// Reclaim sets it for the pages it writes, so a filesystem's <c>writepage</c>, <c>direct_IO</c> or <c>swap_rw</c>
/// called from reclaim already allocates from the reserve. Work that runs on its own thread for reclaim (an I/O
/// completion, a filesystem's sender thread) sets it the kernel's way, for a scope:
/// <code>
/// using (Memalloc.NoReclaimSave())   // memalloc_noreclaim_save()
/// {
///     Page? frame = mm.AllocPage(zeroed: false);   // may take a reserve frame; never reclaims
/// }                                  // memalloc_noreclaim_restore(flags)
/// </code>
/// What a request needs every time (a bounce frame, a header) comes from a <see cref="Mempool"/> made at
/// swapon, so the reserve is the fallback, not the plan.
/// </para>
/// </summary>
public static class Memalloc
{
    [ThreadStatic]
    private static bool t_memalloc;

    /// <summary>Whether the calling thread has <c>PF_MEMALLOC</c> (inside reclaim or a
    /// <see cref="NoReclaimSave"/> scope).</summary>
    public static bool Active => t_memalloc;

    /// <summary><c>memalloc_noreclaim_save</c>: sets <c>PF_MEMALLOC</c> on the calling thread until the returned
    /// scope is disposed, which restores what was there before (<c>memalloc_noreclaim_restore</c>), so scopes nest.</summary>
    public static MemallocScope NoReclaimSave()
    {
        bool saved = t_memalloc;
        t_memalloc = true;
        return new MemallocScope(saved);
    }

    internal static void Restore(bool saved) => t_memalloc = saved;
}

/// <summary>The saved <c>PF_MEMALLOC</c> of a <see cref="Memalloc.NoReclaimSave"/> scope; disposing it is
/// <c>memalloc_noreclaim_restore</c>.</summary>
public readonly ref struct MemallocScope
{
    private readonly bool _saved;

    internal MemallocScope(bool saved) => _saved = saved;

    /// <summary><c>memalloc_noreclaim_restore</c>: the thread's flag as it was before the scope.</summary>
    public void Dispose() => Memalloc.Restore(_saved);
}

namespace AopsGen.Swap;

/// <summary>
/// mm/swap_slots.c (4.11+, https://elixir.bootlin.com/linux/v6.1/source/mm/swap_slots.c): the swap slots cache, so
/// that reclaim takes and gives back slots a batch at a time rather than one lock round trip a page.
/// <c>get_swap_page</c> takes the next slot of a cache that <c>get_swap_pages</c> refills with a batch under one
/// hold of the locks; <c>free_swap_slot</c> puts a slot whose page left the swap cache in a return cache that one
/// <c>swapcache_free_entries</c> empties.
/// <para>The kernel's cache is per CPU and lives on (swapoff disables it). This one is per thread and lives for one
/// reclaim batch — <see cref="Start"/> to the end of its scope, which gives back what was not used and frees what
/// was returned — so a thread that ends leaks no slot and swapoff never meets a slot a cache holds. The kernel
/// clears a slot's SWAP_HAS_CACHE at once and caches only slots that end free; here the clear itself waits for the
/// end of the batch (microseconds, no I/O in between): a fault on such a slot meanwhile sees -EEXIST from
/// <c>swapcache_prepare</c> and looks again, as it does while any page is being added to the cache.</para>
/// </summary>
internal sealed class SwapSlotsCache
{
    /// <summary>SWAP_SLOTS_CACHE_SIZE here: one reclaim batch.</summary>
    private const int Size = SwapPlug.MaxPages;

    [ThreadStatic]
    private static SwapSlotsCache? t_cache;

    private readonly SwapEntry[] _slots = new SwapEntry[Size];
    private readonly SwapEntry[] _slotsRet = new SwapEntry[Size];
    private SwapCore? _core;
    private int _refill;
    private int _nr;
    private int _cur;
    private int _nRet;

    private SwapSlotsCache()
    {
    }

    /// <summary>
    /// Starts this thread's cache for a reclaim batch on <paramref name="core"/> that may need up to
    /// <paramref name="refill"/> slots (the first <see cref="GetSwapPage"/> takes that many at once). A scope already
    /// started on this thread (nesting) is left as it is.
    /// </summary>
    public static Scope Start(SwapCore core, int refill)
    {
        SwapSlotsCache cache = t_cache ??= new SwapSlotsCache();
        if (cache._core != null)
        {
            return default;
        }
        cache._core = core;
        cache._refill = Math.Clamp(refill, 1, Size);
        return new Scope(cache);
    }

    /// <summary>Allocates this thread's cache now, so that its first reclaim allocates nothing.</summary>
    internal static void Prepare() => t_cache ??= new SwapSlotsCache();

    /// <summary><c>get_swap_page</c>: the next slot of this thread's cache for <paramref name="core"/>, refilled when
    /// empty; without a cache, one slot from <see cref="SwapCore.GetSwapPage"/>.</summary>
    public static SwapEntry GetSwapPage(SwapCore core)
    {
        SwapSlotsCache? cache = t_cache;
        if (cache is null || !ReferenceEquals(cache._core, core))
        {
            return core.GetSwapPage();
        }
        if (cache._cur == cache._nr)
        {
            cache._cur = 0;
            cache._nr = core.GetSwapPages(cache._slots.AsSpan(0, cache._refill));
            if (cache._nr == 0)
            {
                return SwapEntry.None;
            }
        }
        return cache._slots[cache._cur++];
    }

    /// <summary><c>free_swap_slot</c> (of the cache bit): into this thread's return cache for <paramref name="core"/>,
    /// freed when it is full or the scope ends; without a cache, <see cref="SwapCore.SwapcacheFree"/> at once.</summary>
    public static void FreeSwapSlot(SwapCore core, SwapEntry entry)
    {
        SwapSlotsCache? cache = t_cache;
        if (cache is null || !ReferenceEquals(cache._core, core))
        {
            core.SwapcacheFree(entry);
            return;
        }
        if (cache._nRet == Size)
        {
            cache.FlushReturned();
        }
        cache._slotsRet[cache._nRet++] = entry;
    }

    private void FlushReturned()
    {
        _core!.SwapcacheFreeEntries(_slotsRet.AsSpan(0, _nRet));
        _nRet = 0;
    }

    /// <summary>The end of a reclaim batch: slots taken and not used go back, returned slots are freed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly SwapSlotsCache? _cache;

        internal Scope(SwapSlotsCache cache) => _cache = cache;

        /// <summary>Gives back and frees (<c>swapcache_free_entries</c>), then leaves the scope.</summary>
        public void Dispose()
        {
            if (_cache is not { } cache)
            {
                return;
            }
            try
            {
                if (cache._cur < cache._nr)
                {
                    cache._core!.SwapcacheFreeEntries(cache._slots.AsSpan(cache._cur, cache._nr - cache._cur));
                }
                if (cache._nRet > 0)
                {
                    cache.FlushReturned();
                }
            }
            finally
            {
                cache._cur = cache._nr = cache._nRet = 0;
                cache._core = null;
            }
        }
    }
}

using System.Collections.Generic;

namespace AopsGen;

/// <summary>
/// include/linux/fs.h: <c>struct address_space</c>, the page cache of one inode (or of the swap cache,
/// <c>swapper_space</c>, which has no host): the pages by index (<c>page_tree</c>) under
/// <c>tree_lock</c>, and <see cref="Aops"/>, the table every call into the filesystem goes through.
/// In <c>swapper_space</c> a page's index is its swap entry, kept where the kernel keeps it — in
/// <see cref="Page.Private"/> (<c>page_private</c>) — so <see cref="Page.Index"/> stays its owner's.
/// </summary>
public sealed class AddressSpace
{
    private readonly Dictionary<ulong, Page> _pageTree = new();

    /// <summary>Creates an address space for <paramref name="host"/> (null for the swap cache).</summary>
    public AddressSpace(Inode? host, AddressSpaceOperations aops)
        : this(host, aops, isSwapCache: false)
    {
    }

    private AddressSpace(Inode? host, AddressSpaceOperations aops, bool isSwapCache)
    {
        ArgumentNullException.ThrowIfNull(aops);
        Host = host;
        Aops = aops;
        IsSwapCache = isSwapCache;
    }

    /// <summary>A swap cache (<c>swapper_space</c>): no host, pages keyed by their swap entry.</summary>
    public static AddressSpace ForSwapCache(AddressSpaceOperations aops) => new(null, aops, isSwapCache: true);

    /// <summary><c>host</c>: the owning inode, null for <c>swapper_space</c>.</summary>
    public Inode? Host { get; }

    /// <summary><c>a_ops</c>: the generated table of the owning filesystem.</summary>
    public AddressSpaceOperations Aops { get; }

    /// <summary><c>private_data</c>: the owner's own state (<c>swapper_space</c> points at its swap core).</summary>
    public object? PrivateData { get; set; }

    /// <summary>Whether this is a swap cache: pages are keyed by <see cref="Page.Private"/>, not <see cref="Page.Index"/>.</summary>
    public bool IsSwapCache { get; }

    private ulong KeyOf(Page page) => IsSwapCache ? page.Private : page.Index;

    /// <summary><c>tree_lock</c>: guards the page tree. Hold it only for the lookup or update itself.</summary>
    public object TreeLock { get; } = new();

    /// <summary><c>nrpages</c>.</summary>
    public int NrPages
    {
        get
        {
            lock (TreeLock)
            {
                return _pageTree.Count;
            }
        }
    }

    /// <summary><c>find_get_page</c>: the page at <paramref name="index"/> with a reference taken, or null.</summary>
    public Page? FindGetPage(ulong index)
    {
        lock (TreeLock)
        {
            if (_pageTree.TryGetValue(index, out Page? page))
            {
                page.Get();
                return page;
            }
            return null;
        }
    }

    /// <summary><c>radix_tree_preload</c>, for a whole cache at once: room for <paramref name="pages"/> pages, so that
    /// adding up to that many allocates nothing (the swap cache, sized to the frames that can be in it).</summary>
    public void Preload(int pages)
    {
        lock (TreeLock)
        {
            _pageTree.EnsureCapacity(pages);
        }
    }

    /// <summary>
    /// <c>add_to_page_cache</c>: insert a locked page at <paramref name="index"/>, taking a reference and
    /// setting its mapping and index (in a swap cache: its <see cref="Page.Private"/>). Returns 0, or
    /// <c>-EEXIST</c> when another page is there already.
    /// </summary>
    public int AddPage(Page page, ulong index)
    {
        ArgumentNullException.ThrowIfNull(page);
        if (page.Mapping != null)
        {
            throw new InvalidOperationException($"{page} is already in {page.Mapping}; a page is cached in one place at a time.");
        }
        lock (TreeLock)
        {
            if (!_pageTree.TryAdd(index, page))
            {
                return Errnos.Neg(Errno.EEXIST);
            }
            page.Get();
            page.Mapping = this;
            if (IsSwapCache)
            {
                page.Private = index;
            }
            else
            {
                page.Index = index;
            }
        }
        return 0;
    }

    /// <summary>
    /// <c>delete_from_page_cache</c>: remove <paramref name="page"/> from the tree and drop the page cache's
    /// reference. Returns false when the page is not in this mapping at its index.
    /// </summary>
    public bool DeletePage(Page page)
    {
        ArgumentNullException.ThrowIfNull(page);
        lock (TreeLock)
        {
            if (!_pageTree.TryGetValue(KeyOf(page), out Page? cached) || !ReferenceEquals(cached, page))
            {
                return false;
            }
            _pageTree.Remove(KeyOf(page));
            page.Mapping = null;
        }
        page.Put();
        return true;
    }

    /// <summary>
    /// <c>__remove_mapping</c>'s <c>page_freeze_refs</c>: remove <paramref name="page"/> only if its count is
    /// exactly <paramref name="expectedCount"/> — checked under the tree lock, which every lookup takes, so no new
    /// reference can appear meanwhile — dropping the cache's reference. Returns whether it was removed.
    /// </summary>
    public bool DeletePageIfCount(Page page, int expectedCount)
    {
        ArgumentNullException.ThrowIfNull(page);
        lock (TreeLock)
        {
            ulong key = KeyOf(page);
            if (page.Count != expectedCount || !_pageTree.TryGetValue(key, out Page? cached) || !ReferenceEquals(cached, page))
            {
                return false;
            }
            _pageTree.Remove(key);
            page.Mapping = null;
        }
        page.Put();
        return true;
    }

    /// <summary>
    /// <c>migrate_page_move_mapping</c>: put <paramref name="newPage"/> in <paramref name="page"/>'s place,
    /// moving the page cache's reference. Returns false when <paramref name="page"/> is not cached here.
    /// </summary>
    public bool ReplacePage(Page page, Page newPage)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(newPage);
        if (ReferenceEquals(page, newPage) || newPage.Mapping != null)
        {
            throw new ArgumentException("The new page must be another page, in no page cache.", nameof(newPage));
        }
        lock (TreeLock)
        {
            ulong key = KeyOf(page);
            if (!_pageTree.TryGetValue(key, out Page? cached) || !ReferenceEquals(cached, page))
            {
                return false;
            }
            _pageTree[key] = newPage;
            newPage.Get();
            newPage.Mapping = this;
            if (IsSwapCache)
            {
                newPage.Private = key;
            }
            else
            {
                newPage.Index = key;
            }
            page.Mapping = null;
        }
        page.Put();
        return true;
    }

    /// <summary>The cached pages in index order, each with a reference taken (<c>pagevec_lookup</c> over the whole file).</summary>
    public List<Page> LookupPages()
    {
        var pages = new List<Page>();
        lock (TreeLock)
        {
            foreach (Page page in _pageTree.Values)
            {
                page.Get();
                pages.Add(page);
            }
        }
        pages.Sort((a, b) => KeyOf(a).CompareTo(KeyOf(b)));
        return pages;
    }

    /// <inheritdoc/>
    public override string ToString() => IsSwapCache ? "swapper_space" : Host is null ? "anonymous mapping" : $"mapping of {Host}";
}

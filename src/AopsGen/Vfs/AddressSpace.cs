using System.Collections.Generic;

namespace AopsGen;

/// <summary>
/// include/linux/fs.h: <c>struct address_space</c>, the page cache of one inode (or of the swap cache,
/// <c>swapper_space</c>, which has no host): the pages by index (<c>page_tree</c>) under
/// <c>tree_lock</c>, and <see cref="Aops"/>, the table every call into the filesystem goes through.
/// </summary>
public sealed class AddressSpace
{
    private readonly Dictionary<ulong, Page> _pageTree = new();

    /// <summary>Creates an address space for <paramref name="host"/> (null for the swap cache).</summary>
    public AddressSpace(Inode? host, AddressSpaceOperations aops)
    {
        ArgumentNullException.ThrowIfNull(aops);
        Host = host;
        Aops = aops;
    }

    /// <summary><c>host</c>: the owning inode, null for <c>swapper_space</c>.</summary>
    public Inode? Host { get; }

    /// <summary><c>a_ops</c>: the generated table of the owning filesystem.</summary>
    public AddressSpaceOperations Aops { get; }

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

    /// <summary>
    /// <c>add_to_page_cache</c>: insert a locked page at <paramref name="index"/>, taking a reference and
    /// setting its mapping and index. Returns 0, or <c>-EEXIST</c> when another page is there already.
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
            page.Index = index;
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
            if (!_pageTree.TryGetValue(page.Index, out Page? cached) || !ReferenceEquals(cached, page))
            {
                return false;
            }
            _pageTree.Remove(page.Index);
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
            if (!_pageTree.TryGetValue(page.Index, out Page? cached) || !ReferenceEquals(cached, page))
            {
                return false;
            }
            _pageTree[page.Index] = newPage;
            newPage.Get();
            newPage.Mapping = this;
            newPage.Index = page.Index;
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
        pages.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        return pages;
    }

    /// <inheritdoc/>
    public override string ToString() => Host is null ? "swapper_space" : $"mapping of {Host}";
}

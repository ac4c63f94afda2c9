namespace AopsGen.Swap;

/// <summary>
/// The swap I/O a thread holds back to submit as one vectored call: 6.x mm/page_io.c's
/// <c>struct swap_iocb</c> (a kiocb and up to SWAP_CLUSTER_MAX pages that follow each other on the swap
/// file or device, all reads or all writes), kept per thread as the block layer keeps <c>current-&gt;plug</c>.
/// Between <see cref="Start"/> and the end of its scope, <c>swap_writepage</c> (and <c>swap_readpage</c> during
/// readahead) adds pages to the plug; the plug is
/// submitted when it is full, when the next page does not continue it, when the scope ends
/// (<c>blk_finish_plug</c>), or when someone waits on one of its pages (<c>sync_page</c>). Without a plug every
/// page is written on its own, as in 3.6. One object per thread, reused: no allocation per page.
/// </summary>
public sealed class SwapPlug
{
    /// <summary>SWAP_CLUSTER_MAX: the most pages one submission carries.</summary>
    public const int MaxPages = 32;

    [ThreadStatic]
    private static SwapPlug? t_plug;

    private readonly Kiocb _iocb = new();
    // For a page written on its own while the batch is being submitted.
    private readonly Kiocb _soloIocb = new();
    private readonly IoVec[] _segments = new IoVec[MaxPages];
    private readonly Page[] _pages = new Page[MaxPages];
    private int _depth;
    private int _count;
    private bool _submitting;
    private SwapInfo? _area;
    private long _position;
    private bool _read;

    private SwapPlug()
    {
    }

    /// <summary><c>blk_start_plug</c>: hold this thread's swap writes back until the returned scope ends.
    /// Scopes nest; the outermost one submits.</summary>
    public static Scope Start()
    {
        SwapPlug plug = ForThread();
        plug._depth++;
        return new Scope(plug);
    }

    /// <summary>Sets up the calling thread's plug now, so that its first swap I/O allocates nothing (the memory
    /// manager does this when a thread first allocates a page: any such thread may come to reclaim).</summary>
    internal static void Prepare() => ForThread();

    /// <summary>Submit what this thread's plug holds, if anything (<c>sync_page</c>, <c>blk_flush_plug</c>).</summary>
    public static void Unplug() => t_plug?.Submit();

    /// <summary>Pages this thread's plug holds back right now.</summary>
    public static int Pending => t_plug?._count ?? 0;

    /// <summary>Whether this thread is inside a plug scope (reads may then be batched too).</summary>
    public static bool IsPlugged => t_plug is { _depth: > 0, _submitting: false };

    /// <summary>The end of a plug scope: <c>blk_finish_plug</c>.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly SwapPlug _plug;

        internal Scope(SwapPlug plug) => _plug = plug;

        /// <summary>Leaves the scope; the outermost one submits the plug.</summary>
        public void Dispose()
        {
            if (_plug != null && --_plug._depth == 0)
            {
                _plug.Submit();
            }
        }
    }

    private static SwapPlug ForThread() => t_plug ??= new SwapPlug();

    /// <summary>
    /// <c>swap_writepage_fs</c>'s batching: add a page under writeback whose data goes to byte
    /// <paramref name="position"/> of <paramref name="area"/>'s file or device (its backend's position). Submits what the
    /// plug holds first when the page does not continue it; submits at once when no plug is started.
    /// </summary>
    internal static void Add(SwapInfo area, Page page, long position, bool read = false)
    {
        SwapPlug plug = ForThread();
        if (plug._submitting)
        {
            // Writing a page while this thread's plug is being submitted (a filesystem that reclaims from
            // inside direct_IO): write it on its own rather than into the batch in flight.
            IoVec segment = IoVec.ForPage(page);
            SwapCore.SubmitSwapIo(area, read, position, new ReadOnlySpan<IoVec>(in segment), new ReadOnlySpan<Page>(in page), plug._soloIocb);
            return;
        }
        if (plug._count > 0 && (!ReferenceEquals(plug._area, area) || read != plug._read || position != plug._position + ((long)plug._count << Page.Shift)))
        {
            plug.Submit();
        }
        if (plug._count == 0)
        {
            plug._area = area;
            plug._position = position;
            plug._read = read;
        }
        plug._segments[plug._count] = IoVec.ForPage(page);
        plug._pages[plug._count] = page;
        plug._count++;
        if (plug._count == MaxPages || plug._depth == 0)
        {
            plug.Submit();
        }
    }

    // swap_write_unplug / swap_read_unplug. Re-entry (a filesystem waiting on one of the pages it is writing) finds the plug
    // already being submitted and returns.
    private void Submit()
    {
        if (_count == 0 || _submitting)
        {
            return;
        }
        _submitting = true;
        try
        {
            SwapCore.SubmitSwapIo(_area!, _read, _position, _segments.AsSpan(0, _count), _pages.AsSpan(0, _count), _iocb);
        }
        finally
        {
            Array.Clear(_pages, 0, _count);
            _count = 0;
            _area = null;
            _submitting = false;
        }
    }
}

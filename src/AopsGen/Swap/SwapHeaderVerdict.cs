namespace AopsGen.Swap;

/// <summary>Why mm/swapfile.c refuses a swap header; every refusal is <see cref="Errno.EINVAL"/> from swapon.</summary>
public enum SwapHeaderProblem
{
    /// <summary>The header is valid.</summary>
    None = 0,

    /// <summary><c>read_swap_header</c>: no <c>"SWAPSPACE2"</c> at PAGE_SIZE - 10 (also an empty or sub-page file,
    /// whose page 0 reads as zeros). <c>pr_err("Unable to find swap-space signature\n")</c>.</summary>
    BadSignature,

    /// <summary><c>read_swap_header</c>: <c>version != 1</c>. <c>pr_warn("Unable to handle swap header version %d\n")</c>.</summary>
    UnsupportedVersion,

    /// <summary><c>read_swap_header</c> (6.13): <c>last_page == 0</c>, the area is the header page alone.
    /// <c>pr_warn("Empty swap-file\n")</c>. 3.6 has no such check and reaches the same message through
    /// <see cref="NoGoodPages"/>.</summary>
    EmptySwapFile,

    /// <summary><c>read_swap_header</c>: the header claims more pages than <c>i_size</c> holds.
    /// <c>pr_warn("Swap area shorter than signature indicates\n")</c>.</summary>
    ShorterThanSignature,

    /// <summary><c>read_swap_header</c>: <c>nr_badpages</c> on a regular file; only block devices may carry a
    /// bad-page list. The kernel fails without a message.</summary>
    BadPagesOnRegularFile,

    /// <summary><c>read_swap_header</c>: <c>nr_badpages &gt; MAX_SWAP_BADPAGES</c> (637). The kernel fails
    /// without a message; 6.13 checks it before byte-swapping the list of an other-endian header.</summary>
    TooManyBadPages,

    /// <summary><c>setup_swap_map_and_extents</c>: a bad-page entry is 0 (the header page) or above
    /// <c>last_page</c>. The kernel fails without a message.</summary>
    BadPageOutOfRange,

    /// <summary><c>setup_swap_map_and_extents</c>: no good page is left once the header page and the bad pages
    /// are taken out. <c>pr_warn("Empty swap-file\n")</c>.</summary>
    NoGoodPages,
}

/// <summary>
/// The outcome of <see cref="SwapHeader.Read"/>: what swapon (mm/swapfile.c) makes of page 0. Valid, with
/// <see cref="MaxPages"/> (<c>p-&gt;max</c>) and <see cref="GoodPages"/> (<c>p-&gt;pages</c> before the extents
/// are mapped); or refused with <see cref="Errno.EINVAL"/> and the kernel's message (or, where the kernel is
/// silent, a message of AopsGen's saying so). The message is formatted only when asked for.
/// </summary>
public readonly struct SwapHeaderVerdict
{
    internal SwapHeaderVerdict(
        SwapHeaderProblem problem,
        SwapHeader header,
        ulong maxPages = 0,
        uint goodPages = 0,
        uint badPage = 0,
        int badPageIndex = -1,
        bool truncated = false)
    {
        Problem = problem;
        Header = header;
        MaxPages = maxPages;
        GoodPages = goodPages;
        BadPage = badPage;
        BadPageIndex = badPageIndex;
        IsTruncated = truncated;
    }

    /// <summary>What is wrong, or <see cref="SwapHeaderProblem.None"/>.</summary>
    public SwapHeaderProblem Problem { get; }

    /// <summary>True when swapon would accept the header.</summary>
    public bool IsValid => Problem == SwapHeaderProblem.None;

    /// <summary><see cref="Errno.EINVAL"/> when refused; <c>0</c> (no member) when valid.</summary>
    public Errno Errno => IsValid ? 0 : Errno.EINVAL;

    /// <summary>The kernel's return form: <c>0</c>, or <c>-EINVAL</c>.</summary>
    public int ReturnValue => IsValid ? 0 : Errnos.Neg(Errno.EINVAL);

    /// <summary>
    /// The header as far as it was read, numbers in this machine's byte order. Default when the signature is
    /// missing; without its bad-page list (but with <see cref="SwapHeader.NrBadPages"/>) when refused.
    /// </summary>
    public SwapHeader Header { get; }

    /// <summary><c>maxpages</c>: <c>last_page + 1</c> capped by the architecture's limit (and
    /// <c>(unsigned)maxpages == 0</c> mapped to UINT_MAX); 0 if the check that computes it was not reached.</summary>
    public ulong MaxPages { get; }

    /// <summary><c>nr_good_pages</c>: <see cref="MaxPages"/> - 1 (the header page) less the bad pages below
    /// <see cref="MaxPages"/>; 0 unless valid.</summary>
    public uint GoodPages { get; }

    /// <summary>For <see cref="SwapHeaderProblem.BadPageOutOfRange"/>: the offending entry.</summary>
    public uint BadPage { get; }

    /// <summary>For <see cref="SwapHeaderProblem.BadPageOutOfRange"/>: its index in the list; otherwise -1.</summary>
    public int BadPageIndex { get; }

    /// <summary>True when <c>last_page</c> exceeds the architecture's limit: swapon goes on with
    /// <see cref="MaxPages"/> pages and logs <see cref="Warning"/>.</summary>
    public bool IsTruncated { get; }

    /// <summary>The kernel's <c>pr_warn</c> for a valid but truncated area, or null.</summary>
    public string? Warning => IsTruncated
        ? $"Truncating oversized swap area, only using {MaxPages << (Page.Shift - 10)}k out of {(ulong)Header.LastPage << (Page.Shift - 10)}k"
        : null;

    /// <summary>True when the kernel logs a message for this verdict (false where it fails silently).</summary>
    public bool KernelLogsMessage => Problem is SwapHeaderProblem.BadSignature or SwapHeaderProblem.UnsupportedVersion
        or SwapHeaderProblem.EmptySwapFile or SwapHeaderProblem.ShorterThanSignature or SwapHeaderProblem.NoGoodPages;

    /// <summary>The kernel's message (without the trailing newline), or AopsGen's where the kernel is silent;
    /// empty when valid.</summary>
    public string Message => Problem switch
    {
        SwapHeaderProblem.None => string.Empty,
        SwapHeaderProblem.BadSignature => "Unable to find swap-space signature",
        SwapHeaderProblem.UnsupportedVersion => $"Unable to handle swap header version {(int)Header.Version}",
        SwapHeaderProblem.EmptySwapFile => "Empty swap-file",
        SwapHeaderProblem.ShorterThanSignature => "Swap area shorter than signature indicates",
        SwapHeaderProblem.BadPagesOnRegularFile =>
            $"bad-page list on a regular file: the header lists {Header.NrBadPages} bad pages, which the kernel accepts only on a block device (it fails without a message)",
        SwapHeaderProblem.TooManyBadPages =>
            $"too many bad pages: the header lists {Header.NrBadPages}, more than MAX_SWAP_BADPAGES ({SwapHeader.MaxBadPages}) (the kernel fails without a message)",
        SwapHeaderProblem.BadPageOutOfRange =>
            $"bad page {BadPage} (entry {BadPageIndex}) is outside 1..{Header.LastPage} (the kernel fails without a message)",
        SwapHeaderProblem.NoGoodPages => "Empty swap-file",
        _ => $"unknown swap header problem {(int)Problem}",
    };

    /// <inheritdoc/>
    public override string ToString() => IsValid
        ? $"valid: maxpages {MaxPages}, {GoodPages} good pages; {Header}"
        : $"{Errno}: {Message}";
}

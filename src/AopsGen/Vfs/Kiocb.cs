namespace AopsGen;

/// <summary>
/// include/linux/fs.h: the <c>rw</c> argument of <c>direct_IO</c>: READ or WRITE, with REQ_KERNEL when the
/// buffers are kernel pages (the swap path passes <see cref="KernelWrite"/>).
/// </summary>
[Flags]
public enum Rw
{
    /// <summary>READ.</summary>
    Read = 0,
    /// <summary>WRITE.</summary>
    Write = 1,
    /// <summary>REQ_KERNEL: "direct IO to kernel pages".</summary>
    Kernel = 1 << 20,
    /// <summary>KERNEL_READ = READ | REQ_KERNEL.</summary>
    KernelRead = Read | Kernel,
    /// <summary>KERNEL_WRITE = WRITE | REQ_KERNEL: what <c>swap_writepage</c> passes.</summary>
    KernelWrite = Write | Kernel,
}

/// <summary>
/// include/linux/aio.h: <c>struct kiocb</c>, the I/O control block of one (possibly asynchronous) transfer:
/// the file, the position, the bytes left, and a completion. Reusable with <see cref="Init"/> so that the
/// swap path can keep a pool of them and allocate nothing per page.
/// </summary>
public sealed unsafe class Kiocb
{
    /// <summary><c>ki_filp</c>.</summary>
    public OpenFile? File { get; private set; }

    /// <summary><c>ki_pos</c>: the file offset of the transfer.</summary>
    public long Position { get; set; }

    /// <summary><c>ki_nbytes</c>: bytes requested.</summary>
    public long NBytes { get; private set; }

    /// <summary><c>ki_left</c>: bytes not yet transferred.</summary>
    public long Left { get; set; }

    /// <summary>
    /// <c>ki_complete</c>: called with the result when an op that returned <c>-EIOCBQUEUED</c> finishes;
    /// null for a synchronous kiocb (<c>is_sync_kiocb</c>).
    /// </summary>
    public delegate*<Kiocb, long, void> Complete { get; set; }

    /// <summary><c>private</c>: the submitter's data for <see cref="Complete"/>.</summary>
    public object? Private { get; set; }

    /// <summary><c>is_sync_kiocb</c>.</summary>
    public bool IsSync => Complete == null;

    /// <summary><c>init_sync_kiocb</c> plus the position and length the swap path sets.</summary>
    public Kiocb Init(OpenFile? file, long position, long nbytes)
    {
        File = file;
        Position = position;
        NBytes = nbytes;
        Left = nbytes;
        Complete = null;
        Private = null;
        return this;
    }

    /// <inheritdoc/>
    public override string ToString() => $"kiocb {File?.Path ?? "(no file)"} pos {Position} nbytes {NBytes}";
}

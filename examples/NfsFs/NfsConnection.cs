using System.Runtime.InteropServices;

namespace AopsGen.Examples;

/// <summary>A libnfs context (<c>struct nfs_context</c>), destroyed with its connection when released.</summary>
internal sealed class NfsContextHandle : SafeHandle
{
    public NfsContextHandle() : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        LibNfs.DestroyContext(handle);
        return true;
    }

    public static NfsContextHandle Create()
    {
        var context = new NfsContextHandle();
        context.SetHandle(LibNfs.InitContext());
        return context;
    }
}

/// <summary>
/// One file on an NFSv3 server through its own libnfs context: mounted from the file's URL
/// (<c>nfs://host/export/file?version=3&amp;nfsport=…&amp;mountport=…</c>), every call under one lock (a context is
/// not thread-safe) and with a timeout, so a dead server fails a call in <see cref="TimeoutMs"/> instead of hanging
/// it. A call that fails drops the connection; the next one mounts and opens again, so I/O resumes when the server
/// comes back. Writes are UNSTABLE, made durable by <see cref="Commit"/>. Nothing is allocated per call.
/// </summary>
public sealed unsafe class NfsConnection : IDisposable
{
    /// <summary>How long one call may wait for the server.</summary>
    public const int TimeoutMs = 3000;

    private readonly object _lock = new();
    private NfsContextHandle? _context;
    private nint _fh;
    private bool _disposed;

    private NfsConnection(string url) => Url = url;

    /// <summary>The file's URL.</summary>
    public string Url { get; }

    /// <summary>The last error's text from libnfs (for messages).</summary>
    public string LastError { get; private set; } = "";

    /// <summary>Connections made (1 + reconnections).</summary>
    public int Connects { get; private set; }

    /// <summary>Opens the file at <paramref name="url"/>, creating it (empty, mode 0600) with <paramref name="create"/>.
    /// Returns 0 or -errno with <paramref name="error"/> saying what libnfs said.</summary>
    public static int Open(string url, bool create, out NfsConnection? connection, out string? error)
    {
        ArgumentNullException.ThrowIfNull(url);
        var opened = new NfsConnection(url);
        int rc;
        lock (opened._lock)
        {
            rc = opened.Connect(create);
        }
        error = rc == 0 ? null : opened.LastError;
        connection = rc == 0 ? opened : null;
        if (rc != 0)
        {
            opened.Dispose();
        }
        return rc;
    }

    /// <summary>WRITE (UNSTABLE) of <paramref name="count"/> bytes at <paramref name="offset"/>. Returns the bytes
    /// written or -errno.</summary>
    public long Write(long offset, byte* data, int count)
    {
        lock (_lock)
        {
            int rc = Ready();
            long done = 0;
            while (rc == 0 && done < count)
            {
                int n = LibNfs.PWrite(_context!.DangerousGetHandle(), _fh, (ulong)(offset + done), (ulong)(count - done), data + done);
                rc = n > 0 ? 0 : Fail(n == 0 ? Errnos.Neg(Errno.EIO) : n);
                done += Math.Max(n, 0);
            }
            return rc != 0 && done == 0 ? rc : done;
        }
    }

    /// <summary>
    /// The WRITEs (UNSTABLE) of a batch of page segments to consecutive offsets from <paramref name="offset"/>, all
    /// sent before any reply is awaited (<c>nfs_pwrite_async</c>: one round trip for the batch, not one per page).
    /// Returns the bytes written — all, or -errno when any write failed or the server did not answer in time.
    /// </summary>
    public long WriteBatch(long offset, ReadOnlySpan<IoVec> segments)
    {
        lock (_lock)
        {
            int rc = Ready();
            if (rc != 0)
            {
                return rc;
            }
            nint nfs = _context!.DangerousGetHandle();
            Completion completion = default;
            long total = 0;
            foreach (IoVec segment in segments)
            {
                rc = LibNfs.PWriteAsync(nfs, _fh, (ulong)(offset + total), segment.Length, (void*)segment.Base, &OnWritten, &completion);
                if (rc != 0)
                {
                    break;
                }
                completion.Pending++;
                total += (long)segment.Length;
            }
            // Wait for every write sent, even when sending stopped half way: their buffers are the caller's pages.
            int wait = Service(nfs, &completion);
            if (rc != 0 || wait != 0 || completion.Error != 0 || completion.Written != total)
            {
                return Fail(rc != 0 ? rc : wait != 0 ? wait : completion.Error != 0 ? completion.Error : Errnos.Neg(Errno.EIO));
            }
            return total;
        }
    }

    // What the callbacks of one batch report.
    private struct Completion
    {
        public int Pending;
        public int Error;
        public long Written;
    }

    [UnmanagedCallersOnly]
    private static void OnWritten(int status, nint nfs, void* data, void* state)
    {
        var completion = (Completion*)state;
        completion->Pending--;
        if (status < 0)
        {
            completion->Error = status;
        }
        else
        {
            completion->Written += status;
        }
    }

    // The event loop of a libnfs context: poll its socket and let it process replies until none is pending.
    private static int Service(nint nfs, Completion* completion)
    {
        LibNfs.PollFd poll;
        while (completion->Pending > 0)
        {
            poll.Fd = LibNfs.GetFd(nfs);
            poll.Events = (short)LibNfs.WhichEvents(nfs);
            poll.Revents = 0;
            int ready = LibNfs.Poll(&poll, 1, TimeoutMs);
            if (ready == 0)
            {
                return Errnos.Neg(Errno.ETIMEDOUT);
            }
            if (ready < 0)
            {
                int errno = -Marshal.GetLastPInvokeError();
                if (errno == Errnos.Neg(Errno.EINTR))
                {
                    continue;
                }
                return errno;
            }
            if (LibNfs.Service(nfs, poll.Revents) < 0)
            {
                return Errnos.Neg(Errno.EIO);
            }
        }
        return 0;
    }

    /// <summary>READ of up to <paramref name="count"/> bytes at <paramref name="offset"/>. Returns the bytes read
    /// (fewer at the end of the file) or -errno.</summary>
    public long Read(long offset, byte* data, int count)
    {
        lock (_lock)
        {
            int rc = Ready();
            long done = 0;
            while (rc == 0 && done < count)
            {
                int n = LibNfs.PRead(_context!.DangerousGetHandle(), _fh, (ulong)(offset + done), (ulong)(count - done), data + done);
                if (n == 0)
                {
                    break;
                }
                rc = n > 0 ? 0 : Fail(n);
                done += Math.Max(n, 0);
            }
            return rc != 0 && done == 0 ? rc : done;
        }
    }

    /// <summary>COMMIT: what UNSTABLE writes wrote is on the server's disk. Returns 0 or -errno.</summary>
    public int Commit()
    {
        lock (_lock)
        {
            int rc = Ready();
            return rc != 0 ? rc : Check(LibNfs.Fsync(_context!.DangerousGetHandle(), _fh));
        }
    }

    /// <summary>SETATTR of the size. Returns 0 or -errno.</summary>
    public int Truncate(long size)
    {
        lock (_lock)
        {
            int rc = Ready();
            return rc != 0 ? rc : Check(LibNfs.Ftruncate(_context!.DangerousGetHandle(), _fh, (ulong)size));
        }
    }

    /// <summary>GETATTR: the size and the bytes the server has allocated (<c>space_used</c>). Returns 0 or -errno.</summary>
    public int Stat(out long size, out long used)
    {
        lock (_lock)
        {
            size = used = 0;
            int rc = Ready();
            LibNfs.NfsStat64 stat = default;
            rc = rc != 0 ? rc : Check(LibNfs.Fstat64(_context!.DangerousGetHandle(), _fh, &stat));
            if (rc == 0)
            {
                size = (long)stat.Size;
                used = (long)stat.Used;
            }
            return rc;
        }
    }

    /// <summary>Closes the file and the connection.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            Disconnect();
        }
    }

    private int Ready() => _disposed ? Errnos.Neg(Errno.EBADF) : _context != null ? 0 : Connect(create: false);

    private int Check(int rc) => rc < 0 ? Fail(rc) : 0;

    // A failed call: the connection may be broken (a timeout, the server gone); the next call makes a new one.
    private int Fail(int rc)
    {
        LastError = _context == null ? LastError : LibNfs.ErrorOf(_context.DangerousGetHandle());
        Disconnect();
        return LibNfs.Errno(rc);
    }

    /// <summary>REMOVE of the file at <paramref name="url"/>. Returns 0 or -errno.</summary>
    public static int Remove(string url)
    {
        var connection = new NfsConnection(url);
        lock (connection._lock)
        {
            int rc = connection.Connect(create: false, remove: true);
            connection.Dispose();
            return rc;
        }
    }

    private int Connect(bool create, bool remove = false)
    {
        NfsContextHandle context = NfsContextHandle.Create();
        if (context.IsInvalid)
        {
            LastError = "nfs_init_context failed";
            return Errnos.Neg(Errno.ENOMEM);
        }
        nint nfs = context.DangerousGetHandle();
        LibNfs.SetTimeout(nfs, TimeoutMs);
        LibNfs.SetAutoreconnect(nfs, 0);
        LibNfs.NfsUrl* url = LibNfs.ParseUrlFull(nfs, Url);
        if (url == null)
        {
            LastError = $"bad NFS URL {Url}: {LibNfs.ErrorOf(nfs)}";
            context.Dispose();
            return Errnos.Neg(Errno.EINVAL);
        }
        nint fh = 0;
        int rc = LibNfs.Mount(nfs, url->Server, url->Path);
        if (rc == 0)
        {
            rc = remove ? LibNfs.Unlink(nfs, url->File)
                : create ? LibNfs.Creat(nfs, url->File, 0x180, &fh) : LibNfs.Open(nfs, url->File, LibNfs.ORdWr, &fh);
        }
        LibNfs.DestroyUrl(url);
        if (rc != 0)
        {
            LastError = LibNfs.ErrorOf(nfs);
            context.Dispose();
            return LibNfs.Errno(rc);
        }
        _context = context;
        _fh = fh;
        Connects++;
        return 0;
    }

    private void Disconnect()
    {
        // Destroying the context closes the connection and frees the file handle with it.
        _context?.Dispose();
        _context = null;
        _fh = 0;
    }
}

using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using AopsGen.Mm;

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
/// One file on an NFSv3 server through its own libnfs context, mounted from the file's URL
/// (<c>nfs://host/export/file?version=3&amp;nfsport=…&amp;mountport=…</c>). A context is not thread-safe, so it
/// belongs to one thread: the connection's service thread (the part of the kernel's <c>rpciod</c>), which runs
/// libnfs's event loop — <c>poll</c> on the socket and an eventfd, <c>nfs_service</c> — and is the only thread that
/// touches the context. Callers hand it requests through a queue and the eventfd: READs, WRITEs and COMMITs go out
/// as libnfs's asynchronous calls, many in flight at once, and complete from their callbacks on the service thread
/// — by waking the caller that waits, or, for an asynchronous kiocb, by calling its <c>ki_complete</c> (the caller
/// got -EIOCBQUEUED). No lock is held across I/O, and nothing is allocated per call: requests are pooled.
/// Every call has a timeout, so a dead server fails it within <see cref="TimeoutMs"/> (plus libnfs's second of
/// slack) instead of hanging it; a failed call drops the connection — every call still in flight fails with it —
/// and the next one mounts and opens again, so I/O resumes when the server comes back.
/// </summary>
public sealed unsafe class NfsConnection : IDisposable
{
    /// <summary>How long one call may wait for the server.</summary>
    public const int TimeoutMs = 3000;

    // While calls are in flight the service thread wakes at least this often, for libnfs to time them out.
    private const int PollMs = 100;

    private readonly object _queueLock = new();
    private readonly List<NfsRequest> _requests = new();
    private readonly Thread _thread;
    private readonly int _eventFd;
    private NfsRequest? _head;
    private NfsRequest? _tail;
    private NfsRequest? _free;
    private bool _stopping;

    // The service thread's own state.
    private NfsContextHandle? _context;
    private nint _fh;
    private nint _stableFh;
    private bool _broken;
    private bool _disconnecting;
    private int _inFlight;
    private int _maxInFlight;
    private long _sent;
    private long _lastCompleted;
    private long _outOfOrder;

    private NfsConnection(string url)
    {
        Url = url;
        _eventFd = LibNfs.EventFd(0, LibNfs.EfdCloexec | LibNfs.EfdNonblock);
        if (_eventFd < 0)
        {
            throw new InvalidOperationException($"eventfd: errno {Marshal.GetLastPInvokeError()}");
        }
        _thread = new Thread(Run) { IsBackground = true, Name = "nfs service" };
        _thread.Start();
    }

    /// <summary>The file's URL.</summary>
    public string Url { get; }

    /// <summary>The last error's text from libnfs (for messages).</summary>
    public string LastError { get; private set; } = "";

    /// <summary>Connections made (1 + reconnections).</summary>
    public int Connects { get; private set; }

    /// <summary>Calls on the wire now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>The most calls that were on the wire at once.</summary>
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    /// <summary>Calls whose reply came before the reply of a call sent earlier.</summary>
    public long OutOfOrder => Interlocked.Read(ref _outOfOrder);

    /// <summary>Opens the file at <paramref name="url"/>, creating it (empty, mode 0600) with <paramref name="create"/>.
    /// Returns 0 or -errno with <paramref name="error"/> saying what libnfs said.</summary>
    public static int Open(string url, bool create, out NfsConnection? connection, out string? error)
    {
        ArgumentNullException.ThrowIfNull(url);
        var opened = new NfsConnection(url);
        int rc = (int)opened.Call(opened.Get(create ? NfsOp.Create : NfsOp.Open, 0));
        error = rc == 0 ? null : opened.LastError;
        connection = rc == 0 ? opened : null;
        if (rc != 0)
        {
            opened.Dispose();
        }
        return rc;
    }

    /// <summary>REMOVE of the file at <paramref name="url"/>. Returns 0 or -errno.</summary>
    public static int Remove(string url)
    {
        using var connection = new NfsConnection(url);
        return (int)connection.Call(connection.Get(NfsOp.Remove, 0));
    }

    /// <summary>WRITE (UNSTABLE) of <paramref name="count"/> bytes at <paramref name="offset"/>. Returns the bytes
    /// written or -errno.</summary>
    public long Write(long offset, byte* data, int count)
    {
        IoVec segment = new((nint)data, (nuint)count);
        return WriteV(offset, new ReadOnlySpan<IoVec>(&segment, 1), stable: false, iocb: null);
    }

    /// <summary>READ of up to <paramref name="count"/> bytes at <paramref name="offset"/>. Returns the bytes read
    /// (fewer at the end of the file) or -errno.</summary>
    public long Read(long offset, byte* data, int count)
    {
        IoVec segment = new((nint)data, (nuint)count);
        return ReadV(offset, new ReadOnlySpan<IoVec>(&segment, 1), iocb: null);
    }

    /// <summary>
    /// One WRITE of the segments' bytes to consecutive offsets from <paramref name="offset"/> (libnfs splits it at the
    /// server's wsize): FILE_SYNC with <paramref name="stable"/> — complete only when the bytes are on the server's
    /// disk — else UNSTABLE. The bytes are copied before the call returns. Returns the bytes written or -errno; or,
    /// for an asynchronous <paramref name="iocb"/>, -EIOCBQUEUED, and its <c>ki_complete</c> gets that result later
    /// from the service thread.
    /// </summary>
    public long WriteV(long offset, ReadOnlySpan<IoVec> segments, bool stable, Kiocb? iocb)
    {
        NfsRequest request = Get(stable ? NfsOp.StableWrite : NfsOp.Write, offset);
        request.Gather(segments);
        return Start(request, iocb);
    }

    /// <summary>
    /// One READ into the segments from <paramref name="offset"/> on. Returns the bytes read (fewer at the end of the
    /// file) or -errno; or, for an asynchronous <paramref name="iocb"/>, -EIOCBQUEUED, and its <c>ki_complete</c> gets
    /// that result later from the service thread — the segments must stay valid (and pinned) until then.
    /// </summary>
    public long ReadV(long offset, ReadOnlySpan<IoVec> segments, Kiocb? iocb)
    {
        NfsRequest request = Get(NfsOp.Read, offset);
        request.Target(segments);
        return Start(request, iocb);
    }

    /// <summary>Makes the pool hold at least <paramref name="requests"/> requests (the kernel's <c>nfs_wdata_mempool</c>
    /// of MIN_POOL_WRITE): calls up to that many at once then allocate nothing, even the first time.</summary>
    public void Reserve(int requests)
    {
        lock (_queueLock)
        {
            while (_requests.Count < requests)
            {
                var request = new NfsRequest(this) { Next = _free };
                _requests.Add(request);
                _free = request;
            }
        }
    }

    /// <summary>COMMIT: what UNSTABLE writes wrote is on the server's disk. Returns 0 or -errno.</summary>
    public int Commit() => (int)Call(Get(NfsOp.Commit, 0));

    /// <summary>SETATTR of the size. Returns 0 or -errno.</summary>
    public int Truncate(long size) => (int)Call(Get(NfsOp.Truncate, size));

    /// <summary>GETATTR: the size and the bytes the server has allocated (<c>space_used</c>). Returns 0 or -errno.</summary>
    public int Stat(out long size, out long used)
    {
        NfsRequest request = Get(NfsOp.Stat, 0);
        int rc = (int)Submit(request, wait: true);
        size = request.Size;
        used = request.Used;
        Put(request);
        return rc;
    }

    /// <summary>Closes the file and the connection: the service thread finishes the calls in flight (each completes,
    /// at the latest when it times out), fails the ones not yet sent with -EBADF, and exits.</summary>
    public void Dispose()
    {
        lock (_queueLock)
        {
            if (_stopping)
            {
                return;
            }
            _stopping = true;
        }
        Wake();
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }
        LibNfs.CloseFd(_eventFd);
        _requests.ForEach(request => request.Dispose());
    }

    // A pooled request (made when the pool is empty: once per call in flight at the busiest moment).
    private NfsRequest Get(NfsOp op, long offset)
    {
        lock (_queueLock)
        {
            NfsRequest? request = _free;
            if (request != null)
            {
                _free = request.Next;
                request.Next = null;
            }
            else
            {
                request = new NfsRequest(this);
                _requests.Add(request);
            }
            return request.Reset(op, offset);
        }
    }

    private void Put(NfsRequest request)
    {
        lock (_queueLock)
        {
            request.Next = _free;
            _free = request;
        }
    }

    private long Start(NfsRequest request, Kiocb? iocb)
    {
        if (iocb == null || iocb.IsSync)
        {
            return Call(request);
        }
        request.Iocb = iocb;
        return Submit(request, wait: false);
    }

    private long Call(NfsRequest request)
    {
        long result = Submit(request, wait: true);
        Put(request);
        return result;
    }

    // Queues the request for the service thread: returns its result when the caller waits, -EIOCBQUEUED when its
    // kiocb will be completed, -EBADF after Dispose.
    private long Submit(NfsRequest request, bool wait)
    {
        if (Thread.CurrentThread == _thread)
        {
            throw new InvalidOperationException("An NFS call from a completion on the connection's service thread would wait for that thread.");
        }
        lock (_queueLock)
        {
            if (_stopping)
            {
                request.Iocb = null;
                return Errnos.Neg(Errno.EBADF);
            }
            if (_tail == null)
            {
                _head = request;
            }
            else
            {
                _tail.Next = request;
            }
            _tail = request;
        }
        Wake();
        return wait ? request.Wait() : Errnos.Neg(Errno.EIOCBQUEUED);
    }

    private void Wake()
    {
        ulong one = 1;
        LibNfs.Write(_eventFd, &one, sizeof(ulong));
    }

    // The service thread: start what was queued, then wait on the eventfd and the socket and let libnfs process
    // replies (their callbacks complete the requests), until Dispose and nothing is in flight. It works for reclaim
    // (its completions end swap writeback), so it runs with PF_MEMALLOC, as the kernel's swap RPCs do.
    private void Run()
    {
        using MemallocScope memalloc = Memalloc.NoReclaimSave();
        LibNfs.PollFd* polls = stackalloc LibNfs.PollFd[2];
        while (true)
        {
            NfsRequest? queued;
            bool stopping;
            lock (_queueLock)
            {
                queued = _head;
                _head = _tail = null;
                stopping = _stopping;
            }
            while (queued != null)
            {
                NfsRequest next = queued.Next!;
                queued.Next = null;
                if (stopping)
                {
                    Complete(queued, Errnos.Neg(Errno.EBADF));
                }
                else
                {
                    Send(queued);
                }
                queued = next;
            }
            if (_broken)
            {
                Disconnect();
            }
            if (stopping && _inFlight == 0)
            {
                Disconnect();
                return;
            }
            polls[0] = new LibNfs.PollFd { Fd = _eventFd, Events = LibNfs.PollIn };
            int count = 1;
            if (_context != null)
            {
                nint nfs = _context.DangerousGetHandle();
                polls[1] = new LibNfs.PollFd { Fd = LibNfs.GetFd(nfs), Events = (short)LibNfs.WhichEvents(nfs) };
                count = 2;
            }
            int ready = LibNfs.Poll(polls, (nuint)count, _inFlight > 0 ? PollMs : -1);
            if (ready < 0 && Marshal.GetLastPInvokeError() != (int)Errno.EINTR)
            {
                throw new InvalidOperationException($"poll: errno {Marshal.GetLastPInvokeError()}");
            }
            if (polls[0].Revents != 0)
            {
                ulong value;
                LibNfs.Read(_eventFd, &value, sizeof(ulong));
            }
            // Called even with nothing to read, so that libnfs times out calls the server does not answer.
            if (count == 2 && LibNfs.Service(_context!.DangerousGetHandle(), ready > 0 ? polls[1].Revents : 0) < 0)
            {
                Fail(Errnos.Neg(Errno.EIO));
            }
        }
    }

    // Starts a request on the service thread: connection calls and GETATTR/SETATTR run to their end here (libnfs's
    // synchronous calls, which service the other calls' replies while they wait); READ, WRITE and COMMIT go out
    // asynchronously and complete in OnReply.
    private void Send(NfsRequest request)
    {
        if (request.Op is NfsOp.Open or NfsOp.Create or NfsOp.Remove)
        {
            int rc = Connect(request.Op);
            if (request.Op == NfsOp.Remove || rc != 0)
            {
                Disconnect();
            }
            Complete(request, rc);
            return;
        }
        if (_broken)
        {
            Disconnect();
        }
        int ready = _context != null ? 0 : Connect(NfsOp.Open);
        if (ready != 0)
        {
            Complete(request, ready);
            return;
        }
        nint nfs = _context!.DangerousGetHandle();
        switch (request.Op)
        {
            case NfsOp.Stat:
                LibNfs.NfsStat64 stat = default;
                int rc = LibNfs.Fstat64(nfs, _fh, &stat);
                request.Size = (long)stat.Size;
                request.Used = (long)stat.Used;
                Complete(request, rc < 0 ? Fail(rc) : 0);
                return;
            case NfsOp.Truncate:
                rc = LibNfs.Ftruncate(nfs, _fh, (ulong)request.Offset);
                Complete(request, rc < 0 ? Fail(rc) : 0);
                return;
        }
        request.InFlight = true;
        _inFlight++;
        _maxInFlight = Math.Max(_maxInFlight, _inFlight);
        request.Sequence = ++_sent;
        int sent = request.Op switch
        {
            NfsOp.Read => LibNfs.PReadAsync(nfs, _fh, (ulong)request.Offset, (ulong)request.Count, &OnReply, request.Cookie),
            NfsOp.Commit => LibNfs.FsyncAsync(nfs, _fh, &OnReply, request.Cookie),
            _ => LibNfs.PWriteAsync(nfs, request.Op == NfsOp.StableWrite ? _stableFh : _fh, (ulong)request.Offset, (ulong)request.Count, request.Buffer, &OnReply, request.Cookie),
        };
        // A call libnfs could not queue has no callback to come (nfs_fsync_async may have called it already).
        if (sent != 0 && request.InFlight)
        {
            Reply(request, sent < 0 ? sent : Errnos.Neg(Errno.ENOMEM), null);
        }
    }

    // nfs_cb of every asynchronous call, run by libnfs on the service thread.
    [UnmanagedCallersOnly]
    private static void OnReply(int status, nint nfs, void* data, void* cookie)
    {
        NfsRequest request = NfsRequest.FromCookie(cookie);
        request.Connection.Reply(request, status, (byte*)data);
    }

    private void Reply(NfsRequest request, int status, byte* data)
    {
        request.InFlight = false;
        _inFlight--;
        if (request.Sequence < _lastCompleted)
        {
            Interlocked.Increment(ref _outOfOrder);
        }
        _lastCompleted = Math.Max(_lastCompleted, request.Sequence);
        if (status >= 0 && request.Op == NfsOp.Read)
        {
            request.Scatter(data, Math.Min(status, request.Count));
        }
        // A call the server failed, or that timed out, or was cancelled with the connection: drop the connection
        // (not from inside libnfs's callback: after nfs_service returns).
        Complete(request, status < 0 ? Fail(status) : status);
    }

    // The end of a request: ki_complete for a queued kiocb (the request goes back to the pool first), else the
    // waiting submitter wakes.
    private void Complete(NfsRequest request, long result)
    {
        if (request.Iocb is not { } iocb)
        {
            request.Finish(result);
            return;
        }
        request.Iocb = null;
        Put(request);
        iocb.Complete(iocb, result);
    }

    // A failed call: the connection may be broken (a timeout, the server gone); it is dropped when the service
    // thread is out of libnfs, and the next call makes a new one.
    private int Fail(int rc)
    {
        if (!_disconnecting && _context != null)
        {
            LastError = LibNfs.ErrorOf(_context.DangerousGetHandle());
        }
        _broken = true;
        return LibNfs.Errno(rc);
    }

    // MOUNT, then LOOKUP (twice: once with O_SYNC, whose WRITEs libnfs sends FILE_SYNC), CREATE or REMOVE; the NFS
    // socket without Nagle.
    private int Connect(NfsOp op)
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
        nint fh = 0, stableFh = 0;
        int rc = LibNfs.Mount(nfs, url->Server, url->Path);
        if (rc == 0)
        {
            rc = op == NfsOp.Remove ? LibNfs.Unlink(nfs, url->File)
                : op == NfsOp.Create ? LibNfs.Creat(nfs, url->File, 0x180, &fh) : LibNfs.Open(nfs, url->File, LibNfs.ORdWr, &fh);
        }
        if (rc == 0 && op != NfsOp.Remove)
        {
            rc = LibNfs.Open(nfs, url->File, LibNfs.ORdWr | LibNfs.OSync, &stableFh);
        }
        LibNfs.DestroyUrl(url);
        if (rc != 0)
        {
            LastError = LibNfs.ErrorOf(nfs);
            context.Dispose();
            // libnfs's synchronous calls answer -1, not an errno (it would read as EPERM), when the call cannot even
            // start: a server address that does not resolve, or one written with a port.
            if (rc == -1 && LastError.Contains("Invalid address", StringComparison.Ordinal))
            {
                LastError += " (the server is a host name or address; its ports go in ?nfsport=…&mountport=…)";
                return Errnos.Neg(Errno.EINVAL);
            }
            return LibNfs.Errno(rc);
        }
        // TCP_NODELAY, as the kernel's RPC client sets on its sockets (xs_tcp_finish_connecting): libnfs 4.0 does not,
        // and Nagle holds a small call (a READ) back behind a WRITE's unacknowledged bytes.
        int one = 1;
        LibNfs.SetSockOpt(LibNfs.GetFd(nfs), LibNfs.IpProtoTcp, LibNfs.TcpNoDelay, &one, sizeof(int));
        _context = context;
        _fh = fh;
        _stableFh = stableFh;
        _broken = false;
        Connects++;
        return 0;
    }

    private void Disconnect()
    {
        // Destroying the context closes the connection and frees the file handles with it; libnfs cancels every
        // call in flight, whose callbacks complete their requests with an error.
        _disconnecting = true;
        _context?.Dispose();
        _disconnecting = false;
        _context = null;
        _fh = _stableFh = 0;
        _broken = false;
    }
}

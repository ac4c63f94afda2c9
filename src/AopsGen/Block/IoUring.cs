using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Threading;

namespace AopsGen.Block;

/// <summary>
/// One io_uring (include/uapi/linux/io_uring.h, io_uring/), driven by its raw syscalls: vectored reads and writes
/// are queued on the submission ring by the thread that submits, and a completion thread (the interrupt handler of
/// this block layer) reaps the completion ring and calls each request's <see cref="Kiocb.Complete"/>
/// (<c>ki_complete</c>, as <c>blkdev_bio_end_io_async</c> does for an async <c>kiocb</c>). A transfer the device
/// cut short is continued synchronously on the completion thread before it completes, as <see cref="BlockDevice"/>
/// continues a short <c>pwritev</c>. No managed allocation per request; the segments must stay where they are
/// (pinned or native memory) until the request completes.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed unsafe class IoUring : IDisposable
{
    private const int SysSetup = 425;
    private const int SysEnter = 426;
    private const uint EnterGetEvents = 1;
    private const byte OpNop = 0;
    private const byte OpReadV = 1;
    private const byte OpWriteV = 2;
    private const long OffSqRing = 0;
    private const long OffCqRing = 0x8000000;
    private const long OffSqes = 0x10000000;
    private const ulong StopToken = ulong.MaxValue;

    private static readonly Lazy<IoUring?> s_shared = new(() => RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64 && Create(256, out IoUring? ring) == 0 ? ring : null);

    private readonly int _fd;
    private readonly byte* _sqRing;
    private readonly nuint _sqRingSize;
    private readonly byte* _cqRing;
    private readonly nuint _cqRingSize;
    private readonly Sqe* _sqes;
    private readonly nuint _sqesSize;
    private readonly uint* _sqHead, _sqTail, _sqArray, _cqHead, _cqTail;
    private readonly uint _sqMask, _cqMask;
    private readonly Cqe* _cqes;
    private readonly object _submitLock = new();
    private readonly Request[] _requests;
    private readonly Kiocb?[] _iocbs;
    private readonly int[] _freeSlots;
    private int _freeCount;
    private readonly Thread _reaper;
    private bool _disposed;

    private IoUring(int fd, IoUringParams p, byte* sq, nuint sqSize, byte* cq, nuint cqSize, Sqe* sqes, nuint sqesSize)
    {
        _fd = fd;
        _sqRing = sq;
        _sqRingSize = sqSize;
        _cqRing = cq;
        _cqRingSize = cqSize;
        _sqes = sqes;
        _sqesSize = sqesSize;
        _sqHead = (uint*)(sq + p.SqHead);
        _sqTail = (uint*)(sq + p.SqTail);
        _sqMask = *(uint*)(sq + p.SqRingMask);
        _sqArray = (uint*)(sq + p.SqArray);
        _cqHead = (uint*)(cq + p.CqHead);
        _cqTail = (uint*)(cq + p.CqTail);
        _cqMask = *(uint*)(cq + p.CqRingMask);
        _cqes = (Cqe*)(cq + p.CqCqes);
        // At most as many requests in flight as the completion ring holds: none can overflow it.
        int slots = (int)p.CqEntries;
        _requests = new Request[slots];
        _iocbs = new Kiocb?[slots];
        _freeSlots = new int[slots];
        for (int i = 0; i < slots; i++)
        {
            _freeSlots[i] = slots - 1 - i;
        }
        _freeCount = slots;
        _reaper = new Thread(Reap) { IsBackground = true, Name = "io_uring-cq" };
        _reaper.Start();
    }

    /// <summary>The process's shared ring, made at first use; null where io_uring is unavailable (an old kernel,
    /// <c>kernel.io_uring_disabled</c>, a seccomp filter, a system other than Linux on x86-64 or arm64, whose syscall
    /// numbers these are) — then callers do their I/O synchronously.</summary>
    public static IoUring? Shared => s_shared.Value;

    /// <summary><c>io_uring_setup(entries)</c> and the three mappings. Returns 0 or the negative errno.</summary>
    public static int Create(uint entries, out IoUring? ring)
    {
        Libc.ThrowIfUnsupported();
        ring = null;
        IoUringParams p = default;
        int fd = (int)Syscall(SysSetup, entries, (nint)(&p), 0, 0, 0, 0);
        if (fd < 0)
        {
            return Libc.LastError();
        }
        nuint sqSize = p.SqArray + p.SqEntries * sizeof(uint);
        nuint cqSize = p.CqCqes + p.CqEntries * (uint)sizeof(Cqe);
        byte* sq = (byte*)Libc.MMap(null, sqSize, Libc.ProtRead | Libc.ProtWrite, Libc.MapShared | Libc.MapPopulate, fd, OffSqRing);
        byte* cq = (byte*)Libc.MMap(null, cqSize, Libc.ProtRead | Libc.ProtWrite, Libc.MapShared | Libc.MapPopulate, fd, OffCqRing);
        nuint sqesSize = p.SqEntries * (uint)sizeof(Sqe);
        Sqe* sqes = (Sqe*)Libc.MMap(null, sqesSize, Libc.ProtRead | Libc.ProtWrite, Libc.MapShared | Libc.MapPopulate, fd, OffSqes);
        if (sq == Libc.MapFailed || cq == Libc.MapFailed || sqes == Libc.MapFailed)
        {
            int error = Libc.LastError();
            Unmap(sq, sqSize);
            Unmap(cq, cqSize);
            Unmap((byte*)sqes, sqesSize);
            Libc.Close(fd);
            return error;
        }
        ring = new IoUring(fd, p, sq, sqSize, cq, cqSize, sqes, sqesSize);
        return 0;
    }

    /// <summary>
    /// Queue a vectored write (<paramref name="write"/>) or read of <paramref name="segments"/> at byte
    /// <paramref name="position"/> of <paramref name="fd"/>; <paramref name="iocb"/>'s <c>ki_complete</c> gets the
    /// bytes moved (all of them) or a negative errno, on the ring's completion thread. Returns -EIOCBQUEUED; or,
    /// when every slot is in use or the ring is closed, -EAGAIN with nothing queued (the caller does the I/O itself).
    /// </summary>
    public long Submit(int fd, bool write, ReadOnlySpan<IoVec> segments, long position, Kiocb iocb)
    {
        ArgumentNullException.ThrowIfNull(iocb);
        if (iocb.IsSync)
        {
            throw new ArgumentException("io_uring completes through ki_complete: a synchronous kiocb cannot be queued.", nameof(iocb));
        }
        lock (_submitLock)
        {
            if (_disposed || _freeCount == 0)
            {
                return Errnos.Neg(Errno.EAGAIN);
            }
            int slot = _freeSlots[--_freeCount];
            IoVec* vecs = (IoVec*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(segments));
            _requests[slot] = new Request { Fd = fd, Write = write, Vecs = vecs, Count = segments.Length, Position = position, Total = (long)IoVec.TotalLength(segments) };
            _iocbs[slot] = iocb;
            Push(write ? OpWriteV : OpReadV, fd, vecs, (uint)segments.Length, position, (ulong)slot);
        }
        return Errnos.Neg(Errno.EIOCBQUEUED);
    }

    // One SQE at the tail, then io_uring_enter(1): the kernel takes it now (no SQPOLL). Under _submitLock.
    private void Push(byte opcode, int fd, IoVec* vecs, uint count, long position, ulong userData)
    {
        uint tail = *_sqTail;
        uint index = tail & _sqMask;
        Sqe* sqe = _sqes + index;
        *sqe = default;
        sqe->Opcode = opcode;
        sqe->Fd = fd;
        sqe->Off = (ulong)position;
        sqe->Addr = (ulong)vecs;
        sqe->Len = count;
        sqe->UserData = userData;
        _sqArray[index] = index;
        Volatile.Write(ref *_sqTail, tail + 1);
        long rc;
        do
        {
            rc = Syscall(SysEnter, _fd, 1, 0, 0, 0, 0);
        }
        while (rc < 0 && (Libc.LastError() == Errnos.Neg(Errno.EINTR) || Libc.LastError() == Errnos.Neg(Errno.EAGAIN)));
    }

    // The completion thread: wait for at least one CQE, then complete every one there is.
    private void Reap()
    {
        while (true)
        {
            uint head = *_cqHead;
            if (head == Volatile.Read(ref *_cqTail))
            {
                Syscall(SysEnter, _fd, 0, 1, EnterGetEvents, 0, 0);
                continue;
            }
            Cqe cqe = _cqes[head & _cqMask];
            Volatile.Write(ref *_cqHead, head + 1);
            if (cqe.UserData == StopToken)
            {
                return;
            }
            Complete((int)cqe.UserData, cqe.Res);
        }
    }

    private void Complete(int slot, int res)
    {
        Request request = _requests[slot];
        Kiocb iocb = _iocbs[slot]!;
        _iocbs[slot] = null;
        lock (_submitLock)
        {
            _freeSlots[_freeCount++] = slot;
        }
        long result = res;
        if (res >= 0 && res < request.Total)
        {
            // Cut short (or interrupted): the rest, synchronously, here.
            result = res == 0 ? Errnos.Neg(Errno.EIO) : Continue(request, res);
        }
        iocb.Complete(iocb, result);
    }

    private static long Continue(Request request, long done)
        => BlockDevice.TransferAll(request.Fd, request.Write, new ReadOnlySpan<IoVec>(request.Vecs, request.Count), request.Position, done);

    /// <summary>Stops the completion thread (after the requests queued before it) and closes the ring.</summary>
    public void Dispose()
    {
        lock (_submitLock)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            Push(OpNop, -1, null, 0, 0, StopToken);
        }
        _reaper.Join();
        Unmap(_sqRing, _sqRingSize);
        Unmap(_cqRing, _cqRingSize);
        Unmap((byte*)_sqes, _sqesSize);
        Libc.Close(_fd);
    }

    private static void Unmap(byte* address, nuint size)
    {
        if (address != null && address != Libc.MapFailed)
        {
            Libc.MUnmap(address, size);
        }
    }

    private static long Syscall(long number, long a, long b, long c, long d, long e, long f) => Libc.Syscall(number, a, b, c, d, e, f);

    private struct Request
    {
        public int Fd;
        public bool Write;
        public IoVec* Vecs;
        public int Count;
        public long Position;
        public long Total;
    }

    /// <summary>struct io_uring_params with its io_sqring_offsets and io_cqring_offsets (120 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct IoUringParams
    {
        public uint SqEntries, CqEntries, Flags, SqThreadCpu, SqThreadIdle, Features, WqFd, Resv0, Resv1, Resv2;
        public uint SqHead, SqTail, SqRingMask, SqRingEntries, SqFlags, SqDropped, SqArray, SqResv1;
        public ulong SqUserAddr;
        public uint CqHead, CqTail, CqRingMask, CqRingEntries, CqOverflow, CqCqes, CqFlags, CqResv1;
        public ulong CqUserAddr;
    }

    /// <summary>struct io_uring_sqe (64 bytes).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 64)]
    private struct Sqe
    {
        [FieldOffset(0)] public byte Opcode;
        [FieldOffset(4)] public int Fd;
        [FieldOffset(8)] public ulong Off;
        [FieldOffset(16)] public ulong Addr;
        [FieldOffset(24)] public uint Len;
        [FieldOffset(32)] public ulong UserData;
    }

    /// <summary>struct io_uring_cqe (16 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Cqe
    {
        public ulong UserData;
        public int Res;
        public uint Flags;
    }
}

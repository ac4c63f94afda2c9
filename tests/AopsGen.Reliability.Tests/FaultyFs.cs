using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace AopsGen.Reliability.Tests;

/// <summary>The faults <see cref="FaultyFs"/> injects.</summary>
public enum Fault
{
    /// <summary>direct_IO fails with -EIO, nothing written or read.</summary>
    DirectIoError,
    /// <summary>A direct_IO write stops one page short (or half a page, for a single page).</summary>
    ShortWrite,
    /// <summary>direct_IO sleeps a few milliseconds first (a slow server, a congested device).</summary>
    Stall,
    /// <summary>A direct_IO read stops one page short (or half a page, for a single page).</summary>
    ShortRead,
    /// <summary>swap_activate does its work, then fails: the filesystem undoes it and returns -EIO.</summary>
    ActivateHalfWay,
    /// <summary>Given a kiocb with ki_complete, direct_IO moves the data now but returns -EIOCBQUEUED, and
    /// <see cref="LateCompletions"/> calls ki_complete later, on its own thread, in no particular order.</summary>
    LateCompletion,
    /// <summary>A late completion reports -EIO although the request was accepted (a device failing after queueing).</summary>
    FailAfterQueued,
}

/// <summary>Which fault to inject at each call, from a seed: each kind with its own probability (in 1/1000).</summary>
public sealed class FaultSchedule
{
    private readonly Random _random;
    private readonly int[] _perMille = new int[Enum.GetValues<Fault>().Length];
    private readonly long[] _injected = new long[Enum.GetValues<Fault>().Length];

    public FaultSchedule(int seed) => _random = new Random(seed);

    /// <summary>Off: no fault until <see cref="Set"/> says otherwise.</summary>
    public bool Enabled { get; set; } = true;

    public FaultSchedule Set(Fault fault, int perMille)
    {
        _perMille[(int)fault] = perMille;
        return this;
    }

    /// <summary>Whether this call gets <paramref name="fault"/>; counted when it does.</summary>
    public bool Next(Fault fault)
    {
        if (!Enabled || _perMille[(int)fault] == 0)
        {
            return false;
        }
        int roll;
        lock (_random)
        {
            roll = _random.Next(1000);
        }
        if (roll >= _perMille[(int)fault])
        {
            return false;
        }
        Interlocked.Increment(ref _injected[(int)fault]);
        return true;
    }

    public long Injected(Fault fault) => Interlocked.Read(ref _injected[(int)fault]);

    public long InjectedTotal => Enum.GetValues<Fault>().Sum(Injected);
}

/// <summary>
/// A filesystem that wraps another's table — an SWP_FILE one: RamFs, HostFs, NfsFs — and injects faults into the
/// calls the swap core makes, by a seeded <see cref="FaultSchedule"/>. Its inodes carry the wrapped filesystem's
/// private data, so every op it does not fail goes straight to the wrapped one. It counts swap_activate calls that
/// succeeded and swap_deactivate calls, which must match. One wrapped table at a time (the tests run serially).
/// </summary>
[AddressSpaceOperations("faultyfs_aops")]
public static unsafe partial class FaultyFs
{
    private static AddressSpaceOperations s_inner = new("unwrapped");
    private static FaultSchedule s_schedule = new(0);
    private static int s_activations;
    private static int s_deactivations;

    /// <summary>Wraps <paramref name="inner"/> with <paramref name="schedule"/> from now on.</summary>
    public static void Wrap(AddressSpaceOperations inner, FaultSchedule schedule)
    {
        s_inner = inner;
        s_schedule = schedule;
        s_activations = 0;
        s_deactivations = 0;
    }

    /// <summary>swap_activate calls that returned 0.</summary>
    public static int Activations => Volatile.Read(ref s_activations);

    /// <summary>swap_deactivate calls.</summary>
    public static int Deactivations => Volatile.Read(ref s_deactivations);

    [ReadPage]
    public static int ReadPage(OpenFile file, Page page) => AopsCalls.ReadPage(s_inner, file, page);

    [WritePage]
    public static int WritePage(Page page, WritebackControl wbc) => AopsCalls.WritePage(s_inner, page, wbc);

    [SetPageDirty]
    public static bool SetPageDirty(Page page) => AopsCalls.SetPageDirty(s_inner, page);

    [WriteBegin]
    public static int WriteBegin(OpenFile file, AddressSpace mapping, long pos, uint len, uint flags, out Page? page, out object? fsData) =>
        AopsCalls.WriteBegin(s_inner, file, mapping, pos, len, flags, out page, out fsData);

    [WriteEnd]
    public static int WriteEnd(OpenFile file, AddressSpace mapping, long pos, uint len, uint copied, Page page, object? fsData) =>
        AopsCalls.WriteEnd(s_inner, file, mapping, pos, len, copied, page, fsData);

    [DirectIO]
    public static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset)
    {
        if (!iocb.IsSync && s_schedule.Next(Fault.LateCompletion))
        {
            // The transfer happens now, through a synchronous kiocb of its own; its completion comes later.
            long result = Transfer(rw, new Kiocb().Init(iocb.File, iocb.Position, iocb.NBytes), iov, offset);
            LateCompletions.Add(iocb, s_schedule.Next(Fault.FailAfterQueued) ? Errnos.Neg(Errno.EIO) : result);
            return Errnos.Neg(Errno.EIOCBQUEUED);
        }
        return Transfer(rw, iocb, iov, offset);
    }

    private static long Transfer(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset)
    {
        if (s_schedule.Next(Fault.Stall))
        {
            Thread.Sleep(2);
        }
        if (s_schedule.Next(Fault.DirectIoError))
        {
            return Errnos.Neg(Errno.EIO);
        }
        if (s_schedule.Next((rw & Rw.Write) != 0 ? Fault.ShortWrite : Fault.ShortRead))
        {
            if (iov.Length > 1)
            {
                return AopsCalls.DirectIO(s_inner, rw, iocb, iov[..^1], offset);
            }
            IoVec half = new(iov[0].Base, iov[0].Length / 2);
            return AopsCalls.DirectIO(s_inner, rw, iocb, new ReadOnlySpan<IoVec>(in half), offset);
        }
        return AopsCalls.DirectIO(s_inner, rw, iocb, iov, offset);
    }

    [SwapActivate]
    public static int SwapActivate(SwapInfo sis, OpenFile file, out ulong span)
    {
        int rc = AopsCalls.SwapActivate(s_inner, sis, file, out span);
        if (rc == 0 && s_schedule.Next(Fault.ActivateHalfWay))
        {
            // Half way: the wrapped filesystem's activation is undone, as a filesystem failing late must.
            AopsCalls.SwapDeactivate(s_inner, file);
            span = 0;
            return Errnos.Neg(Errno.EIO);
        }
        if (rc == 0)
        {
            Interlocked.Increment(ref s_activations);
        }
        return rc;
    }

    [SwapDeactivate]
    public static void SwapDeactivate(OpenFile file)
    {
        Interlocked.Increment(ref s_deactivations);
        AopsCalls.SwapDeactivate(s_inner, file);
    }
}

/// <summary>
/// The completion side of <see cref="Fault.LateCompletion"/>: a thread that calls each held <c>ki_complete</c> after
/// a while, picking among the held ones at random — late, out of order, and never on the thread that submitted.
/// </summary>
public static unsafe class LateCompletions
{
    private static readonly List<(Kiocb Iocb, long Result)> s_held = new();
    private static readonly Random s_random = new(17);
    private static Thread? s_thread;

    /// <summary>Completions held now.</summary>
    public static int Held
    {
        get
        {
            lock (s_held)
            {
                return s_held.Count;
            }
        }
    }

    public static void Add(Kiocb iocb, long result)
    {
        lock (s_held)
        {
            s_held.Add((iocb, result));
            Monitor.Pulse(s_held);
            if (s_thread == null)
            {
                s_thread = new Thread(Run) { IsBackground = true, Name = "late-completions" };
                s_thread.Start();
            }
        }
    }

    private static void Run()
    {
        while (true)
        {
            (Kiocb Iocb, long Result) next;
            lock (s_held)
            {
                while (s_held.Count == 0)
                {
                    Monitor.Wait(s_held);
                }
                // Late: let more arrive, so that the pick below has a choice.
                Monitor.Wait(s_held, s_random.Next(3));
                int i = s_random.Next(s_held.Count);
                next = s_held[i];
                s_held.RemoveAt(i);
            }
            next.Iocb.Complete(next.Iocb, next.Result);
        }
    }
}

using System.Collections.Generic;
using AopsGen.Swap;

namespace AopsGen.Tests;

/// <summary>
/// <see cref="MemSwapFs"/> with asynchronous completion under the test's control: given a kiocb with
/// <c>ki_complete</c>, <c>direct_IO</c> and <c>swap_rw</c> move the bytes at once but return -EIOCBQUEUED and hold the
/// completion until <see cref="CompleteNext"/> or <see cref="CompleteAll"/> (which may report a failure instead, as a
/// device failing after accepting the request). A synchronous kiocb completes as MemSwapFs does. One table for
/// SWP_FILE (direct_IO writes, readpage reads), one for SWP_FS_OPS (swap_rw both ways). Tests run serially.
/// </summary>
internal static unsafe class HeldCompletionFs
{
    public static readonly AddressSpaceOperations File = new("heldfile_aops", readPage: &MemSwapFs.ReadPage, setPageDirty: &MemSwapFs.SetPageDirty,
        directIO: &DirectIO, swapActivate: &MemSwapFs.SwapActivate, swapDeactivate: &MemSwapFs.SwapDeactivate);

    public static readonly AddressSpaceOperations FsOps = new("heldfsops_aops", readPage: &MemSwapFs.ReadPage, setPageDirty: &MemSwapFs.SetPageDirty,
        swapActivate: &ActivateFsOps, swapDeactivate: &MemSwapFs.SwapDeactivate, swapRw: &SwapRw);

    private static readonly Queue<(Kiocb Iocb, long Result)> s_held = new();

    /// <summary>Completions held back.</summary>
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

    /// <summary>Calls of direct_IO or swap_rw that returned -EIOCBQUEUED.</summary>
    public static int Queued { get; private set; }

    public static void Reset()
    {
        lock (s_held)
        {
            s_held.Clear();
            Queued = 0;
        }
    }

    /// <summary>Calls the oldest held <c>ki_complete</c>, with <paramref name="result"/> instead of the transfer's when given.</summary>
    public static bool CompleteNext(long? result = null)
    {
        (Kiocb Iocb, long Result) next;
        lock (s_held)
        {
            if (s_held.Count == 0)
            {
                return false;
            }
            next = s_held.Dequeue();
        }
        next.Iocb.Complete(next.Iocb, result ?? next.Result);
        return true;
    }

    public static void CompleteAll(long? result = null)
    {
        while (CompleteNext(result))
        {
        }
    }

    private static long DirectIO(Rw rw, Kiocb iocb, ReadOnlySpan<IoVec> iov, long offset) => Hold(iocb, MemSwapFs.DirectIO(rw, iocb, iov, offset));

    private static int SwapRw(Kiocb iocb, IovIter iter) => (int)Hold(iocb, MemSwapFs.DirectIO(iter.Direction, iocb, iter.Segments, iocb.Position));

    private static int ActivateFsOps(SwapInfo sis, OpenFile file, out ulong span)
    {
        int ret = MemSwapFs.SwapActivate(sis, file, out span);
        sis.Flags |= SwapFlags.FsOps;
        return ret < 0 ? ret : sis.AddSwapExtent(0, sis.Max, 0);
    }

    private static long Hold(Kiocb iocb, long result)
    {
        if (iocb.IsSync)
        {
            return result;
        }
        lock (s_held)
        {
            s_held.Enqueue((iocb, result));
            Queued++;
        }
        return Errnos.Neg(Errno.EIOCBQUEUED);
    }
}

using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using Xunit;

namespace AopsGen.Examples.Tests;

/// <summary>NfsConnection's service thread: asynchronous kiocbs queued (-EIOCBQUEUED) several at a time and completed
/// through <c>ki_complete</c> from that thread, replies in any order, and a reply that fails after the call was
/// queued.</summary>
public sealed unsafe class NfsConnectionTests : IDisposable
{
    private const int Batches = 8;
    private const int BatchPages = 32;
    private const int BatchBytes = BatchPages * Page.Size;

    private readonly string _url = NfsServer.ExportUrl is { } export ? NfsFs.FileUrl(export, NfsServer.NewName("conn")) : "";
    private readonly byte* _memory = (byte*)NativeMemory.AlignedAlloc((nuint)(Batches * BatchBytes), Page.Size);
    private readonly IoVec[][] _segments = new IoVec[Batches][];
    private NfsConnection? _connection;

    public NfsConnectionTests()
    {
        for (int b = 0; b < Batches; b++)
        {
            // Pinned, as the swap core's are: the service thread scatters a READ's reply into them later.
            _segments[b] = GC.AllocateArray<IoVec>(BatchPages, pinned: true);
            for (int p = 0; p < BatchPages; p++)
            {
                _segments[b][p] = new IoVec((nint)PageAt(b, p), Page.Size);
            }
        }
    }

    public void Dispose()
    {
        _connection?.Dispose();
        if (_url.Length > 0)
        {
            NfsConnection.Remove(_url);
        }
        NativeMemory.AlignedFree(_memory);
    }

    private byte* PageAt(int batch, int page) => _memory + ((long)batch * BatchPages + page) * Page.Size;

    private Span<byte> Bytes(int batch, int page) => new(PageAt(batch, page), Page.Size);

    private NfsConnection Connect()
    {
        Assert.Equal(0, NfsConnection.Open(_url, create: true, out _connection, out string? error));
        Assert.True(_connection != null, error);
        return _connection!;
    }

    [NfsFact]
    public void Asynchronous_writes_and_reads_go_out_together_and_complete_through_ki_complete_on_the_service_thread()
    {
        NfsConnection connection = Connect();
        for (int b = 0; b < Batches; b++)
        {
            for (int p = 0; p < BatchPages; p++)
            {
                TestPages.Fill(Bytes(b, p), 3, b * BatchPages + p);
            }
        }

        Completion[] writes = Submit((b, iocb) => connection.WriteV((long)b * BatchBytes, _segments[b], stable: true, iocb));
        Completion.WaitAll(writes);
        new Span<byte>(_memory, Batches * BatchBytes).Clear();
        Completion[] reads = Submit((b, iocb) => connection.ReadV((long)b * BatchBytes, _segments[b], iocb));
        Completion.WaitAll(reads);

        foreach (Completion done in writes.Concat(reads))
        {
            Assert.Equal(BatchBytes, done.Result);
            Assert.NotEqual(Environment.CurrentManagedThreadId, done.Thread);
        }
        for (int b = 0; b < Batches; b++)
        {
            for (int p = 0; p < BatchPages; p++)
            {
                Assert.True(TestPages.Verify(Bytes(b, p), 3, b * BatchPages + p), $"batch {b} page {p} differs");
            }
        }
        Assert.True(connection.MaxInFlight > 1, $"at most {connection.MaxInFlight} call in flight");
        Assert.Equal(0, connection.InFlight);
    }

    [NfsFact]
    public void Replies_complete_out_of_order_each_with_its_own_result()
    {
        NfsConnection connection = Connect();
        for (int p = 0; p < BatchPages; p++)
        {
            TestPages.Fill(Bytes(0, p), 5, p);
        }
        Assert.Equal(BatchBytes, connection.WriteV(0, _segments[0], stable: true, iocb: null));

        // A FILE_SYNC WRITE of 7 batches (the server writes and syncs them) sent before one page's READ: the READ's
        // reply tends to come first. Each completion must carry its own call's result whatever the order.
        for (int round = 0; round < 20 && connection.OutOfOrder == 0; round++)
        {
            var write = new IoVec((nint)PageAt(1, 0), (nuint)(7 * BatchBytes));
            var written = new Completion();
            Assert.Equal(Errnos.Neg(Errno.EIOCBQUEUED), connection.WriteV(BatchBytes, new ReadOnlySpan<IoVec>(&write, 1), stable: true, written.Iocb));
            var read = new Completion();
            Assert.Equal(Errnos.Neg(Errno.EIOCBQUEUED), connection.ReadV(Page.Size, _segments[0].AsSpan(1, 1), read.Iocb));
            Completion.WaitAll(written, read);

            Assert.Equal(7 * BatchBytes, written.Result);
            Assert.Equal(Page.Size, read.Result);
            Assert.True(TestPages.Verify(Bytes(0, 1), 5, 1));
        }

        Assert.True(connection.OutOfOrder > 0, "every reply came in the order of its call in 20 rounds");
    }

    [NfsFact]
    public void A_reply_that_never_comes_fails_the_queued_kiocb_after_the_timeout_and_the_next_call_reconnects()
    {
        NfsConnection connection = Connect();
        Assert.Equal(BatchBytes, connection.WriteV(0, _segments[0], stable: true, iocb: null));

        Completion[] writes;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        NfsServer.Signal("STOP");
        try
        {
            writes = Submit((b, iocb) => connection.WriteV((long)b * BatchBytes, _segments[b], stable: true, iocb));
            Completion.WaitAll(writes);
        }
        finally
        {
            NfsServer.Signal("CONT");
        }

        Assert.All(writes, done => Assert.True(Errnos.IsError(done.Result), $"result {done.Result}"));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(NfsConnection.TimeoutMs), $"failed after {clock.Elapsed}, before the timeout");
        Assert.Equal(BatchBytes, connection.WriteV(0, _segments[0], stable: true, iocb: null));
        Assert.Equal(2, connection.Connects);
    }

    [NfsFact]
    public void A_call_after_dispose_is_EBADF_and_a_queued_kiocb_is_not_completed()
    {
        NfsConnection connection = Connect();
        connection.Dispose();

        var done = new Completion();
        Assert.Equal(Errnos.Neg(Errno.EBADF), connection.WriteV(0, _segments[0], stable: true, done.Iocb));
        Assert.Equal(Errnos.Neg(Errno.EBADF), connection.Read(0, PageAt(0, 0), Page.Size));
        Assert.False(done.Done);
    }

    // One call per batch, each with its own asynchronous kiocb: every one must be queued.
    private static Completion[] Submit(Func<int, Kiocb, long> submit)
    {
        var all = new Completion[Batches];
        for (int b = 0; b < Batches; b++)
        {
            all[b] = new Completion();
            Assert.Equal(Errnos.Neg(Errno.EIOCBQUEUED), submit(b, all[b].Iocb));
        }
        return all;
    }

    // An asynchronous kiocb and what its ki_complete reported.
    private sealed class Completion
    {
        public Completion()
        {
            Iocb = new Kiocb().Init(null, 0, 0);
            Iocb.Complete = &Completed;
            Iocb.Private = this;
        }

        public Kiocb Iocb { get; }
        public long Result { get; private set; }
        public int Thread { get; private set; }
        public bool Done { get; private set; }

        private static void Completed(Kiocb iocb, long result)
        {
            var completion = (Completion)iocb.Private!;
            lock (completion)
            {
                completion.Result = result;
                completion.Thread = Environment.CurrentManagedThreadId;
                completion.Done = true;
                Monitor.PulseAll(completion);
            }
        }

        public static void WaitAll(params Completion[] completions)
        {
            foreach (Completion completion in completions)
            {
                lock (completion)
                {
                    while (!completion.Done)
                    {
                        Assert.True(Monitor.Wait(completion, 30_000), "ki_complete not called in 30 s");
                    }
                }
            }
        }
    }
}

using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using Microsoft.Win32.SafeHandles;
using AopsGen.Block;
using AopsGen.Mm;
using AopsGen.Swap;

namespace AopsGen.Benchmarks.Block;

/// <summary>
/// The zero-allocation optimization, before and after: a gather write of <see cref="Batch"/> scattered page frames
/// to an O_DIRECT file, once through <see cref="BlockDevice.Write"/> (AopsGen's own <c>pwritev</c> P/Invoke over a
/// caller's iovec span: what the swap path uses) and once through .NET's vectored
/// <see cref="RandomAccess.Write(SafeFileHandle, IReadOnlyList{ReadOnlyMemory{byte}}, long)"/>, which pins every
/// buffer through a <c>MemoryHandle[]</c> it allocates per call (and an iovec array beyond 8 buffers). Same file,
/// same frames, same offsets. One operation is one page.
/// </summary>
[MemoryDiagnoser]
public class VectoredWriteBenchmarks : IDisposable
{
    private const int Pages = 1024;

    private string _directory = string.Empty;
    private BlockDevice _device = null!;
    private SafeFileHandle _handle = null!;
    private PageFrames _frames = null!;
    private IoVec[] _segments = Array.Empty<IoVec>();
    private ReadOnlyMemory<byte>[] _buffers = Array.Empty<ReadOnlyMemory<byte>>();
    private ArraySegment<ReadOnlyMemory<byte>> _batch;

    /// <summary>Pages per vectored write.</summary>
    [Params(8, 32)]
    public int Batch { get; set; } = 32;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("aopsgen-vectored-").FullName;
        string path = Path.Combine(_directory, "file");
        using (var stream = new FileStream(path, FileMode.CreateNew))
        {
            stream.SetLength((long)(Pages + 32) << Page.Shift);
        }
        if (BlockDevice.Open(path, out BlockDevice? device) != 0 || !device!.IsDirect)
        {
            throw new InvalidOperationException($"{path}: O_DIRECT is not available here");
        }
        _device = device;
        int fd = OpenDirect(path);
        if (fd < 0)
        {
            throw new InvalidOperationException($"open({path}, O_RDWR|O_DIRECT) failed: errno {Marshal.GetLastPInvokeError()}");
        }
        _handle = new SafeFileHandle(fd, ownsHandle: true);
        // Every other frame, so the batch is scattered in memory as reclaim's pages are.
        _frames = new PageFrames(2 * SwapPlug.MaxPages);
        _segments = new IoVec[SwapPlug.MaxPages];
        _buffers = new ReadOnlyMemory<byte>[SwapPlug.MaxPages];
        for (int i = 0; i < SwapPlug.MaxPages; i++)
        {
            _frames.Alloc();
            Page page = _frames.Alloc()!;
            page.Bytes.Fill((byte)i);
            _segments[i] = IoVec.ForPage(page);
            _buffers[i] = new PageMemory(page).Memory;
        }
        _batch = new ArraySegment<ReadOnlyMemory<byte>>(_buffers, 0, Batch);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _handle?.Dispose();
        _device?.Dispose();
        _frames?.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>After: <c>pwritev</c> through AopsGen's P/Invoke, the iovecs in a preallocated span.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Pages)]
    public long Pwritev()
    {
        long total = 0;
        for (int first = 0; first < Pages; first += Batch)
        {
            total += _device.Write(_segments.AsSpan(0, Batch), (long)first << Page.Shift);
        }
        return total;
    }

    /// <summary>Before: .NET's vectored <c>RandomAccess.Write</c> over the same frames.</summary>
    [Benchmark(OperationsPerInvoke = Pages)]
    public long RandomAccessVectored()
    {
        long total = 0;
        for (int first = 0; first < Pages; first += Batch)
        {
            RandomAccess.Write(_handle, _batch, (long)first << Page.Shift);
            total += (long)Batch << Page.Shift;
        }
        return total;
    }

    /// <summary>Pages one benchmark invocation writes.</summary>
    public static int PagesPerInvocation => Pages;

    /// <summary>Rebinds the batch after <see cref="Batch"/> changes outside BenchmarkDotNet.</summary>
    public void UseBatch(int batch)
    {
        Batch = batch;
        _batch = new ArraySegment<ReadOnlyMemory<byte>>(_buffers, 0, batch);
    }

    private const int ORdWr = 2;
    private const int ODirect = 0x4000;
    private const int OCloExec = 0x80000;

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

    private static int OpenDirect(string path) => Open(path, ORdWr | ODirect | OCloExec, 0);

    /// <summary>A page frame as <see cref="Memory{T}"/> (native memory needs a MemoryManager); made once per frame.</summary>
    private sealed unsafe class PageMemory(Page page) : MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => page.Bytes;

        public override MemoryHandle Pin(int elementIndex = 0) => new(page.Data + elementIndex);

        public override void Unpin()
        {
        }

        protected override void Dispose(bool disposing)
        {
        }
    }
}

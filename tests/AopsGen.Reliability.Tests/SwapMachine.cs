using AopsGen.Examples;
using Xunit;
using AopsGen.Swap;
using AopsGen.Vfs;

[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]

namespace AopsGen.Reliability.Tests;

/// <summary>A namespace on RamFs and a swap core over it: files are made from bytes, swapon'd, and the core's
/// whole state — areas, swap pages, the files' S_SWAPFILE flags, the kernel log — can be snapshotted and compared.</summary>
internal sealed class SwapMachine : IDisposable
{
    private int _files;

    public SwapMachine()
    {
        Vfs = RamFs.NewNamespace(out SuperBlock root);
        Root = root;
        Swap = new SwapCore(Vfs);
    }

    public MountNamespace Vfs { get; }
    public SuperBlock Root { get; }
    public SwapCore Swap { get; }

    /// <summary>A new RamFs file holding <paramref name="bytes"/>, mode 0600; returns its path.</summary>
    public string CreateFile(ReadOnlySpan<byte> bytes, out Inode inode)
    {
        string path = $"/file{_files++}";
        Assert.Equal(0, RamFs.CreateFile(Vfs, Root, path, bytes.Length, Credentials.Root, out Inode? created));
        RamFs.DataOf(created!).Write(0, bytes);
        inode = created!;
        return path;
    }

    /// <summary>What swapon may change: compared before and after a refused swapon.</summary>
    public string State() => $"areas {Swap.Areas.Count}, nr_swap_pages {Swap.NrSwapPages}, total {Swap.TotalSwapPages}";

    public void Dispose() => Swap.Dispose();
}

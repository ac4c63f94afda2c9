using System.IO;
using AopsGen.Block;

namespace AopsGen.Tests;

/// <summary>A block device over a sparse image file in a fresh temporary directory, deleted on dispose.</summary>
internal sealed class TempBlockDevice : IDisposable
{
    private readonly string _directory;

    public TempBlockDevice(long size)
    {
        _directory = Directory.CreateTempSubdirectory("aopsgen-bdev-").FullName;
        ImagePath = Path.Combine(_directory, "disk.img");
        using (var stream = new FileStream(ImagePath, FileMode.CreateNew))
        {
            stream.SetLength(size);
        }
        int error = BlockDevice.Open(ImagePath, out BlockDevice? device);
        if (error != 0)
        {
            throw new IOException($"Cannot open {ImagePath} as a block device: {Errnos.FromReturn(error)}");
        }
        Device = device!;
    }

    public string ImagePath { get; }

    public BlockDevice Device { get; }

    public void Dispose()
    {
        Device.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

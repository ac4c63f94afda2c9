namespace AopsGen;

/// <summary>include/uapi/asm-generic/fcntl.h: the open flags the model uses.</summary>
[Flags]
public enum OpenFlags
{
    /// <summary>O_RDONLY.</summary>
    ReadOnly = 0,
    /// <summary>O_WRONLY.</summary>
    WriteOnly = 0x1,
    /// <summary>O_RDWR.</summary>
    ReadWrite = 0x2,
    /// <summary>O_CREAT.</summary>
    Create = 0x40,
    /// <summary>O_EXCL.</summary>
    Exclusive = 0x80,
    /// <summary>O_TRUNC.</summary>
    Truncate = 0x200,
    /// <summary>O_APPEND.</summary>
    Append = 0x400,
    /// <summary>O_DIRECT: I/O bypasses the page cache (needs the <c>direct_IO</c> op).</summary>
    Direct = 0x4000,
    /// <summary>O_LARGEFILE.</summary>
    LargeFile = 0x8000,
}

/// <summary>
/// include/linux/fs.h: <c>struct file</c>, an open file: its path, inode, mapping (<c>f_mapping</c>,
/// whose <see cref="AddressSpace.Aops"/> the swap core calls) and the filesystem's per-open data.
/// </summary>
public sealed class OpenFile
{
    /// <summary>Opens <paramref name="inode"/> as <paramref name="path"/> with <paramref name="flags"/>.</summary>
    public OpenFile(string path, Inode inode, OpenFlags flags)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(inode);
        Path = path;
        Inode = inode;
        Flags = flags;
    }

    /// <summary>The path the file was opened by (<c>f_path</c>, printed as <c>d_path</c> would).</summary>
    public string Path { get; }

    /// <summary><c>file_inode(file)</c>.</summary>
    public Inode Inode { get; }

    /// <summary><c>f_mapping</c>.</summary>
    public AddressSpace Mapping => Inode.Mapping;

    /// <summary><c>f_flags</c>.</summary>
    public OpenFlags Flags { get; }

    /// <summary><c>f_pos</c>.</summary>
    public long Position { get; set; }

    /// <summary><c>private_data</c>: the filesystem's per-open data.</summary>
    public object? PrivateData { get; set; }

    /// <inheritdoc/>
    public override string ToString() => Path;
}

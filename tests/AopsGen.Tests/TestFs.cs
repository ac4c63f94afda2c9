namespace AopsGen.Tests;

/// <summary>Builds the small VFS objects the ops need: a superblock, an inode whose mapping uses a table, a file.</summary>
internal static unsafe class TestFs
{
    public static Inode NewInode(AddressSpaceOperations aops, ulong number = 1)
        => new(new SuperBlock("testfs", 4096), number, FileType.Regular, 0x1A4 /* 0644 */, aops);

    public static OpenFile NewFile(AddressSpaceOperations aops, string path = "/mnt/test/file")
        => new(path, NewInode(aops), OpenFlags.ReadWrite);

    public static readonly AddressSpaceOperations Empty = new("empty_aops");

    /// <summary>An empty table with a name. (The constructor has function-pointer parameters, so even a call
    /// that passes none of them needs an unsafe context.)</summary>
    public static AddressSpaceOperations NewTable(string? name) => new(name);
}

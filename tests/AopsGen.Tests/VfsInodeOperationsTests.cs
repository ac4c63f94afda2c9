using System.Collections.Generic;
using System.Linq;
using AopsGen.Vfs;
using Xunit;

namespace AopsGen.Tests;

/// <summary>The namespace's operations that reach a filesystem through <see cref="Inode.Operations"/>: what each
/// asks the filesystem, and the kernel's errno where the namespace refuses first (fs/namei.c, fs/namespace.c).</summary>
public sealed unsafe class VfsInodeOperationsTests
{
    private static readonly AddressSpaceOperations Aops = new("test_aops");
    private readonly SuperBlock _sb = new("testfs", 4096);
    private readonly RecordingOps _ops = new();
    private readonly MountNamespace _vfs;
    private readonly Dentry _root;

    public VfsInodeOperationsTests()
    {
        _vfs = new MountNamespace(_ops.Make(_sb, FileType.Directory, 0x1ED));
        Assert.Equal(0, _vfs.LookupDentry("/", out Dentry? root));
        _root = root!;
    }

    /// <summary>Makes inodes on mkdir/create/symlink and records every call.</summary>
    private sealed class RecordingOps : InodeOperations
    {
        private ulong _next = 1;

        public List<string> Calls { get; } = new();

        public Dictionary<string, Inode> OnDisk { get; } = new();

        public Inode Make(SuperBlock sb, FileType type, uint mode) => new(sb, _next++, type, mode, Aops) { Operations = this };

        public override int Lookup(Inode dir, string name, out Inode? inode)
        {
            Calls.Add($"lookup {name}");
            return base.Lookup(dir, name, out inode) is var rc && OnDisk.TryGetValue(name, out inode) ? 0 : rc;
        }

        public override int Create(Inode dir, string name, uint mode, uint uid, uint gid, out Inode? inode)
        {
            Calls.Add($"create {name} {mode:x}");
            inode = Make(dir.SuperBlock, FileType.Regular, mode);
            inode.Uid = uid;
            return 0;
        }

        public override int Mkdir(Inode dir, string name, uint mode, uint uid, uint gid, out Inode? inode)
        {
            Calls.Add($"mkdir {name}");
            inode = Make(dir.SuperBlock, FileType.Directory, mode);
            return 0;
        }

        public override int Unlink(Inode dir, string name, Inode inode)
        {
            Calls.Add($"unlink {name}");
            return 0;
        }

        public override int Rmdir(Inode dir, string name, Inode inode)
        {
            Calls.Add($"rmdir {name}");
            return 0;
        }

        public override int Rename(Inode oldDir, string oldName, Inode inode, Inode newDir, string newName, Inode? target)
        {
            Calls.Add($"rename {oldName} {newName} {(target == null ? "new" : "replace")}");
            return 0;
        }

        public override int SetAttr(Inode inode, in InodeAttr attr)
        {
            Calls.Add($"setattr {attr.Valid}");
            return base.SetAttr(inode, attr);
        }
    }

    /// <summary>An inode_operations with no op filled in: the kernel's answers for NULL ops.</summary>
    private sealed class NoOps : InodeOperations
    {
    }

    [Fact]
    public void CreateMkdirRenameUnlinkAndRmdirEachReachTheFilesystem()
    {
        Assert.Equal(0, _vfs.MkdirAt(_root, "d", 0x1ED, Credentials.Root, out Dentry? d));
        Assert.Equal(0, _vfs.CreateAt(d!, "f", 0x1A4, Credentials.Root, out Dentry? f));
        Assert.Equal(0, _vfs.RenameAt(d!, "f", _root, "g", Credentials.Root));
        Assert.Equal(0, _vfs.Lookup("/g", out Inode? moved));
        Assert.Same(f!.Inode, moved);
        Assert.Equal(0, _vfs.Unlink("/g", Credentials.Root));
        Assert.Equal(0, _vfs.Rmdir("/d", Credentials.Root));
        Assert.Equal(["mkdir d", "create f 1a4", "rename f g new", "unlink g", "rmdir d"], _ops.Calls.Where(c => !c.StartsWith("lookup", StringComparison.Ordinal)));
    }

    [Fact]
    public void ANameTheDcacheDoesNotHoldIsAskedOfTheFilesystemsLookup()
    {
        Inode onDisk = _ops.Make(_sb, FileType.Regular, 0x1A4);
        _ops.OnDisk["persisted"] = onDisk;
        Assert.Equal(0, _vfs.Lookup("/persisted", out Inode? found));
        Assert.Same(onDisk, found);
        Assert.Equal(Errnos.Neg(Errno.ENOENT), _vfs.Lookup("/absent", out _));
        Assert.Equal(["lookup persisted", "lookup absent"], _ops.Calls);
        Assert.Equal(0, _vfs.Lookup("/persisted", out _)); // now in the dcache: not asked again
        Assert.Equal(2, _ops.Calls.Count);
    }

    /// <summary>A d_revalidate whose answer the test sets, recording the names it was asked about.</summary>
    private sealed class ScriptedDentryOps : DentryOperations
    {
        public int Answer { get; set; } = 1;

        public List<string> Asked { get; } = new();

        public override int Revalidate(Inode dir, string name, Dentry dentry)
        {
            Asked.Add(name);
            return Answer;
        }
    }

    [Fact]
    public void DRevalidateKeepsACachedNameDropsItForAFreshLookupOrFailsTheLookupWithItsErrno()
    {
        var dops = new ScriptedDentryOps();
        _sb.DentryOperations = dops;
        Inode first = _ops.Make(_sb, FileType.Regular, 0x1A4);
        _ops.OnDisk["f"] = first;
        Assert.Equal(0, _vfs.Lookup("/f", out _));
        _ops.Calls.Clear();

        Assert.Equal(0, _vfs.Lookup("/f", out Inode? cached)); // valid: from the dcache
        Assert.Same(first, cached);
        Assert.Empty(_ops.Calls);

        Inode replaced = _ops.Make(_sb, FileType.Regular, 0x1A4);
        _ops.OnDisk["f"] = replaced;
        dops.Answer = 0; // invalid: dropped, and the filesystem asked again
        Assert.Equal(0, _vfs.Lookup("/f", out Inode? again));
        Assert.Same(replaced, again);
        Assert.Equal(["lookup f"], _ops.Calls);

        dops.Answer = Errnos.Neg(Errno.EIO);
        Assert.Equal(Errnos.Neg(Errno.EIO), _vfs.Lookup("/f", out _));
        Assert.Equal(["f", "f", "f"], dops.Asked);
    }

    [Fact]
    public void ANameSomethingIsMountedOnIsNotRevalidatedAway()
    {
        var dops = new ScriptedDentryOps { Answer = 0 };
        Assert.Equal(0, _vfs.MkdirAt(_root, "mnt", 0x1ED, Credentials.Root, out _));
        Inode mounted = _ops.Make(new SuperBlock("otherfs", 4096), FileType.Directory, 0x1ED);
        Assert.Equal(0, _vfs.Mount("/mnt", mounted));
        _sb.DentryOperations = dops;

        Assert.Equal(0, _vfs.Lookup("/mnt", out Inode? root));
        Assert.Same(mounted, root);
        Assert.Empty(dops.Asked);
    }

    [Fact]
    public void NamespaceErrnosComeBeforeTheFilesystemIsAsked()
    {
        Assert.Equal(0, _vfs.MkdirAt(_root, "d", 0x1ED, Credentials.Root, out Dentry? d));
        Assert.Equal(0, _vfs.CreateAt(d!, "f", 0x1A4, Credentials.Root, out _));
        _ops.Calls.Clear();
        Assert.Equal(Errnos.Neg(Errno.EEXIST), _vfs.MkdirAt(_root, "d", 0x1ED, Credentials.Root, out _));
        Assert.Equal(Errnos.Neg(Errno.ENOTEMPTY), _vfs.Rmdir("/d", Credentials.Root));
        Assert.Equal(Errnos.Neg(Errno.ENOTDIR), _vfs.Rmdir("/d/f", Credentials.Root));
        Assert.Equal(Errnos.Neg(Errno.EISDIR), _vfs.Unlink("/d", Credentials.Root));
        Assert.Equal(Errnos.Neg(Errno.ENAMETOOLONG), _vfs.CreateAt(_root, new string('n', 256), 0x1A4, Credentials.Root, out _));
        Assert.Equal(Errnos.Neg(Errno.EACCES), _vfs.CreateAt(d!, "g", 0x1A4, Credentials.User(1000, 1000), out _));
        Assert.Equal(Errnos.Neg(Errno.EPERM), _vfs.LinkAt(d!, _root, "dirlink", Credentials.Root, out _)); // a directory
        Assert.DoesNotContain(_ops.Calls, c => !c.StartsWith("lookup", StringComparison.Ordinal));
    }

    [Fact]
    public void NullOpsAnswerAsTheKernelDoes()
    {
        var sb = new SuperBlock("nullfs", 4096);
        var vfs = new MountNamespace(new Inode(sb, 1, FileType.Directory, 0x1ED, Aops) { Operations = new NoOps() });
        Assert.Equal(0, vfs.LookupDentry("/", out Dentry? root));
        Assert.Equal(Errnos.Neg(Errno.EACCES), vfs.CreateAt(root!, "f", 0x1A4, Credentials.Root, out _)); // vfs_create
        Assert.Equal(Errnos.Neg(Errno.EPERM), vfs.MkdirAt(root!, "d", 0x1ED, Credentials.Root, out _)); // vfs_mkdir
        Assert.Equal(Errnos.Neg(Errno.EPERM), vfs.SymlinkAt(root!, "l", "target", Credentials.Root, out _)); // vfs_symlink
    }

    [Fact]
    public void TruncateAndSetAttrGoThroughSetattrWithTheOwnerRules()
    {
        Assert.Equal(0, _vfs.CreateAt(_root, "f", 0x1A4, Credentials.Root, out Dentry? f));
        Inode inode = f!.Inode;
        inode.Uid = 1000;
        Assert.Equal(0, _vfs.Truncate("/f", 8192, Credentials.Root));
        Assert.Equal(8192, inode.Size);
        Assert.Equal(Errnos.Neg(Errno.EPERM), _vfs.SetAttr(inode, new InodeAttr(AttrValid.Mode, Mode: 0x1FF), Credentials.User(1001, 1001)));
        Assert.Equal(Errnos.Neg(Errno.EPERM), _vfs.SetAttr(inode, new InodeAttr(AttrValid.Uid, Uid: 0), Credentials.User(1000, 1000)));
        Assert.Equal(0, _vfs.SetAttr(inode, new InodeAttr(AttrValid.Mode, Mode: 0x180), Credentials.User(1000, 1000)));
        Assert.Equal(0x180u, inode.Permissions);
        Assert.Equal(Errnos.Neg(Errno.EINVAL), _vfs.SetAttr(inode, new InodeAttr(AttrValid.Size, Size: -1), Credentials.Root));
        Assert.Equal(["setattr Size, ModifyTime", "setattr Mode"], _ops.Calls.Where(c => c.StartsWith("setattr", StringComparison.Ordinal)));
    }

    [Fact]
    public void ReadDirListsTheDcache()
    {
        Assert.Equal(0, _vfs.MkdirAt(_root, "d", 0x1ED, Credentials.Root, out _));
        Assert.Equal(0, _vfs.CreateAt(_root, "f", 0x1A4, Credentials.Root, out _));
        var entries = new List<DirectoryEntry>();
        Assert.Equal(0, _vfs.ReadDir(_root, entries));
        Assert.Equal([("d", FileType.Directory), ("f", FileType.Regular)], entries.Select(e => (e.Name, e.Type)).Order());
    }

    [Fact]
    public void UmountIsBusyWhileAFileIsOpenOrASwapFileIsActiveAndEinvalOffAMountPoint()
    {
        Assert.Equal(0, _vfs.MkdirAt(_root, "mnt", 0x1ED, Credentials.Root, out _));
        var other = new SuperBlock("otherfs", 4096);
        Inode otherRoot = _ops.Make(other, FileType.Directory, 0x1ED);
        Assert.Equal(0, _vfs.Mount("/mnt", otherRoot));
        Assert.Equal(0, _vfs.CreateFile("/mnt/f", 0x1A4, Credentials.Root, out Inode? f));
        Assert.Same(other, f!.SuperBlock);
        Assert.Equal(0, _vfs.Open("/mnt/f", OpenFlags.ReadOnly, Credentials.Root, out OpenFile? file));
        Assert.Equal(Errnos.Neg(Errno.EBUSY), _vfs.Umount("/mnt"));
        _vfs.Close(file!);
        f.Flags |= InodeFlags.SwapFile;
        Assert.Equal(Errnos.Neg(Errno.EBUSY), _vfs.Umount("/mnt"));
        f.Flags &= ~InodeFlags.SwapFile;
        Assert.Equal(Errnos.Neg(Errno.EINVAL), _vfs.Umount("/"));
        Assert.Equal(0, _vfs.Umount("/mnt"));
        Assert.Equal(Errnos.Neg(Errno.ENOENT), _vfs.Lookup("/mnt/f", out _)); // the directory below shows again
        Assert.Equal(Errnos.Neg(Errno.EINVAL), _vfs.Umount("/mnt"));
    }
}

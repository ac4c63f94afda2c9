using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using AopsGen.Mm;
using AopsGen.Vfs;

namespace AopsGen.Fuse;

/// <summary>
/// A filesystem of a <see cref="MountNamespace"/> mounted on the host through FUSE (libfuse 3's low-level API):
/// the host's programs — <c>cp</c>, fio, a compiler — use it as any other filesystem. Requests become the
/// namespace's operations (<see cref="MountNamespace.LookupAt"/>, <c>CreateAt</c>,
/// <c>MkdirAt</c>, <c>UnlinkAt</c>, <c>RenameAt</c>, <c>SetAttr</c>, <c>ReadDir</c>, …, each failing with the kernel's
/// errno), and file data moves only through the filesystem's generated table via a <see cref="Mm.PageCache"/>:
/// reads through <c>readpages</c>/<c>readpage</c>, writes through <c>write_begin</c>/<c>write_end</c>, fsync through
/// <c>writepages</c>, <c>O_DIRECT</c> opens through <c>direct_IO</c>, FUSE_BMAP through <c>bmap</c>. Several libfuse
/// threads serve requests at once. <see cref="Dispose"/> unmounts (as <c>fusermount3 -u</c> would).
/// </summary>
public sealed unsafe partial class FuseMount : IDisposable
{
    private readonly object _nodesLock = new();
    private readonly Dictionary<ulong, Node> _nodes = new();
    private readonly Dictionary<Inode, ulong> _nodeIds = new(ReferenceEqualityComparer.Instance);
    private readonly ManualResetEventSlim _loopDone = new(false);
    private readonly FuseMountOptions _options;
    private ulong _nextNodeId = LibFuse.RootId;
    private nint _session;
    private nint _loopConfig;
    private GCHandle _self;
    private FuseLowlevelOps* _ops;
    private Thread? _loop;
    private int _loopResult;
    private int _disposed;

    private sealed class Node(Dentry dentry)
    {
        public Dentry Dentry { get; set; } = dentry;

        public long Lookups { get; set; }
    }

    private FuseMount(MountNamespace vfs, Dentry root, string mountPoint, FuseMountOptions options)
    {
        Vfs = vfs;
        Root = root;
        MountPoint = mountPoint;
        _options = options;
        PageCache = new PageCache(options.CacheFrames);
        _nodes[LibFuse.RootId] = new Node(root) { Lookups = 1 };
        _nodeIds[root.Inode] = LibFuse.RootId;
    }

    /// <summary>The namespace whose filesystem is served.</summary>
    public MountNamespace Vfs { get; }

    /// <summary>The root of the served filesystem in <see cref="Vfs"/>.</summary>
    public Dentry Root { get; }

    /// <summary>The host directory the filesystem is mounted on.</summary>
    public string MountPoint { get; }

    /// <summary>The page cache file data goes through.</summary>
    public PageCache PageCache { get; }

    /// <summary>Whether the session has ended (unmounted, by <see cref="Dispose"/> or from outside with
    /// <c>fusermount3 -u</c> / <c>umount</c>).</summary>
    public bool IsUnmounted => _loopDone.IsSet;

    /// <summary>
    /// Why FUSE cannot be used here, in one line naming what to install or load, or null when <c>/dev/fuse</c> and
    /// <c>libfuse3.so.3</c> are both present.
    /// </summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "FUSE mounts need Linux";
        }
        if (!System.IO.File.Exists("/dev/fuse"))
        {
            return "/dev/fuse is missing: load the fuse module (modprobe fuse), or give a container --device /dev/fuse --cap-add SYS_ADMIN";
        }
        if (!NativeLibrary.TryLoad(LibFuse.Library, out nint handle))
        {
            return "libfuse3.so.3 is missing: install it (apt-get install fuse3 libfuse3-3)";
        }
        NativeLibrary.Free(handle);
        return null;
    }

    /// <summary>
    /// Mount the filesystem at <paramref name="path"/> of <paramref name="vfs"/> (a directory; usually where a
    /// filesystem is mounted in the namespace) on the host directory <paramref name="mountPoint"/>, and start serving it.
    /// Returns 0 with the mount, or -ENOENT/-ENOTDIR (the path), -ENODEV (no FUSE here), -EINVAL/-EIO (libfuse refused
    /// the session or the mount); <paramref name="error"/> says why in words.
    /// </summary>
    public static int Mount(MountNamespace vfs, string path, string mountPoint, FuseMountOptions? options, out FuseMount? mount, out string? error)
    {
        ArgumentNullException.ThrowIfNull(vfs);
        ArgumentException.ThrowIfNullOrEmpty(mountPoint);
        options ??= new FuseMountOptions();
        mount = null;
        error = Unavailable();
        if (error != null)
        {
            return Errnos.Neg(Errno.ENODEV);
        }
        int rc = vfs.LookupDentry(path, out Dentry? root);
        if (rc == 0 && root!.Inode.Type != FileType.Directory)
        {
            rc = Errnos.Neg(Errno.ENOTDIR);
        }
        if (rc != 0)
        {
            error = $"{path}: {Errnos.FromReturn(rc).Message()}";
            return rc;
        }
        string host = System.IO.Path.GetFullPath(mountPoint);
        if (!System.IO.Directory.Exists(host))
        {
            error = $"{mountPoint}: mount point does not exist";
            return Errnos.Neg(Errno.ENOENT);
        }
        var fuse = new FuseMount(vfs, root!, host, options);
        rc = fuse.Start(out error);
        if (rc != 0)
        {
            fuse.Dispose();
            return rc;
        }
        mount = fuse;
        return 0;
    }

    /// <summary>Blocks until the filesystem is unmounted or <paramref name="timeout"/> passes; true when unmounted.</summary>
    public bool WaitUnmounted(TimeSpan timeout) => _loopDone.Wait(timeout);

    /// <summary>Unmounts (<c>fuse_session_unmount</c>: a lazy umount, as <c>fusermount3 -uz</c>), waits for the
    /// serving threads and frees the session. Safe to call twice.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        if (_session != 0)
        {
            LibFuse.SessionExit(_session);
            LibFuse.SessionUnmount(_session);
            _loop?.Join();
            LibFuse.SessionDestroy(_session);
            _session = 0;
        }
        if (_loopConfig != 0)
        {
            LibFuse.LoopConfigDestroy(_loopConfig);
        }
        if (_ops != null)
        {
            NativeMemory.Free(_ops);
            _ops = null;
        }
        if (_self.IsAllocated)
        {
            _self.Free();
        }
        PageCache.Dispose();
        _loopDone.Set();
    }

    /// <inheritdoc/>
    public override string ToString() => $"{_options.FsName} on {MountPoint} (fuse)";

    private int Start(out string? error)
    {
        error = null;
        _self = GCHandle.Alloc(this);
        _ops = (FuseLowlevelOps*)NativeMemory.AllocZeroed((nuint)sizeof(FuseLowlevelOps));
        FillOps(_ops);
        string mountOptions = $"fsname={_options.FsName},subtype=aops,default_permissions" + (_options.AllowOther ? ",allow_other" : "");
        string[] argv = ["aops", "-o", mountOptions];
        byte** args = stackalloc byte*[argv.Length + 1];
        for (int i = 0; i < argv.Length; i++)
        {
            args[i] = (byte*)Marshal.StringToCoTaskMemUTF8(argv[i]);
        }
        args[argv.Length] = null;
        try
        {
            var fuseArgs = new FuseArgs { Argc = argv.Length, Argv = args, Allocated = 0 };
            _session = LibFuse.SessionNew(&fuseArgs, _ops, (nuint)sizeof(FuseLowlevelOps), GCHandle.ToIntPtr(_self));
        }
        finally
        {
            for (int i = 0; i < argv.Length; i++)
            {
                Marshal.FreeCoTaskMem((nint)args[i]);
            }
        }
        if (_session == 0)
        {
            error = $"fuse: libfuse refused the session options '{mountOptions}'";
            return Errnos.Neg(Errno.EINVAL);
        }
        if (LibFuse.SessionMount(_session, MountPoint) != 0)
        {
            error = $"fuse: mounting on {MountPoint} failed (is it a directory this user may mount on? is fusermount3 installed?)";
            LibFuse.SessionDestroy(_session);
            _session = 0;
            return Errnos.Neg(Errno.EIO);
        }
        _loopConfig = LibFuse.LoopConfigCreate();
        LibFuse.LoopConfigSetMaxThreads(_loopConfig, (uint)_options.Threads);
        _loop = new Thread(() =>
        {
            _loopResult = LibFuse.SessionLoopMt(_session, _loopConfig);
            _loopDone.Set();
        })
        {
            IsBackground = true,
            Name = $"fuse {MountPoint}",
        };
        _loop.Start();
        return 0;
    }

    /// <summary>The result of libfuse's loop once it ended (0 after an unmount).</summary>
    public int LoopResult => _loopResult;

    // The node id the kernel knows an inode by, counting one lookup (fuse_reply_entry's promise).
    private ulong Remember(Dentry dentry)
    {
        lock (_nodesLock)
        {
            if (!_nodeIds.TryGetValue(dentry.Inode, out ulong id))
            {
                id = ++_nextNodeId;
                _nodeIds[dentry.Inode] = id;
                _nodes[id] = new Node(dentry);
            }
            _nodes[id].Lookups++;
            return id;
        }
    }

    private Dentry? DentryOf(ulong id)
    {
        lock (_nodesLock)
        {
            return _nodes.TryGetValue(id, out Node? node) ? node.Dentry : null;
        }
    }

    private void Forget(ulong id, ulong lookups)
    {
        Inode? evicted = null;
        lock (_nodesLock)
        {
            if (id == LibFuse.RootId || !_nodes.TryGetValue(id, out Node? node))
            {
                return;
            }
            node.Lookups -= (long)lookups;
            if (node.Lookups <= 0)
            {
                _nodes.Remove(id);
                _nodeIds.Remove(node.Dentry.Inode);
                if (node.Dentry.Inode.Links == 0)
                {
                    evicted = node.Dentry.Inode;
                }
            }
        }
        if (evicted != null)
        {
            PageCache.Evict(evicted);
            evicted.Operations?.Evict(evicted);
        }
    }
}

/// <summary>How <see cref="FuseMount.Mount"/> mounts and serves.</summary>
public sealed record FuseMountOptions
{
    /// <summary>The source name <c>mount</c> and <c>df</c> show (<c>fsname=</c>).</summary>
    public string FsName { get; init; } = "aopsgen";

    /// <summary>Most threads serving requests at once (libfuse's <c>max_threads</c>).</summary>
    public int Threads { get; init; } = 4;

    /// <summary>Page-cache frames (4 KiB each) for buffered reads.</summary>
    public int CacheFrames { get; init; } = 4096;

    /// <summary>How long the kernel may cache names and attributes, in seconds.</summary>
    public double AttrTimeout { get; init; } = 1.0;

    /// <summary>Let users other than the mounting one in (<c>allow_other</c>; needs root or <c>user_allow_other</c>).</summary>
    public bool AllowOther { get; init; }

    /// <summary><c>statfs</c>: the filesystem's sizes, or null for "unknown" (a large, empty filesystem).</summary>
    public Func<FsStatistics>? StatFs { get; init; }
}

/// <summary>include/linux/statfs.h: <c>struct kstatfs</c>, what <c>statfs</c>/<c>df</c> report.</summary>
public readonly record struct FsStatistics(long BlockSize, ulong Blocks, ulong FreeBlocks, ulong Files, ulong FreeFiles);

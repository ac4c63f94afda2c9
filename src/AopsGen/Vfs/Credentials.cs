namespace AopsGen.Vfs;

/// <summary>
/// include/linux/cred.h: <c>struct cred</c>, reduced to what the model checks: the caller's user and group and
/// whether it holds CAP_SYS_ADMIN (which swapon and swapoff require).
/// </summary>
public sealed record Credentials(uint Uid, uint Gid, bool CapSysAdmin)
{
    /// <summary>uid 0 with every capability.</summary>
    public static Credentials Root { get; } = new(0, 0, CapSysAdmin: true);

    /// <summary>An unprivileged user.</summary>
    public static Credentials User(uint uid, uint gid) => new(uid, gid, CapSysAdmin: false);

    /// <summary>uid 0 bypasses permission bits (CAP_DAC_OVERRIDE).</summary>
    public bool OverridesPermissions => Uid == 0;
}

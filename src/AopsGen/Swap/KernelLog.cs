using System.Collections.Generic;

namespace AopsGen;

/// <summary>The printk levels the swap code uses.</summary>
public enum KernelLogLevel
{
    /// <summary>KERN_ALERT.</summary>
    Alert = 1,
    /// <summary>KERN_ERR.</summary>
    Error = 3,
    /// <summary>KERN_WARNING.</summary>
    Warning = 4,
    /// <summary>KERN_INFO.</summary>
    Info = 6,
}

/// <summary>One printk line.</summary>
public readonly record struct KernelLogLine(KernelLogLevel Level, string Message);

/// <summary>
/// The kernel log of one <see cref="SwapCore"/>: what printk would print (<c>"Unable to find swap-space
/// signature"</c>, <c>"Adding 4092k swap on /swapfile. ..."</c>), kept in order so callers and tests can read
/// the message behind an errno. Bounded: the oldest lines go first, as in the kernel's ring buffer.
/// </summary>
public sealed class KernelLog
{
    private const int Capacity = 4096;
    private readonly Queue<KernelLogLine> _lines = new();

    /// <summary>printk.</summary>
    public void Print(KernelLogLevel level, string message)
    {
        lock (_lines)
        {
            if (_lines.Count == Capacity)
            {
                _lines.Dequeue();
            }
            _lines.Enqueue(new KernelLogLine(level, message));
        }
    }

    /// <summary>The lines so far, oldest first.</summary>
    public IReadOnlyList<KernelLogLine> Lines
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToArray();
            }
        }
    }

    /// <summary>The newest line, or null.</summary>
    public KernelLogLine? Last
    {
        get
        {
            lock (_lines)
            {
                return _lines.Count == 0 ? null : _lines.ToArray()[^1];
            }
        }
    }
}

using System.Collections.Generic;

namespace AopsGen.Swap;

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
    private readonly Dictionary<string, RatelimitState> _ratelimits = new();
    private readonly TimeProvider _time;

    /// <summary>A log whose rate limits follow <paramref name="time"/> (the system clock by default).</summary>
    public KernelLog(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
    }

    /// <summary>DEFAULT_RATELIMIT_INTERVAL: 5 seconds.</summary>
    public static readonly TimeSpan RatelimitInterval = TimeSpan.FromSeconds(5);

    /// <summary>DEFAULT_RATELIMIT_BURST: lines a call site may print per interval.</summary>
    public const int RatelimitBurst = 10;

    private sealed class RatelimitState
    {
        public long Begin;
        public int Printed;
        public int Missed;
    }

    /// <summary>
    /// <c>printk_ratelimited</c> (lib/ratelimit.c <c>___ratelimit</c>): print unless
    /// <paramref name="callSite"/> has printed <see cref="RatelimitBurst"/> lines in the current
    /// <see cref="RatelimitInterval"/>; when a new interval begins after suppressed lines, first
    /// "<c>callSite: N callbacks suppressed</c>". Returns whether the line was printed.
    /// </summary>
    public bool PrintRatelimited(KernelLogLevel level, string callSite, string message)
    {
        long now = _time.GetTimestamp();
        long interval = (long)(RatelimitInterval.TotalSeconds * _time.TimestampFrequency);
        string? suppressed = null;
        lock (_ratelimits)
        {
            if (!_ratelimits.TryGetValue(callSite, out RatelimitState? state))
            {
                state = new RatelimitState { Begin = now };
                _ratelimits.Add(callSite, state);
            }
            if (now - state.Begin >= interval)
            {
                if (state.Missed > 0)
                {
                    suppressed = $"{callSite}: {state.Missed} callbacks suppressed";
                }
                state.Begin = now;
                state.Printed = 0;
                state.Missed = 0;
            }
            if (state.Printed >= RatelimitBurst)
            {
                state.Missed++;
                return false;
            }
            state.Printed++;
        }
        if (suppressed != null)
        {
            Print(KernelLogLevel.Warning, suppressed);
        }
        Print(level, message);
        return true;
    }

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

using System.Runtime.InteropServices;
using System.Threading;

namespace AopsGen.Examples.Aops;

/// <summary>
/// SIGINT and SIGTERM while a command has something to undo: the first one is caught and remembered (the work stops
/// at its next step, then everything made is removed and the command exits 128 + the signal); a second one
/// terminates at once, as usual.
/// </summary>
internal sealed class Interruption : IDisposable
{
    private static int s_signal;
    private readonly PosixSignalRegistration[] _registrations;

    private Interruption()
    {
        Volatile.Write(ref s_signal, 0);
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle),
        ];
    }

    /// <summary>True once SIGINT or SIGTERM arrived: read on every step of the work (a plain field read).</summary>
    public static bool Requested => Volatile.Read(ref s_signal) != 0;

    /// <summary>The signal's number (2 or 15), 0 when none came.</summary>
    public static int Signal => Volatile.Read(ref s_signal);

    /// <summary>The signal's name for a message: "SIGINT" or "SIGTERM".</summary>
    public static string SignalName => Signal == 15 ? "SIGTERM" : "SIGINT";

    /// <summary>Catches SIGINT and SIGTERM until disposed.</summary>
    public static Interruption Catch() => new();

    private static void Handle(PosixSignalContext context)
    {
        int number = context.Signal == PosixSignal.SIGTERM ? 15 : 2;
        // The first signal is ours to handle; a second one takes its default action.
        context.Cancel = Interlocked.CompareExchange(ref s_signal, number, 0) == 0;
    }

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
        {
            registration.Dispose();
        }
    }
}

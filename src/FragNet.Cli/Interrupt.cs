using System.Runtime.InteropServices;

namespace FragNet.Cli;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM as a cancellation token, for commands that run until their work is done or they are
/// told to stop (transfers, ping, servers): the first signal cancels the token and the command ends cleanly, printing
/// what it has; the default handling (killing the process) is suppressed while this is alive.
/// </summary>
internal sealed class Interrupt : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration _sigint;
    private readonly PosixSignalRegistration _sigterm;

    public Interrupt(Action? onSignal = null)
    {
        void Handle(PosixSignalContext context)
        {
            context.Cancel = true;
            _cancel.Cancel();
            onSignal?.Invoke();
        }

        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
    }

    /// <summary>Cancelled at the first signal.</summary>
    public CancellationToken Token => _cancel.Token;

    public void Dispose()
    {
        _sigint.Dispose();
        _sigterm.Dispose();
        _cancel.Dispose();
    }
}

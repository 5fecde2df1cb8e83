using FragNet.Devices;
using FragNet.Nfs.Protocol;
using FragNet.Stack;
using FragNet.Stack.Streams;
using FragNet.Wire;

namespace FragNet.Nfs.Repro;

/// <summary>
/// Where a real-time run of the write experiment happens (<see cref="NfsWriteExperiment.RunLive"/>): a loop and a
/// transport (FragNet's stack on a TAP, typically, with a <see cref="FaultGate"/> on its receive path), a real server,
/// a way to read the server's files afterwards, and the capture of the frames.
/// </summary>
/// <param name="Loop">The real-time loop.</param>
/// <param name="Transport">Where the client's connections come from.</param>
/// <param name="Server">The server's address.</param>
/// <param name="ExportPath">The path to mount; the round files are created at its root.</param>
/// <param name="ReadFile">Reads a round file's bytes from the server's disk (null if it is missing).</param>
/// <param name="Capture">Returns the pcap of the client's frames so far (read after the run, for the wire audit).</param>
public sealed record NfsWriteLiveSetup(
    IEventLoop Loop,
    IStreamTransport Transport,
    Ipv4Address Server,
    string ExportPath,
    Func<string, byte[]?> ReadFile,
    Func<Stream> Capture)
{
    /// <summary>The NFS port.</summary>
    public ushort NfsPort { get; init; } = Nfs3Constants.Port;

    /// <summary>The MOUNT port.</summary>
    public ushort MountPort { get; init; } = 20048;

    /// <summary>The injector on the path, for the report's stall count (null: none).</summary>
    public FaultInjector? Faults { get; init; }
}

using FragNet.Nfs.Protocol;
using FragNet.SunRpc.Server;

namespace FragNet.Nfs.Server;

/// <summary>
/// An NFSv3 server: the <see cref="MountProgram"/> and the <see cref="Nfs3Program"/> over one backend, sharing one
/// <see cref="FileHandleCodec"/>.
/// </summary>
/// <remarks>
/// <para><b>Use.</b></para>
/// <code>
/// var fs = new MemoryBackend();                     // or new DiskBackend("/some/dir")
/// var server = new Nfs3Server(fs, seed: 42);        // exports fs's root as "/export"
/// rpcServer.Register(server.Mount);                 // program 100005 v3
/// rpcServer.Register(server.Nfs);                   // program 100003 v3
/// …
/// byte[] written = fs.ReadAllBytes("/round-0");     // what the client wrote
/// </code>
/// <para><b>Seed.</b> The seed keys the file handles' MAC (a server restarted with the same seed accepts its old
/// handles) and, with <c>bootEpoch</c>, derives the write verifier. A restart that may have lost unstable writes
/// must change <c>bootEpoch</c> so clients resend them (RFC 1813 §3.3.7); tests keep both fixed to be deterministic.</para>
/// <para>The programs can also be built separately: <c>new MountProgram(backend, codec, path)</c> and
/// <c>new Nfs3Program(backend, codec, verifier)</c> with one shared <see cref="FileHandleCodec"/>.</para>
/// </remarks>
public sealed class Nfs3Server
{
    /// <summary>A server for <paramref name="backend"/>, keyed by <paramref name="seed"/>.</summary>
    /// <param name="backend">The file system to export.</param>
    /// <param name="seed">Keys handles and derives the write verifier.</param>
    /// <param name="exportPath">The path MNT accepts.</param>
    /// <param name="bootEpoch">Mixed into the write verifier only: change it to simulate a reboot that lost data.</param>
    /// <param name="maxTransfer">FSINFO <c>rtmax</c> and <c>wtmax</c>.</param>
    public Nfs3Server(INfsBackend backend, ulong seed, string exportPath = MountProgram.DefaultExportPath, ulong bootEpoch = 0, uint maxTransfer = Nfs3Program.DefaultMaxTransfer)
    {
        ArgumentNullException.ThrowIfNull(backend);
        Backend = backend;
        Handles = new FileHandleCodec(seed);
        Nfs = new Nfs3Program(backend, Handles, VerifierOf(bootEpoch)) { ReadMax = maxTransfer, WriteMax = maxTransfer };
        Mount = new MountProgram(backend, Handles, exportPath);
    }

    /// <summary>The exported file system.</summary>
    public INfsBackend Backend { get; }

    /// <summary>Makes and checks handles for both programs.</summary>
    public FileHandleCodec Handles { get; }

    /// <summary>The NFS program (100003 v3).</summary>
    public Nfs3Program Nfs { get; }

    /// <summary>The MOUNT program (100005 v3).</summary>
    public MountProgram Mount { get; }

    /// <summary>Both programs, MOUNT first.</summary>
    public IReadOnlyList<IRpcProgram> Programs => [Mount, Nfs];

    /// <summary>The <c>writeverf3</c> WRITE and COMMIT return now.</summary>
    public ulong WriteVerifier => Nfs.WriteVerifier;

    /// <summary>A restart in place, as far as clients can tell (RFC 1813 §3.3.7): a new boot epoch, so a new write
    /// verifier, and a client whose unstable WRITEs returned the old one must write that data again. Handles stay
    /// valid (they are keyed by the seed, not the epoch), and the backend, which writes through, loses nothing.</summary>
    public void Restart(ulong bootEpoch) => Nfs.WriteVerifier = VerifierOf(bootEpoch);

    private ulong VerifierOf(ulong bootEpoch) => Handles.Derive("FragNet.Nfs write verifier"u8, bootEpoch);

    /// <summary>The export root's handle (what MNT returns).</summary>
    public NfsFh3 RootHandle => Handles.Encode(Backend.Root);
}

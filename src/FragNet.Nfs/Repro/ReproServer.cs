using FragNet.Nfs.Server;

namespace FragNet.Nfs.Repro;

/// <summary>The experiment's server side: an in-memory file system exported by <see cref="Nfs3Server"/>.</summary>
internal sealed class ReproServer
{
    private ReproServer(MemoryBackend files, Nfs3Server server)
    {
        Files = files;
        Server = server;
    }

    public MemoryBackend Files { get; }

    public Nfs3Server Server { get; }

    public FragNet.SunRpc.Server.IRpcProgram Nfs => Server.Nfs;

    public FragNet.SunRpc.Server.IRpcProgram Mount => Server.Mount;

    public static ReproServer Create(ulong seed)
    {
        var files = new MemoryBackend();
        return new ReproServer(files, new Nfs3Server(files, seed));
    }

    /// <summary>The bytes of <paramref name="name"/> in the export's root, or null if it does not exist.</summary>
    public byte[]? ReadFile(string name) => Files.Exists("/" + name) ? Files.ReadAllBytes("/" + name) : null;
}

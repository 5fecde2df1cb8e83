using FragNet.Nfs.Protocol;

namespace FragNet.Nfs.Client;

/// <summary>One name listed by <see cref="NfsSession.List"/>, with its attributes if the server sent them.</summary>
public sealed record NfsDirectoryEntry(string Name, Fattr3? Attributes);

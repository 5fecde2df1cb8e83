namespace FragNet.Nfs.Server;

/// <summary>One name in a directory listing a backend returns (never "." or ".."; the server adds those).</summary>
/// <param name="Name">The entry's name.</param>
/// <param name="Node">The object it names.</param>
public readonly record struct DirectoryEntry(string Name, NodeId Node);

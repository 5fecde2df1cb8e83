namespace FragNet.Nfs.Protocol;

/// <summary>One <c>mountbody</c> of a DUMP reply (RFC 1813 appendix I, §5.2.2).</summary>
/// <param name="HostName">The client (<c>ml_hostname</c>, at most 255 bytes).</param>
/// <param name="Directory">The path it mounted (<c>ml_directory</c>, at most 1024 bytes).</param>
public sealed record MountEntry3(string HostName, string Directory);

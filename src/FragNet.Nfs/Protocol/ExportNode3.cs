namespace FragNet.Nfs.Protocol;

/// <summary>One <c>exportnode</c> of an EXPORT reply (RFC 1813 appendix I, §5.2.5).</summary>
/// <param name="Directory">The exported path (<c>ex_dir</c>).</param>
/// <param name="Groups">Names of the hosts or groups allowed to mount it (<c>ex_groups</c>); empty means everyone.</param>
public sealed record ExportNode3(string Directory, IReadOnlyList<string> Groups);

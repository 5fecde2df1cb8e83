namespace FragNet.Nfs.Server;

/// <summary>The owner a new object gets when the call's <c>sattr3</c> names none: the AUTH_SYS caller, or root for
/// AUTH_NONE.</summary>
/// <param name="Uid">Owner.</param>
/// <param name="Gid">Group.</param>
public readonly record struct NodeOwner(uint Uid, uint Gid);

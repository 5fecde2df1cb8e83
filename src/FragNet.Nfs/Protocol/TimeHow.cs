namespace FragNet.Nfs.Protocol;

/// <summary><c>time_how</c> (RFC 1813 §2.6): how SETATTR sets a time.</summary>
public enum TimeHow : uint
{
    /// <summary>Leave the time alone.</summary>
    DontChange = 0,

    /// <summary>Set it to the server's current time.</summary>
    SetToServerTime = 1,

    /// <summary>Set it to the time the client sent.</summary>
    SetToClientTime = 2,
}

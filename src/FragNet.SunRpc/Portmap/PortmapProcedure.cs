namespace FragNet.SunRpc.Portmap;

/// <summary>Procedures of <c>PMAP_VERS</c> 2 (RFC 1833 §3).</summary>
public enum PortmapProcedure : uint
{
    /// <summary><c>PMAPPROC_NULL</c>: no work; a ping.</summary>
    Null = 0,

    /// <summary><c>PMAPPROC_SET</c>: register a <see cref="PortmapMapping"/>; answers a bool.</summary>
    Set = 1,

    /// <summary><c>PMAPPROC_UNSET</c>: remove every protocol's mapping of a (program, version); answers a bool.</summary>
    Unset = 2,

    /// <summary><c>PMAPPROC_GETPORT</c>: the port of a (program, version, protocol), or 0 if not registered.</summary>
    GetPort = 3,

    /// <summary><c>PMAPPROC_DUMP</c>: every mapping, as the RFC's linked list <c>pmaplist</c>.</summary>
    Dump = 4,

    /// <summary><c>PMAPPROC_CALLIT</c>: an indirect call to another local program. <see cref="PortmapProgram"/> answers
    /// it with PROC_UNAVAIL.</summary>
    CallIt = 5,
}

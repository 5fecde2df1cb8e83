namespace FragNet.SunRpc.Client;

/// <summary>
/// How a call's page data (an <see cref="Xdr.XdrBuf"/>'s pages: the WRITE payload in the application's buffer) is
/// handed to TCP, and when the call may complete — the five answers to the talk's NFS write corruption (brief §3).
/// </summary>
public enum PageSendPolicy
{
    /// <summary>Zero-copy (frags with page references only); complete when the reply arrives. Mainline in 2011: a
    /// retransmission still queued or in flight when the application reuses its buffer carries the new bytes.</summary>
    Unsafe,

    /// <summary>Copy the page data into the socket's own pages on every transmission; complete on reply.</summary>
    Copy,

    /// <summary>Zero-copy the first transmission, copy for every RPC retransmission (upstream SUNRPC in 2013);
    /// complete on reply.</summary>
    CopyOnRetransmit,

    /// <summary>Zero-copy with a fragment destructor; complete only when the reply has arrived <em>and</em> the
    /// destructor has run, i.e. the stack let go of every page. The talk's fix: no copy.</summary>
    Destructor,

    /// <summary>As <see cref="Destructor"/>, but if the stack still holds the pages a release timeout after the
    /// reply, copy them out of the socket's queues (<c>OrphanFrags</c>) and complete once the devices let go.</summary>
    DestructorTimeout,
}

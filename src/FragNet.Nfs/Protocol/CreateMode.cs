namespace FragNet.Nfs.Protocol;

/// <summary><c>createmode3</c> (RFC 1813 §3.3.8).</summary>
public enum CreateMode : uint
{
    /// <summary>Create without checking whether the name exists (an existing file is reused, its attributes set).</summary>
    Unchecked = 0,

    /// <summary>Fail with NFS3ERR_EXIST if the name exists.</summary>
    Guarded = 1,

    /// <summary>Create exactly once, identified by an 8-byte verifier: a retransmission with the same verifier
    /// succeeds, any other CREATE of the name fails with NFS3ERR_EXIST.</summary>
    Exclusive = 2,
}

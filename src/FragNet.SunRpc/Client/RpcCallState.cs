namespace FragNet.SunRpc.Client;

/// <summary>Where an <see cref="RpcCall"/> is in its life.</summary>
public enum RpcCallState
{
    /// <summary>Waiting for a slot or for send space.</summary>
    Queued,

    /// <summary>Transmitted (at least once); waiting for the reply.</summary>
    Sent,

    /// <summary>The reply arrived; waiting for the stack to release the call's pages (destructor policies).</summary>
    Replied,

    /// <summary>Done: the reply is in <see cref="RpcCall.Results"/> and the caller may reuse its pages.</summary>
    Completed,

    /// <summary>Failed (soft timeout, client closed); see <see cref="RpcCall.Error"/>.</summary>
    Failed,
}

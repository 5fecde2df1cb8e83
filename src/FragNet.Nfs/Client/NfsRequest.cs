using FragNet.Nfs.Protocol;
using FragNet.SunRpc.Client;
using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Client;

/// <summary>
/// One NFS or MOUNT call made by an <see cref="NfsClient"/>: the RPC call underneath and, once it is done, the decoded
/// result or the reason there is none.
/// </summary>
/// <typeparam name="TResult">The procedure's result type.</typeparam>
public sealed class NfsRequest<TResult>
    where TResult : class, INfsMessage<TResult>
{
    internal NfsRequest(RpcCall call)
    {
        Call = call;
        call.Completed = OnCallCompleted;
    }

    /// <summary>The RPC call (xid, transmissions, timings).</summary>
    public RpcCall Call { get; }

    /// <summary>True once the call completed or failed; the caller's pages are its own again.</summary>
    public bool IsDone { get; private set; }

    /// <summary>The decoded result (null on failure).</summary>
    public TResult? Result { get; private set; }

    /// <summary>Why there is no result: an RPC failure, a rejected or unsuccessful reply, or results that did not decode.</summary>
    public string? Error { get; private set; }

    /// <summary>Runs once when the request is done.</summary>
    public Action<NfsRequest<TResult>>? Completed { get; set; }

    /// <summary>Runs before <see cref="Completed"/> (the client's own cleanup, such as releasing page-cache pages).</summary>
    internal Action? BeforeCompleted { get; set; }

    private void OnCallCompleted(RpcCall call)
    {
        BeforeCompleted?.Invoke();
        if (call.State == RpcCallState.Failed)
        {
            Error = call.Error;
        }
        else if (!call.Reply.IsSuccess)
        {
            Error = $"the server answered {call.Reply}";
        }
        else
        {
            XdrReader reader = call.ResultsReader();
            TResult result = TResult.Decode(ref reader);
            reader.ExpectEnd();
            if (reader.IsValid)
            {
                Result = result;
            }
            else
            {
                Error = $"results of xid {call.Xid:x8} did not decode: {reader.Error}";
            }
        }

        IsDone = true;
        Completed?.Invoke(this);
    }
}

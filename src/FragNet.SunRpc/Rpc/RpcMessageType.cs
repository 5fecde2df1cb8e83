namespace FragNet.SunRpc.Rpc;

/// <summary><c>msg_type</c> (RFC 5531 §9).</summary>
public enum RpcMessageType : uint
{
    Call = 0,
    Reply = 1,
}

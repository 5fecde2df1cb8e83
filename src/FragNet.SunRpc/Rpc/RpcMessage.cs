using FragNet.SunRpc.Xdr;

namespace FragNet.SunRpc.Rpc;

/// <summary>Reading the common start of every RPC message.</summary>
public static class RpcMessage
{
    /// <summary>Reads <c>xid</c> and <c>msg_type</c>. False if the message is shorter than 8 bytes or the type is
    /// neither CALL nor REPLY.</summary>
    public static bool ReadStart(ref XdrReader reader, out uint xid, out RpcMessageType type)
    {
        xid = reader.ReadUInt32();
        uint t = reader.ReadUInt32();
        type = (RpcMessageType)t;
        return reader.IsValid && t <= (uint)RpcMessageType.Reply;
    }
}

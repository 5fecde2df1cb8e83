using FragNet.SunRpc.Xdr;

namespace FragNet.SunRpc.Rpc;

/// <summary>
/// The header of a CALL message (RFC 5531 §9: <c>xid, CALL, call_body</c> up to the procedure's arguments).
/// </summary>
public readonly record struct RpcCallHeader(uint Xid, uint Program, uint Version, uint Procedure, OpaqueAuth Credential, OpaqueAuth Verifier)
{
    /// <summary>Encoded length.</summary>
    public int EncodedLength => 24 + Credential.EncodedLength + Verifier.EncodedLength;

    public void Encode(XdrWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteUInt32(Xid);
        writer.WriteUInt32((uint)RpcMessageType.Call);
        writer.WriteUInt32(RpcConstants.RpcVersion);
        writer.WriteUInt32(Program);
        writer.WriteUInt32(Version);
        writer.WriteUInt32(Procedure);
        Credential.Encode(writer);
        Verifier.Encode(writer);
    }

    /// <summary>
    /// Decodes the rest of a call after <c>xid</c> and <c>msg_type</c> have been read (see
    /// <see cref="RpcMessage.ReadStart"/>). <paramref name="rpcVersion"/> returns what the caller sent: anything but 2
    /// must be answered with RPC_MISMATCH, which needs the xid, so it is not a decode failure.
    /// </summary>
    public static RpcCallHeader DecodeBody(uint xid, ref XdrReader reader, out uint rpcVersion)
    {
        rpcVersion = reader.ReadUInt32();
        uint program = reader.ReadUInt32();
        uint version = reader.ReadUInt32();
        uint procedure = reader.ReadUInt32();
        OpaqueAuth cred = OpaqueAuth.Decode(ref reader);
        OpaqueAuth verf = OpaqueAuth.Decode(ref reader);
        return new RpcCallHeader(xid, program, version, procedure, cred, verf);
    }
}

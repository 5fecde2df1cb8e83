using FragNet.SunRpc.Xdr;

namespace FragNet.SunRpc.Rpc;

/// <summary>
/// The header of a REPLY message (RFC 5531 §9) up to the procedure's results: accepted (with a verifier and an
/// <see cref="RpcAcceptStat"/>, plus the version range for PROG_MISMATCH) or denied (RPC_MISMATCH with the range, or
/// AUTH_ERROR with an <see cref="AuthStat"/>).
/// </summary>
public readonly record struct RpcReplyHeader
{
    public uint Xid { get; init; }

    public RpcReplyStat Status { get; init; }

    /// <summary>For accepted replies.</summary>
    public OpaqueAuth Verifier { get; init; }

    /// <summary>For accepted replies.</summary>
    public RpcAcceptStat AcceptStat { get; init; }

    /// <summary>For denied replies.</summary>
    public RpcRejectStat RejectStat { get; init; }

    /// <summary>For AUTH_ERROR.</summary>
    public AuthStat AuthStat { get; init; }

    /// <summary>Lowest supported version (PROG_MISMATCH, RPC_MISMATCH).</summary>
    public uint MismatchLow { get; init; }

    /// <summary>Highest supported version (PROG_MISMATCH, RPC_MISMATCH).</summary>
    public uint MismatchHigh { get; init; }

    /// <summary>True for an accepted SUCCESS reply: results follow.</summary>
    public bool IsSuccess => Status == RpcReplyStat.Accepted && AcceptStat == RpcAcceptStat.Success;

    public static RpcReplyHeader Accepted(uint xid, RpcAcceptStat stat) =>
        new() { Xid = xid, Status = RpcReplyStat.Accepted, Verifier = OpaqueAuth.None, AcceptStat = stat };

    public static RpcReplyHeader ProgramMismatch(uint xid, uint low, uint high) =>
        Accepted(xid, RpcAcceptStat.ProgramMismatch) with { MismatchLow = low, MismatchHigh = high };

    public static RpcReplyHeader RpcMismatch(uint xid) =>
        new() { Xid = xid, Status = RpcReplyStat.Denied, RejectStat = RpcRejectStat.RpcMismatch, MismatchLow = RpcConstants.RpcVersion, MismatchHigh = RpcConstants.RpcVersion };

    public static RpcReplyHeader AuthError(uint xid, AuthStat stat) =>
        new() { Xid = xid, Status = RpcReplyStat.Denied, RejectStat = RpcRejectStat.AuthError, AuthStat = stat };

    public void Encode(XdrWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteUInt32(Xid);
        writer.WriteUInt32((uint)RpcMessageType.Reply);
        writer.WriteUInt32((uint)Status);
        if (Status == RpcReplyStat.Accepted)
        {
            Verifier.Encode(writer);
            writer.WriteUInt32((uint)AcceptStat);
            if (AcceptStat == RpcAcceptStat.ProgramMismatch)
            {
                writer.WriteUInt32(MismatchLow);
                writer.WriteUInt32(MismatchHigh);
            }

            return;
        }

        writer.WriteUInt32((uint)RejectStat);
        if (RejectStat == RpcRejectStat.RpcMismatch)
        {
            writer.WriteUInt32(MismatchLow);
            writer.WriteUInt32(MismatchHigh);
        }
        else
        {
            writer.WriteUInt32((uint)AuthStat);
        }
    }

    /// <summary>Decodes the rest of a reply after <c>xid</c> and <c>msg_type</c>; the reader is left at the results.
    /// Check <see cref="XdrReader.IsValid"/>.</summary>
    public static RpcReplyHeader DecodeBody(uint xid, ref XdrReader reader)
    {
        var status = (RpcReplyStat)reader.ReadEnum((uint)RpcReplyStat.Denied);
        if (status == RpcReplyStat.Accepted)
        {
            OpaqueAuth verf = OpaqueAuth.Decode(ref reader);
            var stat = (RpcAcceptStat)reader.ReadEnum((uint)RpcAcceptStat.SystemError);
            uint low = 0, high = 0;
            if (stat == RpcAcceptStat.ProgramMismatch)
            {
                low = reader.ReadUInt32();
                high = reader.ReadUInt32();
            }

            return new RpcReplyHeader { Xid = xid, Status = status, Verifier = verf, AcceptStat = stat, MismatchLow = low, MismatchHigh = high };
        }

        var reject = (RpcRejectStat)reader.ReadEnum((uint)RpcRejectStat.AuthError);
        if (reject == RpcRejectStat.RpcMismatch)
        {
            uint low = reader.ReadUInt32();
            uint high = reader.ReadUInt32();
            return new RpcReplyHeader { Xid = xid, Status = status, RejectStat = reject, MismatchLow = low, MismatchHigh = high };
        }

        var auth = (AuthStat)reader.ReadUInt32();
        return new RpcReplyHeader { Xid = xid, Status = status, RejectStat = reject, AuthStat = auth };
    }

    public override string ToString() => Status == RpcReplyStat.Accepted
        ? $"xid {Xid:x8} accepted {AcceptStat}"
        : $"xid {Xid:x8} denied {RejectStat}{(RejectStat == RpcRejectStat.AuthError ? " " + AuthStat : string.Empty)}";
}

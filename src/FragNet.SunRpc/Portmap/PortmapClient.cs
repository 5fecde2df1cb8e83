using FragNet.SunRpc.Client;
using FragNet.SunRpc.Xdr;

namespace FragNet.SunRpc.Portmap;

/// <summary>
/// Portmap v2 (RFC 1833 §3) calls over an <see cref="RpcClient"/> connected to port 111: each method makes the call,
/// and the matching <c>TryGet…</c> reads its answer once the call has completed.
/// </summary>
public sealed class PortmapClient
{
    private readonly RpcClient _rpc;

    public PortmapClient(RpcClient rpc)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        _rpc = rpc;
    }

    /// <summary>PMAPPROC_GETPORT: the port of (program, version, protocol); 0 in the answer means not registered.</summary>
    public RpcCall GetPort(uint program, uint version, uint protocol, Instant now) =>
        Make(PortmapProcedure.GetPort, a => PortmapCodec.EncodeGetPortArguments(a, program, version, protocol), now);

    /// <summary>PMAPPROC_SET.</summary>
    public RpcCall Set(PortmapMapping mapping, Instant now) =>
        Make(PortmapProcedure.Set, a => PortmapCodec.EncodeSetArguments(a, mapping), now);

    /// <summary>PMAPPROC_UNSET.</summary>
    public RpcCall Unset(uint program, uint version, Instant now) =>
        Make(PortmapProcedure.Unset, a => PortmapCodec.EncodeUnsetArguments(a, program, version), now);

    /// <summary>PMAPPROC_DUMP.</summary>
    public RpcCall Dump(Instant now) => Make(PortmapProcedure.Dump, PortmapCodec.EncodeDumpArguments, now);

    /// <summary>The port a completed GETPORT answered (false if it failed or did not decode).</summary>
    public static bool TryGetPort(RpcCall call, out uint port)
    {
        ArgumentNullException.ThrowIfNull(call);
        port = 0;
        if (!call.Succeeded)
        {
            return false;
        }

        XdrReader r = call.ResultsReader();
        return PortmapCodec.TryDecodeGetPortResult(ref r, out port);
    }

    /// <summary>The answer of a completed SET or UNSET.</summary>
    public static bool TryGetBool(RpcCall call, out bool value)
    {
        ArgumentNullException.ThrowIfNull(call);
        value = false;
        if (!call.Succeeded)
        {
            return false;
        }

        XdrReader r = call.ResultsReader();
        return PortmapCodec.TryDecodeSetResult(ref r, out value);
    }

    /// <summary>The mappings a completed DUMP listed.</summary>
    public static bool TryGetMappings(RpcCall call, out IReadOnlyList<PortmapMapping> mappings)
    {
        ArgumentNullException.ThrowIfNull(call);
        mappings = [];
        if (!call.Succeeded)
        {
            return false;
        }

        XdrReader r = call.ResultsReader();
        return PortmapCodec.TryDecodeDumpResult(ref r, out mappings);
    }

    private RpcCall Make(PortmapProcedure procedure, Action<XdrBuf> encode, Instant now)
    {
        using var args = new XdrBuf();
        encode(args);
        return _rpc.Call(PortmapConstants.Program, PortmapConstants.Version, (uint)procedure, args, now);
    }
}

using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Server;
using FragNet.SunRpc.Xdr;

namespace FragNet.SunRpc.Portmap;

/// <summary>
/// The port mapper, program 100000 version 2 (RFC 1833 §3): a registry of (program, version, protocol) → port that
/// clients ask before calling a service whose port is not fixed (MOUNT, for one).
/// </summary>
/// <remarks>
/// <para><b>Procedures.</b> NULL (0) does nothing. SET (1) registers a mapping and refuses, answering FALSE, when the
/// tuple (prog, vers, prot) is already mapped — whatever the port. UNSET (2) removes every protocol's mapping of
/// (prog, vers) and answers whether anything was removed; the argument's protocol and port are ignored. GETPORT (3)
/// answers the port of (prog, vers, prot), 0 if unknown; the argument's port is ignored. DUMP (4) answers every mapping
/// in registration order as the linked list <c>*pmaplist</c>.</para>
/// <para><b>CALLIT (5) is not offered</b> and answers PROC_UNAVAIL: it forwards a UDP call to another local program
/// (which this sans-IO registry cannot reach), and the RFC itself notes it must stay silent on errors — it is the
/// reflection vector modern rpcbind restricts. Any other procedure number also answers PROC_UNAVAIL.</para>
/// <para><b>Refusals the RFC leaves to the implementation.</b> SET refuses port 0 (GETPORT's "not registered": a
/// mapping to 0 would be registered yet unreachable) and refuses once <see cref="MaxMappings"/> mappings exist, so
/// remote callers cannot grow the registry without bound. A change policy, when given, decides who may SET and UNSET
/// (rpcbind allows only local callers); a refused caller gets FALSE, as from rpcbind, not an RPC error.</para>
/// <para><b>Idempotence.</b> NULL, GETPORT and DUMP read only, so their replies need not be cached; SET and UNSET
/// change the registry and a retransmission must get the first answer from the duplicate request cache.</para>
/// <para>Not thread-safe: the server calls <see cref="Dispatch"/> from its one poll loop.</para>
/// </remarks>
public sealed class PortmapProgram : IRpcProgram
{
    /// <summary>The registry's default bound.</summary>
    public const int DefaultMaxMappings = 1024;

    private readonly List<PortmapMapping> _mappings = []; // registration order, which DUMP reports
    private readonly Func<RpcCallContext, bool>? _mayChange; // who may SET and UNSET over RPC; null allows everyone

    /// <summary>Creates an empty registry.</summary>
    /// <param name="maxMappings">The most mappings held; SET answers FALSE beyond it.</param>
    /// <param name="mayChange">Decides whether a caller may SET or UNSET over RPC (null: anyone may). The local methods
    /// <see cref="Set"/> and <see cref="Unset"/> are not subject to it.</param>
    public PortmapProgram(int maxMappings = DefaultMaxMappings, Func<RpcCallContext, bool>? mayChange = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxMappings);
        MaxMappings = maxMappings;
        _mayChange = mayChange;
    }

    /// <inheritdoc/>
    public uint Program => PortmapConstants.Program;

    /// <inheritdoc/>
    public uint LowVersion => PortmapConstants.Version;

    /// <inheritdoc/>
    public uint HighVersion => PortmapConstants.Version;

    /// <summary>The most mappings the registry holds.</summary>
    public int MaxMappings { get; }

    /// <summary>Every mapping, in registration order.</summary>
    public IReadOnlyList<PortmapMapping> Mappings => _mappings;

    /// <summary>PMAPPROC_SET: registers <paramref name="mapping"/>. False if (prog, vers, prot) is already mapped, the
    /// port is 0, or the registry is full.</summary>
    public bool Set(PortmapMapping mapping)
    {
        if (mapping.Port == 0 || _mappings.Count >= MaxMappings || IndexOf(mapping.Program, mapping.Version, mapping.Protocol) >= 0)
        {
            return false;
        }

        _mappings.Add(mapping);
        return true;
    }

    /// <summary>PMAPPROC_UNSET: removes the mappings of (<paramref name="program"/>, <paramref name="version"/>) for
    /// every protocol. False if there were none.</summary>
    public bool Unset(uint program, uint version) =>
        _mappings.RemoveAll(m => m.Program == program && m.Version == version) > 0;

    /// <summary>PMAPPROC_GETPORT: the port of (<paramref name="program"/>, <paramref name="version"/>,
    /// <paramref name="protocol"/>), or 0 if it is not registered.</summary>
    public uint GetPort(uint program, uint version, uint protocol)
    {
        int i = IndexOf(program, version, protocol);
        return i < 0 ? 0 : _mappings[i].Port;
    }

    /// <inheritdoc/>
    public RpcAcceptStat Dispatch(RpcCallContext context, ref XdrReader arguments, XdrBuf results)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(results);
        if (context.Header.Version != PortmapConstants.Version)
        {
            // The server checks versions before dispatching; this guards a caller that did not.
            return RpcAcceptStat.ProgramMismatch;
        }

        switch ((PortmapProcedure)context.Header.Procedure)
        {
            case PortmapProcedure.Null:
                return ExpectVoid(ref arguments);

            case PortmapProcedure.Set:
            {
                if (!TryDecodeMapping(ref arguments, out PortmapMapping mapping))
                {
                    return RpcAcceptStat.GarbageArgs;
                }

                PortmapCodec.EncodeBoolResult(results, MayChange(context) && Set(mapping));
                return RpcAcceptStat.Success;
            }

            case PortmapProcedure.Unset:
            {
                if (!TryDecodeMapping(ref arguments, out PortmapMapping mapping))
                {
                    return RpcAcceptStat.GarbageArgs;
                }

                PortmapCodec.EncodeBoolResult(results, MayChange(context) && Unset(mapping.Program, mapping.Version));
                return RpcAcceptStat.Success;
            }

            case PortmapProcedure.GetPort:
            {
                if (!TryDecodeMapping(ref arguments, out PortmapMapping mapping))
                {
                    return RpcAcceptStat.GarbageArgs;
                }

                PortmapCodec.EncodeGetPortResult(results, GetPort(mapping.Program, mapping.Version, mapping.Protocol));
                return RpcAcceptStat.Success;
            }

            case PortmapProcedure.Dump:
            {
                RpcAcceptStat stat = ExpectVoid(ref arguments);
                if (stat == RpcAcceptStat.Success)
                {
                    PortmapCodec.EncodeDumpResult(results, _mappings);
                }

                return stat;
            }

            default:
                // CALLIT included: see the remarks.
                return RpcAcceptStat.ProcedureUnavailable;
        }
    }

    /// <inheritdoc/>
    public bool IsIdempotent(uint version, uint procedure) =>
        procedure is not ((uint)PortmapProcedure.Set or (uint)PortmapProcedure.Unset);

    private static RpcAcceptStat ExpectVoid(ref XdrReader arguments)
    {
        arguments.ExpectEnd();
        return arguments.IsValid ? RpcAcceptStat.Success : RpcAcceptStat.GarbageArgs;
    }

    private static bool TryDecodeMapping(ref XdrReader arguments, out PortmapMapping mapping)
    {
        mapping = PortmapMapping.Decode(ref arguments);
        arguments.ExpectEnd();
        return arguments.IsValid;
    }

    private bool MayChange(RpcCallContext context) => _mayChange is null || _mayChange(context);

    private int IndexOf(uint program, uint version, uint protocol) =>
        _mappings.FindIndex(m => m.Program == program && m.Version == version && m.Protocol == protocol);
}

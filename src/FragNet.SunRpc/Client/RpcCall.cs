using FragNet.Buffers;
using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Xdr;

namespace FragNet.SunRpc.Client;

/// <summary>
/// One outstanding call of an <see cref="RpcClient"/> (Linux's <c>rpc_rqst</c>): its encoded record, its page data,
/// its timers, and — once answered — the reply. The arguments' pages belong to the caller, who may reuse them only
/// after <see cref="State"/> is <see cref="RpcCallState.Completed"/> or <see cref="RpcCallState.Failed"/>.
/// </summary>
public sealed class RpcCall
{
    internal RpcCall(uint xid, uint program, uint version, uint procedure, byte[] prefix, XdrPage[] pages, byte[] tail)
    {
        Xid = xid;
        Program = program;
        Version = version;
        Procedure = procedure;
        Prefix = prefix;
        Pages = pages;
        Tail = tail;
        foreach (XdrPage p in pages)
        {
            PageLength += p.Length;
        }
    }

    public uint Xid { get; }

    public uint Program { get; }

    public uint Version { get; }

    public uint Procedure { get; }

    public RpcCallState State { get; internal set; }

    /// <summary>The reply header (valid from <see cref="RpcCallState.Replied"/>).</summary>
    public RpcReplyHeader Reply { get; internal set; }

    /// <summary>The reply's results, after the header (the call's own copy).</summary>
    public ReadOnlyMemory<byte> Results { get; internal set; }

    /// <summary>Why the call failed.</summary>
    public string? Error { get; internal set; }

    /// <summary>Records written for this call (1 + retransmissions).</summary>
    public int Transmissions { get; internal set; }

    /// <summary>Page-data bytes the send policy copied for this call.</summary>
    public long BytesCopied { get; internal set; }

    /// <summary>When the call was made.</summary>
    public Instant IssuedAt { get; internal set; }

    /// <summary>When the reply arrived.</summary>
    public Instant RepliedAt { get; internal set; } = Instant.MaxValue;

    /// <summary>When the call completed (the caller could reuse its pages).</summary>
    public Instant CompletedAt { get; internal set; } = Instant.MaxValue;

    /// <summary>Time between the reply and completion: waiting for the stack to release the pages.</summary>
    public Duration ReleaseWait => CompletedAt == Instant.MaxValue || RepliedAt == Instant.MaxValue ? Duration.Zero : CompletedAt - RepliedAt;

    /// <summary>True if the pages were copied out after the release timeout.</summary>
    public bool Orphaned { get; internal set; }

    /// <summary>Runs once, when the call completes or fails (inside <see cref="RpcClient.Poll"/>).</summary>
    public Action<RpcCall>? Completed { get; set; }

    /// <summary>True once the reply is a SUCCESS and the call completed.</summary>
    public bool Succeeded => State == RpcCallState.Completed && Reply.IsSuccess;

    /// <summary>A reader over the results.</summary>
    public XdrReader ResultsReader() => new(Results);

    internal byte[] Prefix { get; }       // record mark, call header and the arguments' head
    internal XdrPage[] Pages { get; }     // page data, by reference
    internal byte[] Tail { get; }         // the arguments' tail
    internal int PageLength { get; }
    internal int RecordLength => Prefix.Length + PageLength + Tail.Length;
    /// <summary>The destructor of the call's pages under the destructor policies (null otherwise, or before the first
    /// transmission).</summary>
    public FragDestructor? Destructor { get; internal set; }
    internal bool Released { get; set; }  // the destructor ran
    internal string? PendingError { get; set; } // failed, but its pages are still in the stack: reported at release
    internal int MinorTimeouts { get; set; }
    internal long AckedMark { get; set; } // the connection's acknowledged bytes when this call's timer last started
    internal Instant TimeoutAt { get; set; } = Instant.MaxValue;
    internal Instant OrphanAt { get; set; } = Instant.MaxValue;
    internal bool NeedsTransmit { get; set; } = true;
    internal long Connection { get; set; } = -1; // generation of the connection it was last sent on

    public override string ToString() => $"xid {Xid:x8} prog {Program} v{Version} proc {Procedure} {State}";
}

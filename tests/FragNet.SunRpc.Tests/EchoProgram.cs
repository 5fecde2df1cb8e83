using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Server;
using FragNet.SunRpc.Xdr;

namespace FragNet.SunRpc.Tests;

/// <summary>A test program (number 0x20000001, versions 1–2): procedure 0 is NULL, 1 echoes an opaque (idempotent),
/// 2 appends an opaque to a log and returns the log length (not idempotent, so the duplicate request cache must keep a
/// retransmission from appending twice).</summary>
internal sealed class EchoProgram : IRpcProgram
{
    public const uint Number = 0x2000_0001;

    public List<byte[]> Log { get; } = [];

    public int Executions { get; private set; }

    public uint Program => Number;

    public uint LowVersion => 1;

    public uint HighVersion => 2;

    public RpcAcceptStat Dispatch(RpcCallContext context, ref XdrReader arguments, XdrBuf results)
    {
        Executions++;
        switch (context.Header.Procedure)
        {
            case 0:
                arguments.ExpectEnd();
                return arguments.IsValid ? RpcAcceptStat.Success : RpcAcceptStat.GarbageArgs;
            case 1:
            {
                ReadOnlyMemory<byte> data = arguments.ReadOpaque(1 << 20);
                arguments.ExpectEnd();
                if (!arguments.IsValid)
                {
                    return RpcAcceptStat.GarbageArgs;
                }

                results.WriteOpaque(data.Span);
                return RpcAcceptStat.Success;
            }

            case 2:
            {
                ReadOnlyMemory<byte> data = arguments.ReadOpaque(1 << 20);
                arguments.ExpectEnd();
                if (!arguments.IsValid)
                {
                    return RpcAcceptStat.GarbageArgs;
                }

                Log.Add(data.ToArray());
                results.WriteUInt32((uint)Log.Count);
                return RpcAcceptStat.Success;
            }

            default:
                return RpcAcceptStat.ProcedureUnavailable;
        }
    }

    public bool IsIdempotent(uint version, uint procedure) => procedure != 2;
}

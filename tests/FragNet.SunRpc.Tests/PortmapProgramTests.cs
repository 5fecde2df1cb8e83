using FragNet.Stack;
using FragNet.SunRpc.Portmap;
using FragNet.SunRpc.Rpc;
using FragNet.SunRpc.Server;
using FragNet.SunRpc.Xdr;
using FragNet.Wire;

namespace FragNet.SunRpc.Tests;

/// <summary>The port mapper (RFC 1833 §3) through <see cref="PortmapProgram.Dispatch"/>, as an RPC server calls it:
/// every procedure, garbage arguments, and DUMP of an empty and a full registry.</summary>
public sealed class PortmapProgramTests
{
    private static readonly Ipv4Endpoint Local = new(new Ipv4Address(127, 0, 0, 1), 700);
    private static readonly Ipv4Endpoint Remote = new(new Ipv4Address(10, 77, 0, 2), 980);
    private static readonly PortmapMapping NfsTcp = new(100003, 3, PortmapConstants.ProtocolTcp, 2049);
    private static readonly PortmapMapping NfsUdp = new(100003, 3, PortmapConstants.ProtocolUdp, 2049);
    private static readonly PortmapMapping MountTcp = new(100005, 3, PortmapConstants.ProtocolTcp, 20048);

    [Fact]
    public void The_program_is_100000_version_2_only()
    {
        var portmap = new PortmapProgram();
        Assert.Equal(100000u, portmap.Program);
        Assert.Equal(2u, portmap.LowVersion);
        Assert.Equal(2u, portmap.HighVersion);
    }

    [Fact]
    public void Null_answers_success_with_no_results()
    {
        (RpcAcceptStat stat, byte[] results) = Call(new PortmapProgram(), PortmapProcedure.Null, []);
        Assert.Equal(RpcAcceptStat.Success, stat);
        Assert.Empty(results);
    }

    [Fact]
    public void Set_registers_a_new_mapping_and_answers_true()
    {
        var portmap = new PortmapProgram();
        (RpcAcceptStat stat, byte[] results) = Call(portmap, PortmapProcedure.Set, Mapping(NfsTcp));
        Assert.Equal(RpcAcceptStat.Success, stat);
        Assert.Equal(XdrBytes.Words(1), results);
        Assert.Equal([NfsTcp], portmap.Mappings);
    }

    [Fact]
    public void Set_refuses_a_tuple_already_mapped_even_to_another_port()
    {
        var portmap = new PortmapProgram();
        Assert.True(portmap.Set(NfsTcp));
        Assert.Equal(XdrBytes.Words(0), Call(portmap, PortmapProcedure.Set, Mapping(NfsTcp with { Port = 3049 })).Results);
        Assert.Equal(XdrBytes.Words(0), Call(portmap, PortmapProcedure.Set, Mapping(NfsTcp)).Results);
        Assert.Equal(2049u, portmap.GetPort(100003, 3, PortmapConstants.ProtocolTcp));
    }

    [Fact]
    public void Set_takes_the_same_program_and_version_over_another_protocol()
    {
        var portmap = new PortmapProgram();
        Assert.Equal(XdrBytes.Words(1), Call(portmap, PortmapProcedure.Set, Mapping(NfsTcp)).Results);
        Assert.Equal(XdrBytes.Words(1), Call(portmap, PortmapProcedure.Set, Mapping(NfsUdp)).Results);
        Assert.Equal([NfsTcp, NfsUdp], portmap.Mappings);
    }

    [Fact]
    public void Set_refuses_port_zero_which_getport_uses_for_not_registered()
    {
        var portmap = new PortmapProgram();
        Assert.Equal(XdrBytes.Words(0), Call(portmap, PortmapProcedure.Set, Mapping(NfsTcp with { Port = 0 })).Results);
        Assert.Empty(portmap.Mappings);
    }

    [Fact]
    public void Set_refuses_once_the_registry_is_full()
    {
        var portmap = new PortmapProgram(maxMappings: 2);
        Assert.True(portmap.Set(NfsTcp));
        Assert.True(portmap.Set(NfsUdp));
        Assert.Equal(XdrBytes.Words(0), Call(portmap, PortmapProcedure.Set, Mapping(MountTcp)).Results);
        Assert.Equal(2, portmap.Mappings.Count);
    }

    [Fact]
    public void A_change_policy_that_refuses_the_caller_makes_set_and_unset_answer_false()
    {
        var portmap = new PortmapProgram(mayChange: c => c.Client.Address == Local.Address);
        Assert.True(portmap.Set(MountTcp));
        Assert.Equal(XdrBytes.Words(0), Call(portmap, PortmapProcedure.Set, Mapping(NfsTcp), Remote).Results);
        Assert.Equal(XdrBytes.Words(0), Call(portmap, PortmapProcedure.Unset, Mapping(MountTcp), Remote).Results);
        Assert.Equal([MountTcp], portmap.Mappings);
        Assert.Equal(XdrBytes.Words(1), Call(portmap, PortmapProcedure.Set, Mapping(NfsTcp), Local).Results);
        Assert.Equal(XdrBytes.Words(1), Call(portmap, PortmapProcedure.Unset, Mapping(MountTcp), Local).Results);
        Assert.Equal([NfsTcp], portmap.Mappings);
    }

    [Fact]
    public void Unset_removes_every_protocol_of_the_program_and_version_ignoring_protocol_and_port()
    {
        var portmap = new PortmapProgram();
        portmap.Set(NfsTcp);
        portmap.Set(NfsUdp);
        portmap.Set(MountTcp);
        (RpcAcceptStat stat, byte[] results) = Call(portmap, PortmapProcedure.Unset, Mapping(new PortmapMapping(100003, 3, 99, 12345)));
        Assert.Equal(RpcAcceptStat.Success, stat);
        Assert.Equal(XdrBytes.Words(1), results);
        Assert.Equal([MountTcp], portmap.Mappings);
    }

    [Fact]
    public void Unset_of_nothing_registered_answers_false()
    {
        var portmap = new PortmapProgram();
        portmap.Set(NfsTcp);
        Assert.Equal(XdrBytes.Words(0), Call(portmap, PortmapProcedure.Unset, Mapping(NfsTcp with { Version = 4 })).Results);
        Assert.Equal([NfsTcp], portmap.Mappings);
    }

    [Fact]
    public void Getport_answers_the_registered_port_ignoring_the_port_asked()
    {
        var portmap = new PortmapProgram();
        portmap.Set(MountTcp);
        (RpcAcceptStat stat, byte[] results) = Call(portmap, PortmapProcedure.GetPort, Mapping(MountTcp with { Port = 1 }));
        Assert.Equal(RpcAcceptStat.Success, stat);
        Assert.Equal(XdrBytes.Words(20048), results);
    }

    [Theory]
    [InlineData(100005u, 3u, 17u)] // registered over TCP only
    [InlineData(100005u, 1u, 6u)]  // another version
    [InlineData(100003u, 3u, 6u)]  // another program
    public void Getport_of_anything_unregistered_answers_zero(uint program, uint version, uint protocol)
    {
        var portmap = new PortmapProgram();
        portmap.Set(MountTcp);
        Assert.Equal(XdrBytes.Words(0), Call(portmap, PortmapProcedure.GetPort, Mapping(new PortmapMapping(program, version, protocol, 0))).Results);
    }

    [Fact]
    public void Dump_of_an_empty_registry_is_the_empty_list()
    {
        (RpcAcceptStat stat, byte[] results) = Call(new PortmapProgram(), PortmapProcedure.Dump, []);
        Assert.Equal(RpcAcceptStat.Success, stat);
        Assert.Equal(XdrBytes.Words(0), results);
    }

    [Fact]
    public void Dump_lists_every_mapping_in_registration_order_with_value_follows_markers()
    {
        var portmap = new PortmapProgram();
        portmap.Set(NfsTcp);
        portmap.Set(NfsUdp);
        portmap.Set(MountTcp);
        (RpcAcceptStat stat, byte[] results) = Call(portmap, PortmapProcedure.Dump, []);
        Assert.Equal(RpcAcceptStat.Success, stat);
        byte[] expected = XdrBytes.Words(
            1, 100003, 3, 6, 2049,
            1, 100003, 3, 17, 2049,
            1, 100005, 3, 6, 20048,
            0);
        Assert.Equal(expected, results);
    }

    [Fact]
    public void Dump_of_a_full_registry_decodes_to_the_registry()
    {
        var portmap = new PortmapProgram(maxMappings: 100);
        for (uint i = 0; i < 100; i++)
        {
            Assert.True(portmap.Set(new PortmapMapping(200000 + i, i % 3, i % 2 == 0 ? 6u : 17u, 1000 + i)));
        }

        Assert.False(portmap.Set(new PortmapMapping(1, 1, 6, 1)));
        byte[] results = Call(portmap, PortmapProcedure.Dump, []).Results;
        Assert.Equal((100 * 20) + 4, results.Length);
        var r = new XdrReader(results);
        Assert.True(PortmapCodec.TryDecodeDumpResult(ref r, out IReadOnlyList<PortmapMapping> listed));
        Assert.Equal(portmap.Mappings, listed);
    }

    public static TheoryData<PortmapProcedure, byte[]> GarbageArguments => new()
    {
        { PortmapProcedure.Null, XdrBytes.Words(0) },
        { PortmapProcedure.Set, XdrBytes.Words(100003, 3, 6) },
        { PortmapProcedure.Set, XdrBytes.Words(100003, 3, 6, 2049, 0) },
        { PortmapProcedure.Set, [0, 0, 0] },
        { PortmapProcedure.Unset, [] },
        { PortmapProcedure.Unset, XdrBytes.Words(100003, 3, 6, 2049, 1) },
        { PortmapProcedure.GetPort, XdrBytes.Words(100003) },
        { PortmapProcedure.GetPort, [0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 6, 0, 0, 0, 1, 0] },
        { PortmapProcedure.Dump, XdrBytes.Words(1) },
    };

    [Theory]
    [MemberData(nameof(GarbageArguments))]
    public void Arguments_that_do_not_decode_exactly_are_garbage_args_and_change_nothing(PortmapProcedure procedure, byte[] arguments)
    {
        var portmap = new PortmapProgram();
        portmap.Set(MountTcp);
        (RpcAcceptStat stat, byte[] results) = Call(portmap, procedure, arguments);
        Assert.Equal(RpcAcceptStat.GarbageArgs, stat);
        Assert.Empty(results);
        Assert.Equal([MountTcp], portmap.Mappings);
    }

    [Theory]
    [InlineData(5u)] // CALLIT is not offered
    [InlineData(6u)]
    [InlineData(0xFFFF_FFFFu)]
    public void Callit_and_unknown_procedures_are_procedure_unavailable(uint procedure)
    {
        var portmap = new PortmapProgram();
        (RpcAcceptStat stat, byte[] results) = Call(portmap, (PortmapProcedure)procedure, XdrBytes.Words(100003, 3, 0, 0));
        Assert.Equal(RpcAcceptStat.ProcedureUnavailable, stat);
        Assert.Empty(results);
    }

    [Fact]
    public void A_call_for_another_version_is_a_program_mismatch()
    {
        var portmap = new PortmapProgram();
        RpcCallHeader header = Context(PortmapProcedure.Dump, Local).Header with { Version = 3 };
        var other = new RpcCallContext(header, Local, Instant.Zero);
        using var results = new XdrBuf();
        var args = new XdrReader(ReadOnlyMemory<byte>.Empty);
        Assert.Equal(RpcAcceptStat.ProgramMismatch, portmap.Dispatch(other, ref args, results));
        Assert.Equal(0, results.Length);
    }

    [Theory]
    [InlineData(PortmapProcedure.Null, true)]
    [InlineData(PortmapProcedure.Set, false)]
    [InlineData(PortmapProcedure.Unset, false)]
    [InlineData(PortmapProcedure.GetPort, true)]
    [InlineData(PortmapProcedure.Dump, true)]
    [InlineData(PortmapProcedure.CallIt, true)]
    public void Only_set_and_unset_need_the_duplicate_request_cache(PortmapProcedure procedure, bool idempotent)
    {
        Assert.Equal(idempotent, new PortmapProgram().IsIdempotent(PortmapConstants.Version, (uint)procedure));
    }

    [Fact]
    public void A_registry_bound_below_one_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new PortmapProgram(maxMappings: 0));
    }

    [Fact]
    public void The_local_methods_follow_the_same_rules_as_the_procedures()
    {
        var portmap = new PortmapProgram();
        Assert.True(portmap.Set(NfsTcp));
        Assert.False(portmap.Set(NfsTcp));
        Assert.Equal(2049u, portmap.GetPort(100003, 3, 6));
        Assert.Equal(0u, portmap.GetPort(100003, 3, 17));
        Assert.True(portmap.Unset(100003, 3));
        Assert.False(portmap.Unset(100003, 3));
        Assert.Equal(0u, portmap.GetPort(100003, 3, 6));
    }

    internal static RpcCallContext Context(PortmapProcedure procedure, Ipv4Endpoint client) =>
        new(new RpcCallHeader(0x5050_0001, PortmapConstants.Program, PortmapConstants.Version, (uint)procedure, OpaqueAuth.None, OpaqueAuth.None), client, Instant.FromMilliseconds(1));

    internal static (RpcAcceptStat Stat, byte[] Results) Call(PortmapProgram portmap, PortmapProcedure procedure, byte[] arguments, Ipv4Endpoint? client = null)
    {
        using var results = new XdrBuf();
        var args = new XdrReader(arguments);
        RpcAcceptStat stat = portmap.Dispatch(Context(procedure, client ?? Local), ref args, results);
        return (stat, results.ToArray());
    }

    private static byte[] Mapping(PortmapMapping mapping)
    {
        using var w = new XdrWriter();
        mapping.Encode(w);
        return XdrBytes.Of(w);
    }
}

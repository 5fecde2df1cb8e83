using System.Diagnostics.CodeAnalysis;
using FragNet.Devices.Internal;

namespace FragNet.Devices;

/// <summary>
/// A compiled tcpdump filter expression (pcap-filter(7)) over Ethernet frames, with tcpdump's meaning: for every frame,
/// <see cref="Matches(ReadOnlySpan{byte})"/> is what <c>tcpdump -r FILE 'EXPR'</c> decides for it.
/// </summary>
/// <remarks>
/// <para><b>Language.</b> Protocols <c>ip arp rarp tcp udp icmp sctp</c>; <c>[proto] [src|dst|src or dst|src and dst]
/// host A</c>, <c>net A/len</c>, <c>net A mask M</c>, <c>net A</c> (short nets as libpcap promotes them);
/// <c>[tcp|udp|sctp] [dir] port N</c>; <c>ip proto N</c>; <c>less N</c>, <c>greater N</c>; bare ids after
/// <c>and</c>/<c>or</c> inherit the last qualifiers (<c>port 53 or 80</c>); <c>and &amp;&amp; or || not !</c> and
/// parentheses, <c>and</c> and <c>or</c> of equal precedence left to right as in libpcap; relations
/// <c>== = != &lt; &lt;= &gt; &gt;=</c> between arithmetic expressions of numbers (decimal, 0x hex, 0 octal), <c>len</c>,
/// named constants (<c>tcpflags tcp-fin tcp-syn tcp-rst tcp-push tcp-ack tcp-urg tcp-ece tcp-cwr icmptype icmpcode
/// icmp-echo icmp-echoreply</c> and the other <c>icmp-*</c> types), loads <c>ether[e] ip[e] arp[e] tcp[e] udp[e]
/// icmp[e] sctp[e]</c> with <c>[e:1|2|4]</c> sizes and any expression as offset, and <c>+ - * / % &amp; | ^ &lt;&lt;
/// &gt;&gt;</c> and unary minus on unsigned 32-bit values. IPv6, VLAN, MAC addresses and host names are not supported
/// (a clear compile error).</para>
/// <para><b>Semantics</b> are BPF's as libpcap generates and optimizes it (details on the compiler): transport loads
/// and port tests find the transport header from the IPv4 IHL and are false for non-first fragments; a load past the
/// captured bytes rejects the frame; the empty expression matches every frame. On a frame where every load of the
/// expression is within the captured bytes, the outcome is a function of the bytes alone and is tcpdump's, exactly
/// (checked against tcpdump on real and edge-case captures, and on thousands of random expressions). On a frame where
/// some load is out of bounds it also depends on which tests libpcap's optimizer removed, since that optimizer treats
/// loads as free of side effects: the compiler reproduces its rules that matter (merging, useless and already-decided
/// tests, operations with 0, the first test's loads kept), not the ones that reorder tests, so on such frames a rare
/// pathological expression can differ. Only IPv4 is modelled: tcpdump's <c>tcp</c>, <c>udp</c> and <c>port</c> also
/// test IPv6 frames, which never match here.</para>
/// <para><b>Cost.</b> Compiling allocates; <see cref="Matches(ReadOnlySpan{byte})"/> allocates nothing and never throws,
/// whatever the bytes: it runs a small forward-only program whose value stack lives on the machine stack. A filter is
/// immutable and may be shared between threads.</para>
/// </remarks>
public sealed class PacketFilter
{
    private readonly FilterProgram _program;    // what Matches runs
    private readonly FilterProgram _faultProbe; // accepts frames on which no value of the filter faults
    private readonly string _normalized;

    private PacketFilter(string expression, string normalized, FilterProgram program, FilterProgram faultProbe)
    {
        Expression = expression;
        _normalized = normalized;
        _program = program;
        _faultProbe = faultProbe;
    }

    /// <summary>The filter that matches every frame (tcpdump without an expression).</summary>
    public static PacketFilter MatchAll { get; } = Compile(string.Empty);

    /// <summary>The expression as given to <see cref="Compile"/>.</summary>
    public string Expression { get; }

    /// <summary>True if the filter rejects every frame (<c>1 == 0</c>, <c>tcp and udp</c>): almost always a mistake.
    /// libpcap refuses such filters when its optimizer proves them empty ("expression rejects all packets"); this
    /// compiler accepts them and says so here, so a caller can warn.</summary>
    public bool MatchesNothing => _program.RejectsEverything;

    /// <summary>Number of instructions of the compiled program (a measure of evaluation cost).</summary>
    public int ProgramLength => _program.Length;

    /// <summary>Compiles a tcpdump filter expression.</summary>
    /// <exception cref="PacketFilterException">The expression is malformed or uses something unsupported; the message
    /// names the token and its position.</exception>
    public static PacketFilter Compile(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        FilterBoolNode? root = FilterParser.Parse(expression);
        (FilterProgram program, FilterProgram faultProbe) = FilterCompiler.Compile(root, expression);
        return new PacketFilter(expression, root?.ToString() ?? string.Empty, program, faultProbe);
    }

    /// <summary>Compiles <paramref name="expression"/>, reporting a malformed one through <paramref name="error"/>
    /// instead of throwing.</summary>
    public static bool TryCompile(
        string expression,
        [NotNullWhen(true)] out PacketFilter? filter,
        [NotNullWhen(false)] out PacketFilterException? error)
    {
        ArgumentNullException.ThrowIfNull(expression);
        try
        {
            filter = Compile(expression);
            error = null;
            return true;
        }
        catch (PacketFilterException e)
        {
            filter = null;
            error = e;
            return false;
        }
    }

    /// <summary>True if the Ethernet <paramref name="frame"/> (captured whole: its wire length is its length)
    /// matches.</summary>
    public bool Matches(ReadOnlySpan<byte> frame) => _program.Run(frame, (uint)frame.Length);

    /// <summary>True if the captured bytes <paramref name="frame"/> of a frame that was <paramref name="wireLength"/>
    /// bytes on the wire match: loads see only the captured bytes, <c>len</c> is the wire length (as for a pcap
    /// record's <c>incl_len</c> and <c>orig_len</c>).</summary>
    public bool Matches(ReadOnlySpan<byte> frame, int wireLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(wireLength);
        return _program.Run(frame, (uint)wireLength);
    }

    /// <summary>The normalized expression: canonical spelling (<c>and or not ==</c>), explicit qualifiers, inherited
    /// ids expanded (<c>port 53 or 80</c> → <c>port 53 or port 80</c>), nets as <c>A/len</c>, and parentheses where
    /// <c>and</c> and <c>or</c> mix. It compiles to a filter with the same meaning, and tcpdump accepts it.</summary>
    public override string ToString() => _normalized;

    /// <summary>True if every value the expression computes — every load, whatever the control flow — is within
    /// <paramref name="frame"/> and no division is by zero. On such a frame the outcome is a pure function of the
    /// bytes: no optimizer, libpcap's or this one, can change it by removing or reordering tests.</summary>
    internal bool IsFaultFree(ReadOnlySpan<byte> frame, int wireLength) => _faultProbe.Run(frame, (uint)wireLength);

    /// <summary>A listing of the compiled program, for debugging and tests.</summary>
    internal string Disassemble() => _program.Disassemble();
}

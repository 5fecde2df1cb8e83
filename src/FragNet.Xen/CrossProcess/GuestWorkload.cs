using FragNet.Xen.Testbed;

namespace FragNet.Xen.CrossProcess;

/// <summary>What a cross-process guest transmits (set by the backend, the toolstack, in the control page).</summary>
public enum GuestWorkload
{
    /// <summary>Packets of one size whose bytes are written once: throughput.</summary>
    Bench = 0,

    /// <summary>Packets of pseudo-random sizes (14..65535) and first-slot offsets, each written afresh with
    /// <see cref="Testbed.PacketPattern"/> so the backend can check every byte.</summary>
    Verify = 1,

    /// <summary>A hostile guest: after producing each request it keeps rewriting the slot between two versions and
    /// revoking and restoring the grant, until the response arrives (the double-fetch attack).</summary>
    DoubleFetch = 2,

    /// <summary>Packets alternating between <see cref="GuestTransmitter.SmallPacket"/> bytes and the packet size,
    /// written like <see cref="Bench"/>: traffic in which the cheapest way to take a packet differs from one packet to
    /// the next.</summary>
    Mix = 3,
}

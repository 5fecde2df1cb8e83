using FragNet.Buffers;
using FragNet.Devices;
using FragNet.Xen.Abi;

namespace FragNet.Xen.Testbed;

/// <summary>
/// The two versions of the request a double-fetching guest keeps flipping a produced slot between, and the check of
/// what netback made of them. Version A is <c>(grant of frame A, offset 0, 60 bytes)</c>, version B
/// <c>(grant of frame B, offset 2048, 1000 bytes)</c>; both frames hold fixed pseudo-random bytes.
/// </summary>
/// <remarks>
/// <para>The guest's rewrite of a 12-byte slot is several stores and netback's copy of it several loads, so netback may
/// copy a torn request — A's grant with B's size, say. That is the guest's own doing and harmless: every combination
/// of the two versions' fields is a valid request, and netback must then deliver exactly the bytes its one copy
/// describes. What must never happen is a packet that no single copy describes (bytes from outside the validated range,
/// a length from one read and a grant from another): <see cref="Classify"/> calls that
/// <see cref="DoubleFetchOutcome.Inconsistent"/>.</para>
/// </remarks>
public static class DoubleFetchPacket
{
    private static readonly (int Offset, int Size)[] Ranges = [(0, 60), (2048, 1000), (0, 1000), (2048, 60)];

    /// <summary>Version A, for the grant <paramref name="grantA"/>.</summary>
    public static NetifTxRequest VersionA(uint grantA) => new(grantA, 0, 0, 0, 60);

    /// <summary>Version B, for the grant <paramref name="grantB"/>.</summary>
    public static NetifTxRequest VersionB(uint grantB) => new(grantB, 2048, 0, 0, 1000);

    /// <summary>Writes frame A's (<paramref name="b"/> false) or frame B's bytes.</summary>
    public static void FillFrame(Span<byte> frame, bool b) => Pattern(b).Fill(frame[..Page.Size], 0);

    /// <summary>What a delivered packet is.</summary>
    public static DoubleFetchOutcome Classify(SkBuff packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        Span<byte> got = stackalloc byte[1000];
        Span<byte> want = stackalloc byte[1000];
        if (packet.Len is not (60 or 1000))
        {
            return DoubleFetchOutcome.Inconsistent;
        }

        got = got[..packet.Len];
        packet.CopyBits(0, got);
        for (int frame = 0; frame < 2; frame++)
        {
            foreach ((int offset, int size) in Ranges)
            {
                if (size != got.Length)
                {
                    continue;
                }

                Pattern(frame == 1).Fill(want[..size], offset);
                if (got.SequenceEqual(want[..size]))
                {
                    return (frame, offset, size) switch
                    {
                        (0, 0, 60) => DoubleFetchOutcome.VersionA,
                        (1, 2048, 1000) => DoubleFetchOutcome.VersionB,
                        _ => DoubleFetchOutcome.Torn,
                    };
                }
            }
        }

        return DoubleFetchOutcome.Inconsistent;
    }

    private static DeterministicPattern Pattern(bool b) => new(b ? 0xB0B0_0000_0000_0002UL : 0xA0A0_0000_0000_0001UL);
}

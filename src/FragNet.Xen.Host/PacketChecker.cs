using FragNet.Buffers;
using FragNet.Xen.CrossProcess;
using FragNet.Xen.Testbed;

namespace FragNet.Xen.Host;

/// <summary>Netback's sink in a cross-process run: frees every packet, after checking it — byte for byte against
/// <see cref="PacketPattern"/> for the verify workload, against <see cref="DoubleFetchPacket"/> for the double-fetch
/// one — when the workload allows a check.</summary>
internal sealed class PacketChecker(GuestWorkload workload)
{
    private readonly long[] _outcomes = new long[Enum.GetValues<DoubleFetchOutcome>().Length];

    public long Checked { get; private set; }

    public long Bad { get; private set; }

    /// <summary>Double-fetch packets by outcome.</summary>
    public IReadOnlyDictionary<DoubleFetchOutcome, long> Outcomes =>
        Enum.GetValues<DoubleFetchOutcome>().ToDictionary(o => o, o => _outcomes[(int)o]);

    public void Receive(SkBuff packet, Instant now)
    {
        switch (workload)
        {
            case GuestWorkload.Verify:
                Checked++;
                Bad += PacketPattern.Check(packet, out _, out _) ? 0 : 1;
                break;
            case GuestWorkload.DoubleFetch:
                Checked++;
                DoubleFetchOutcome o = DoubleFetchPacket.Classify(packet);
                _outcomes[(int)o]++;
                Bad += o == DoubleFetchOutcome.Inconsistent ? 1 : 0;
                break;
        }

        packet.Consume();
    }
}

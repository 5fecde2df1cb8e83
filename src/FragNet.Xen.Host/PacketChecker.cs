using FragNet.Buffers;
using FragNet.Xen.Testbed;

namespace FragNet.Xen.Host;

/// <summary>Netback's sink in a cross-process run: frees every packet, after checking it byte for byte against
/// <see cref="PacketPattern"/> when asked to, and counts packets by length.</summary>
internal sealed class PacketChecker(bool check)
{
    private readonly Dictionary<int, long> _byLength = [];

    public long Checked { get; private set; }

    public long Bad { get; private set; }

    public IReadOnlyDictionary<int, long> ByLength => _byLength;

    public void Receive(SkBuff packet, Instant now)
    {
        if (check)
        {
            Checked++;
            if (!PacketPattern.Check(packet, out _, out _))
            {
                Bad++;
            }

            _byLength[packet.Len] = _byLength.GetValueOrDefault(packet.Len) + 1;
        }

        packet.Consume();
    }
}

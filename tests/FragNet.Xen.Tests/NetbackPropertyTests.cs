using FragNet.Buffers;
using FragNet.Xen.Abi;
using FragNet.Xen.Netif;
using FragNet.Xen.Rings;
using FragNet.Xen.Testbed;

namespace FragNet.Xen.Tests;

/// <summary>
/// Every netback mode moves a guest packet's bytes intact, whatever its size (1 to 65,535 bytes... from a runt's
/// worth up) and however it is laid out over slots (offsets, sizes, up to 18 slots); and in the mapping modes the guest
/// hears nothing until the buffer that references its pages is freed.
/// </summary>
public sealed class NetbackPropertyTests
{
    public static TheoryData<NetbackMode> Modes => new(Enum.GetValues<NetbackMode>());

    [Theory]
    [MemberData(nameof(Modes))]
    public void Random_packets_and_slot_layouts_arrive_intact_and_are_answered_only_after_release(NetbackMode mode)
    {
        var rng = new Random(20261126 + (int)mode);
        using var pair = new XenPair(new NetbackConfig { Mode = mode, HoldLimit = null });
        var captured = new List<SkBuff>();
        pair.Back.Receiver = (skb, _) => captured.Add(skb);
        int[] sizes = [14, 15, 60, 127, 128, 129, 1514, 4096, 4097, 9000, 65535, .. Enumerable.Range(0, 25).Select(_ => rng.Next(14, 65536))];
        foreach (int size in sizes)
        {
            byte[] content = new byte[size];
            rng.NextBytes(content);
            var requests = new List<NetifTxRequest>();
            var grants = new List<uint>();
            int remaining = size;
            int at = 0;
            for (int i = 0; remaining > 0; i++)
            {
                int slotsLeft = NetifConstants.MaxSlotsPerPacket - i;
                int mustCover = Math.Max(1, remaining - ((slotsLeft - 1) * Page.Size));
                int offset = rng.Next(0, Page.Size - mustCover + 1);
                int chunk = rng.Next(mustCover, Math.Min(Page.Size - offset, remaining) + 1);
                int frame = XenPair.ScratchFrame + i;
                content.AsSpan(at, chunk).CopyTo(pair.Guest.Frame(frame).Span[offset..]);
                uint gref = pair.Guest.Grants.GrantAccess(pair.Dom0.Id, frame, readOnly: true);
                grants.Add(gref);
                remaining -= chunk;
                at += chunk;
                requests.Add(new NetifTxRequest(gref, (ushort)offset, remaining > 0 ? NetTxFlags.MoreData : 0, (ushort)(2000 + i), (ushort)(i == 0 ? size : chunk)));
            }

            FrontRing ring = pair.Front.TxRing!;
            foreach (NetifTxRequest r in requests)
            {
                Assert.True(ring.TryGetRequestSlot(out Span<byte> slot));
                r.Write(slot);
            }

            long answeredBefore = pair.Back.TxResponses;
            ring.PushRequests(out _);
            pair.Xen.EventChannels.Notify(pair.Front.Event!);
            pair.RunFor(Duration.FromMilliseconds(1));

            SkBuff skb = Assert.Single(captured);
            captured.Clear();
            Assert.Equal(size, skb.Len);
            byte[] got = new byte[size];
            skb.CopyBits(0, got);
            Assert.True(content.AsSpan().SequenceEqual(got), $"{mode}: a {size}-byte packet in {requests.Count} slots arrived altered");
            NetbackMode effective = mode != NetbackMode.Adaptive ? mode
                : size < new NetbackConfig().AdaptiveThreshold ? NetbackMode.Copy : NetbackMode.CopyHeaderMapRest;
            if (effective == NetbackMode.Copy)
            {
                Assert.Equal(answeredBefore + requests.Count, pair.Back.TxResponses);
            }
            else
            {
                int firstSize = requests[0].Size - requests.Skip(1).Sum(r => r.Size);
                bool mapped = effective != NetbackMode.CopyHeaderMapRest || firstSize > 128 || requests.Count > 1;
                Assert.Equal(answeredBefore + (mapped ? 0 : requests.Count), pair.Back.TxResponses);
                Assert.All(grants, g => Assert.Equal(mapped && IsMappedSlot(requests, g, effective), !pair.Guest.Grants.EndAccessWouldSucceed(g)));
            }

            skb.Consume();
            pair.RunFor(Duration.FromMilliseconds(1));
            Assert.Equal(answeredBefore + requests.Count, pair.Back.TxResponses);
            Assert.Equal(0, pair.Back.TxInFlight);
            foreach (uint g in grants)
            {
                Assert.True(pair.Guest.Grants.EndAccess(g), $"{mode}: grant {g} still mapped after the release");
            }
        }

        pair.Dispose();
        Assert.True(pair.Leaks.IsClean, pair.Leaks.ToString());
    }

    /// <summary>In copy-header-map-rest a first slot of at most 128 bytes is copied, never mapped.</summary>
    private static bool IsMappedSlot(List<NetifTxRequest> requests, uint gref, NetbackMode mode)
    {
        if (mode != NetbackMode.CopyHeaderMapRest || requests[0].Gref != gref)
        {
            return true;
        }

        int firstSize = requests[0].Size - requests.Skip(1).Sum(r => r.Size);
        return firstSize > 128;
    }
}

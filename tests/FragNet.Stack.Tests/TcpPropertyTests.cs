using CsCheck;
using FragNet.Stack.Tcp;
using FragNet.Wire;

namespace FragNet.Stack.Tests;

/// <summary>Any schedule of loss, reordering and duplication delivers every byte once, in order, and leaks nothing.</summary>
public sealed class TcpPropertyTests
{
    /// <summary>40 in CI; set FRAGNET_PROPERTY_ITERATIONS for a longer hunt.</summary>
    private static int Iterations =>
        int.TryParse(Environment.GetEnvironmentVariable("FRAGNET_PROPERTY_ITERATIONS"), out int n) && n > 0 ? n : 40;

    [Fact]
    public void Random_loss_reorder_and_duplication_deliver_every_byte_once_in_order()
    {
        Gen.Select(Gen.Int[1, 1_000_000], Gen.Double[0, 0.15], Gen.Double[0, 0.2], Gen.Double[0, 0.1], Gen.Int[1, 120_000])
            .Sample(
                (seed, loss, reorder, duplicate, size) =>
                {
                    using var link = new TcpLink();
                    var rng = new Random(seed);
                    link.DropRule = (_, seg, _) => (seg.Flags & TcpFlags.Syn) == 0 && rng.NextDouble() < loss;
                    link.DelayRule = (_, _, _) => rng.NextDouble() < reorder ? Duration.FromMilliseconds(rng.Next(1, 20)) : Duration.Zero;
                    link.DuplicateRule = (_, _, _) => rng.NextDouble() < duplicate;
                    link.Open();
                    var data = new byte[size];
                    new Random(seed).NextBytes(data);
                    byte[] got = link.Transfer(data, Duration.FromSeconds(900));
                    return got.AsSpan().SequenceEqual(data);
                },
                iter: Iterations,
                seed: "0N0XIzNsQ0O2");
    }

    [Fact]
    public void Reordering_alone_does_not_lose_or_duplicate_data_and_triggers_no_timeout()
    {
        using var link = new TcpLink();
        var rng = new Random(7);
        link.DelayRule = (fromClient, _, _) => fromClient && rng.NextDouble() < 0.3 ? Duration.FromMilliseconds(2) : Duration.Zero;
        link.Open();
        var data = new byte[200_000];
        rng.NextBytes(data);
        Assert.Equal(data, link.Transfer(data, Duration.FromSeconds(60)));
        Assert.Equal(0, link.Client.Counters.Timeouts);
        Assert.True(link.Server.Counters.OutOfOrder > 0);
    }
}

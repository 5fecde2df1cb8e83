using FragNet.Stack.Tcp;
using FragNet.Wire;

namespace FragNet.Stack.Tests;

/// <summary>Flow control: the receiver's window limits the sender; a zero window is probed until it opens.</summary>
public sealed class TcpFlowControlTests
{
    [Fact]
    public void A_receiver_that_does_not_read_closes_the_window_and_the_sender_stops_at_it()
    {
        using var link = new TcpLink(server: new TcpConfig { ReceiveBuffer = 64 * 1024, GsoMaxSize = 0 });
        link.Open();
        link.RunUntil(() => link.Client.State == TcpState.Established, Duration.FromSeconds(1));
        var data = new byte[200_000];
        int sent = link.Client.Send(data);
        link.RunFor(Duration.FromSeconds(2));
        Assert.Equal(64 * 1024, link.Server.ReceiveQueued); // exactly the buffer, not a byte more
        Assert.Equal(200_000 - (64 * 1024), link.Client.SendQueued);
        Assert.Equal(200_000, sent);
        TcpRepr lastAck = link.Log.Last(e => !e.FromClient).Segment;
        Assert.Equal(0, lastAck.WindowSize);
    }

    [Fact]
    public void A_zero_window_is_probed_and_the_transfer_resumes_when_the_reader_catches_up()
    {
        using var link = new TcpLink(server: new TcpConfig { ReceiveBuffer = 32 * 1024, GsoMaxSize = 0 });
        link.Open();
        link.RunUntil(() => link.Client.State == TcpState.Established, Duration.FromSeconds(1));
        var data = new byte[100_000];
        new Random(9).NextBytes(data);
        Assert.Equal(data.Length, link.Client.Send(data));
        link.RunFor(Duration.FromSeconds(10)); // window closed; the sender probes
        long probesBefore = link.Log.Count(e => e.FromClient && e.Segment.PayloadLength == 0 && e.Segment.SequenceNumber + 1 == link.Log.Last(x => !x.FromClient).Segment.AcknowledgmentNumber);
        Assert.True(probesBefore >= 1, "no zero-window probe was sent");
        var got = new List<byte>();
        var buf = new byte[4096];
        link.RunUntil(() =>
        {
            int n;
            while ((n = link.Server.Receive(buf)) > 0)
            {
                got.AddRange(buf.AsSpan(0, n));
            }

            return got.Count == data.Length;
        }, Duration.FromSeconds(120));
        Assert.Equal(data, got.ToArray());
        Assert.Equal(TcpState.Established, link.Client.State);
    }
}

using FragNet.Buffers;
using FragNet.Devices;
using FragNet.Host.Tap;

namespace FragNet.Interop.Tests;

/// <summary>A pcap of every frame a TAP device sends and receives, kept in memory, and what tcpdump and tshark make of
/// it.</summary>
internal sealed class Captures : IDisposable
{
    private readonly MemoryStream _bytes = new();
    private readonly PcapWriter _writer;
    private readonly TapDevice _device;

    public Captures(TapDevice device)
    {
        _device = device;
        _writer = new PcapWriter(_bytes, leaveOpen: true);
        device.Capture = (frame, now) => _writer.WritePacket(now, frame);
    }

    public long Frames => _writer.PacketCount;

    /// <summary>The capture so far, as a readable stream.</summary>
    public Stream Snapshot()
    {
        _writer.Flush();
        return new MemoryStream(_bytes.ToArray(), writable: false);
    }

    /// <summary>Writes the capture to a temporary file and returns its path (deleted by the caller).</summary>
    public string ToFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"fragnet-interop-{Guid.NewGuid():N}.pcap");
        using Stream s = Snapshot();
        using FileStream f = File.Create(path);
        s.CopyTo(f);
        return path;
    }

    /// <summary>Asserts tcpdump reads the file and tshark decodes its NFS with no malformed packet; returns the NFSv3
    /// procedure numbers of the calls tshark saw.</summary>
    public static List<int> AssertDecodes(string pcap)
    {
        ExternalTool.Result dump = ExternalTool.Run("tcpdump", "-n", "-r", pcap);
        Assert.True(dump.ExitCode == 0 && dump.StandardOutput.Length > 0, $"tcpdump could not read {pcap}:\n{dump}");
        string[] decodeAs = RpcClientPorts(pcap);
        ExternalTool.Result malformed = ExternalTool.Run("tshark", [.. decodeAs, "-r", pcap, "-Y", "_ws.malformed || _ws.expert.severity == error"]);
        Assert.True(malformed.ExitCode == 0, $"tshark failed:\n{malformed}");
        Assert.True(malformed.StandardOutput.Trim().Length == 0, $"tshark found malformed or erroneous packets:\n{malformed.StandardOutput}");
        ExternalTool.Result calls = ExternalTool.Run("tshark", [.. decodeAs, "-r", pcap, "-Y", "nfs && rpc.msgtyp == 0", "-T", "fields", "-e", "nfs.procedure_v3"]);
        Assert.True(calls.ExitCode == 0, $"tshark failed:\n{calls}");
        return [.. calls.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .SelectMany(l => l.Split(',')).Select(int.Parse)];
    }

    /// <summary>
    /// tshark picks a TCP conversation's dissector by its lower port, so a client that happens to bind a privileged
    /// port registered to something else (libnfs picks one below 1024; 862 is TWAMP-Control) has its NFS decoded as
    /// that protocol. Every port that talks to the NFS, MOUNT or portmapper port is decoded as RPC.
    /// </summary>
    private static string[] RpcClientPorts(string pcap)
    {
        ExternalTool.Result ports = ExternalTool.Run("tshark", "-r", pcap, "-Y", "tcp.port == 2049 || tcp.port == 20048 || tcp.port == 111", "-T", "fields", "-e", "tcp.srcport", "-e", "tcp.dstport");
        Assert.True(ports.ExitCode == 0, $"tshark failed:\n{ports}");
        return [.. ports.StandardOutput.Split(['\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(int.Parse).Where(p => p is not (2049 or 20048 or 111)).Distinct().Order()
            .SelectMany(p => new[] { "-d", $"tcp.port=={p},rpc" })];
    }

    public void Dispose()
    {
        _device.Capture = null;
        _writer.Dispose();
        _bytes.Dispose();
    }
}

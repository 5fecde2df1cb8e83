using System.CommandLine;
using System.Globalization;
using FragNet.Devices;

namespace FragNet.Cli;

/// <summary><c>fragnet pcap …</c>: capture files.</summary>
internal static class PcapCommand
{
    public static Command Create()
    {
        var pcap = new Command("pcap", "Read pcap capture files.");
        var file = new Argument<FileInfo>("file") { Description = "A pcap file (microsecond or nanosecond, either byte order)." };
        var expression = new Argument<string>("expression") { Description = "A tcpdump filter expression, e.g. 'tcp[13] & 2 != 0'." };
        var filter = new Command("filter", "Print the packets that match a tcpdump expression: number, time, summary.") { file, expression };
        filter.SetAction(parse => Filter(parse.GetValue(file)!, parse.GetValue(expression)!));
        pcap.Subcommands.Add(filter);
        return pcap;
    }

    private static int Filter(FileInfo file, string expression)
    {
        if (!PacketFilter.TryCompile(expression, out PacketFilter? compiled, out PacketFilterException? error))
        {
            Console.Error.WriteLine($"fragnet: bad filter expression: {error!.Message}");
            return ExitCodes.Usage;
        }

        if (!file.Exists)
        {
            Console.Error.WriteLine($"fragnet: no such file: {file.FullName}");
            return ExitCodes.Usage;
        }

        try
        {
            using FileStream stream = file.OpenRead();
            using var reader = new PcapReader(stream);
            int matched = 0;
            while (reader.TryReadPacket(out PcapRecord record))
            {
                if (!compiled!.Matches(record.Data.Span, record.OriginalLength))
                {
                    continue;
                }

                matched++;
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{record.Number,6} {record.Timestamp.TotalSeconds,14:0.000000} {FrameSummary.Describe(record.Data.Span)}"));
            }

            Console.Error.WriteLine($"{matched} packet(s) matched '{compiled}'");
            return ExitCodes.Ok;
        }
        catch (PcapFormatException ex)
        {
            Console.Error.WriteLine($"fragnet: {file.Name}: {ex.Message}");
            return ExitCodes.Failed;
        }
    }
}

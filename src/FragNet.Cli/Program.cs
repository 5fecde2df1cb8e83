using System.CommandLine;
using FragNet.Cli;

var root = new RootCommand("FragNet: a zero-copy network stack with sk_buff-style paged fragments and fragment destructors.");
root.Subcommands.Add(BuffersCommand.Create());
root.Subcommands.Add(TcpCommand.Create());
root.Subcommands.Add(PingCommand.Create());
root.Subcommands.Add(PcapCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(ReproCommand.Create());
root.Subcommands.Add(XenCommand.Create());
root.Subcommands.Add(NfsCommand.Create());
ParseResult parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (System.CommandLine.Parsing.ParseError e in parse.Errors)
    {
        Console.Error.WriteLine($"fragnet: {e.Message}");
    }

    Console.Error.WriteLine("Run 'fragnet --help' (or the command with --help) for usage.");
    return ExitCodes.Usage;
}

return parse.Invoke();

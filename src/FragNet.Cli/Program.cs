using System.CommandLine;
using FragNet.Cli;

var root = new RootCommand("FragNet: a zero-copy network stack with sk_buff-style paged fragments and fragment destructors.");
root.Subcommands.Add(BuffersCommand.Create());
root.Subcommands.Add(TcpCommand.Create());
root.Subcommands.Add(PcapCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
return root.Parse(args).Invoke();

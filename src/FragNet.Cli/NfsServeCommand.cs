using System.CommandLine;
using System.Globalization;
using FragNet.Nfs.Protocol;
using FragNet.Nfs.Server;
using FragNet.SunRpc.Portmap;

namespace FragNet.Cli;

/// <summary><c>fragnet nfs serve</c>: exports a directory over NFSv3 (NFS, MOUNT and a portmapper on one stack) until
/// SIGINT or SIGTERM, then closes every connection and checks that every page came back.</summary>
internal static class NfsServeCommand
{
    public static Command Create()
    {
        var root = new Option<DirectoryInfo>("--root") { Description = "The directory to export.", Required = true };
        var export = new Option<string>("--export") { Description = "The mount path clients ask for.", DefaultValueFactory = _ => MountProgram.DefaultExportPath };
        var nfsPort = new Option<ushort>("--nfs-port") { Description = "The NFS port.", DefaultValueFactory = _ => Nfs3Constants.Port };
        var mountPort = new Option<ushort>("--mount-port") { Description = "The MOUNT port.", DefaultValueFactory = _ => NfsServerHost.DefaultMountPort };
        var portmapPort = new Option<ushort>("--portmap-port") { Description = "The portmapper's port (0: none, e.g. when rpcbind already runs).", DefaultValueFactory = _ => PortmapConstants.Port };
        var seed = new Option<ulong>("--seed") { Description = "Keys the file handles (a restart with the same seed keeps clients' handles valid).", DefaultValueFactory = _ => 1 };
        var via = new ViaOptions();
        root.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<DirectoryInfo>() is { Exists: false } d)
            {
                r.AddError($"--root {d.FullName} is not a directory.");
            }
        });
        export.Validators.Add(r =>
        {
            string? v = r.GetValueOrDefault<string>();
            if (v is null || !v.StartsWith('/'))
            {
                r.AddError($"--export must be an absolute path like /export (got '{v}').");
            }
        });
        foreach (Option<ushort> p in (Option<ushort>[])[nfsPort, mountPort])
        {
            p.Validators.Add(r =>
            {
                if (r.GetValueOrDefault<ushort>() == 0)
                {
                    r.AddError($"{r.Option.Name} must be a port between 1 and 65535.");
                }
            });
        }

        var command = new Command("serve", "Export a directory over NFSv3 (NFS, MOUNT and portmap on one stack) until SIGINT/SIGTERM.")
        {
            root, export, nfsPort, mountPort, portmapPort, seed,
        };
        via.AddTo(command);
        command.SetAction(parse =>
        {
            string dir = parse.GetValue(root)!.FullName;
            using RealNetwork? net = RealNetwork.Open(via.GetValue(parse), zeroCopy: false, pcap: null);
            if (net is null)
            {
                return ExitCodes.Usage;
            }

            using var interrupt = new Interrupt(net.Loop.Wake);
            NfsServerHost server;
            try
            {
                server = new NfsServerHost(
                    net.Transport,
                    new Nfs3Server(new DiskBackend(dir), parse.GetValue(seed), parse.GetValue(export)!),
                    parse.GetValue(nfsPort),
                    parse.GetValue(mountPort),
                    parse.GetValue(portmapPort));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException or InvalidOperationException)
            {
                Console.Error.WriteLine($"fragnet: cannot listen: {e.Message}");
                return ExitCodes.Failed;
            }

            using (server)
            {
                net.Loop.Add(server.Poll);
                string where = via.GetValue(parse).IsTap ? via.GetValue(parse).Address!.Value.Address.ToString() : "this host";
                Console.Error.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"fragnet: serving {dir} as {parse.GetValue(export)} on {where} (nfs {parse.GetValue(nfsPort)}, mount {parse.GetValue(mountPort)}, portmap {(parse.GetValue(portmapPort) == 0 ? "off" : parse.GetValue(portmapPort))}); Ctrl-C stops"));
                net.Loop.RunUntil(() => false, Timeout.InfiniteTimeSpan, interrupt.Token);
                long calls = server.Calls;
                server.Close(net.Loop.Now);
                net.Loop.RunUntil(() => false, TimeSpan.FromMilliseconds(50)); // let the resets and FINs go out
                Console.Error.WriteLine($"fragnet: stopped after {calls:N0} calls");
            }

            net.Dispose();
            if (net.LeakReport.Length > 0)
            {
                Console.Error.WriteLine($"fragnet: pages leaked: {net.LeakReport}");
                return ExitCodes.Failed;
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}

using System.Diagnostics;
using System.Globalization;

namespace FragNet.Interop.Tests;

/// <summary>
/// nfs-ganesha (NFSv3 over TCP, VFS backend) with its own rpcbind, inside a test's namespace, as brief §5 sets it up:
/// a private tmpfs on <c>/run</c> so the namespace's rpcbind does not meet the host's, NFS on 2049, MOUNT on 20048,
/// one export of a fresh directory. <see cref="Dispose"/> stops ganesha with SIGTERM and deletes the directories.
/// </summary>
internal sealed class GaneshaServer : IDisposable
{
    private readonly NetworkNamespace _ns;
    private readonly string _root;
    private readonly Process _process;

    private GaneshaServer(NetworkNamespace ns, string root, Process process, string export)
    {
        _ns = ns;
        _root = root;
        _process = process;
        Export = export;
    }

    /// <summary>The exported directory (on this machine's file system; the export path clients mount).</summary>
    public string Export { get; }

    /// <summary>ganesha's log, for failure messages.</summary>
    public string Log => File.Exists(Path.Combine(_root, "ganesha.log")) ? File.ReadAllText(Path.Combine(_root, "ganesha.log")) : "(no log)";

    /// <summary>Starts ganesha and rpcbind in <paramref name="ns"/> and waits until NFS and MOUNT listen.</summary>
    public static GaneshaServer Start(NetworkNamespace ns)
    {
        string root = TestPaths.NewTempDirectory("ganesha");
        string export = Path.Combine(root, "exp");
        Directory.CreateDirectory(export);
        Directory.CreateDirectory(Path.Combine(root, "recovery"));
        File.WriteAllText(Path.Combine(root, "ganesha.conf"), $$"""
            NFS_CORE_PARAM { NFS_Protocols = 3; NFS_Port = 2049; MNT_Port = 20048; Enable_NLM = false; Enable_RQUOTA = false; Enable_UDP = false; }
            NFSV4 { RecoveryRoot = {{root}}/recovery; Grace_Period = 0; }
            EXPORT { Export_Id = 1; Path = {{export}}; Pseudo = /export; Protocols = 3; Transports = TCP; Access_Type = RW; Squash = None; SecType = sys; FSAL { Name = VFS; } }
            """);
        File.WriteAllText(Path.Combine(root, "run.sh"), $"""
            set -e
            mount -t tmpfs tmpfs /run
            mkdir -p /run/ganesha /run/rpcbind
            rpcbind -w -f &
            for i in $(seq 100); do [ -S /run/rpcbind.sock ] && break; sleep 0.05; done
            exec ganesha.nfsd -F -L {root}/ganesha.log -p {root}/ganesha.pid -f {root}/ganesha.conf -N NIV_EVENT
            """);
        Process p = ns.Start(Path.Combine(root, "run.log"), "unshare", "-m", "--propagation", "private", "sh", Path.Combine(root, "run.sh"));
        var server = new GaneshaServer(ns, root, p, export);
        try
        {
            var clock = Stopwatch.StartNew();
            while (!server.Listening())
            {
                Assert.False(p.HasExited, $"ganesha exited at start:\n{File.ReadAllText(Path.Combine(root, "run.log"))}\n{server.Log}");
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"ganesha did not listen within 60 s:\n{server.Log}");
                Thread.Sleep(100);
            }
        }
        catch
        {
            server.Dispose();
            throw;
        }

        return server;
    }

    private bool Listening()
    {
        string ss = _ns.Exec("ss", "-Hltn").StandardOutput;
        return ss.Contains(":2049 ", StringComparison.Ordinal) && ss.Contains(":20048 ", StringComparison.Ordinal) && ss.Contains(":111 ", StringComparison.Ordinal);
    }

    public void Dispose()
    {
        string pidFile = Path.Combine(_root, "ganesha.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
        {
            ExternalTool.Run("kill", "-TERM", pid.ToString(CultureInfo.InvariantCulture));
            _process.WaitForExit(10_000);
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        // rpcbind and anything else left in the namespace go with it (NetworkNamespace.Dispose).
        Directory.Delete(_root, recursive: true);
    }
}

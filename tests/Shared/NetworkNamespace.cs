using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Xunit;

namespace FragNet.Testing;

/// <summary>
/// A network namespace a test creates for itself and deletes afterwards, even on failure: addresses, TAP devices and
/// servers exist only inside it, so nothing a test sends leaves the machine. Background processes started in it are
/// killed at <see cref="Dispose"/>, before the namespace is deleted.
/// </summary>
internal sealed class NetworkNamespace : IDisposable
{
    private static int s_counter;
    private readonly List<Process> _processes = [];

    private NetworkNamespace(string name) => Name = name;

    /// <summary>The namespace's name (unique per test process).</summary>
    public string Name { get; }

    /// <summary>Creates a namespace with its loopback up. Fails the test without root.</summary>
    public static NetworkNamespace Create(string prefix)
    {
        Assert.True(Privileges.IsRoot, "network namespaces need root");
        string name = $"{prefix}{Environment.ProcessId % 100000}x{Interlocked.Increment(ref s_counter)}";
        ExternalTool.Result r = ExternalTool.Run("ip", "netns", "add", name);
        Assert.True(r.ExitCode == 0, $"ip netns add {name}:\n{r}");
        var ns = new NetworkNamespace(name);
        try
        {
            ns.Run("ip", "link", "set", "lo", "up");
        }
        catch
        {
            ns.Dispose();
            throw;
        }

        return ns;
    }

    /// <summary>Runs <paramref name="argv"/> inside the namespace and returns what it printed.</summary>
    public ExternalTool.Result Exec(params string[] argv) => ExternalTool.Run("ip", ["netns", "exec", Name, .. argv]);

    /// <summary>Runs <paramref name="argv"/> inside the namespace and fails the test unless it exits 0.</summary>
    public ExternalTool.Result Run(params string[] argv)
    {
        ExternalTool.Result r = Exec(argv);
        Assert.True(r.ExitCode == 0, $"in {Name}: {string.Join(' ', argv)}\n{r}");
        return r;
    }

    /// <summary>Starts <paramref name="argv"/> inside the namespace in the background, its output going to
    /// <paramref name="log"/>; it is killed at <see cref="Dispose"/> if still running.</summary>
    public Process Start(string log, params string[] argv)
    {
        var start = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in (string[])["netns", "exec", Name, .. argv])
        {
            start.ArgumentList.Add(a);
        }

        Process p = Process.Start(start) ?? throw new InvalidOperationException($"{argv[0]} did not start");
        var writer = new StreamWriter(log) { AutoFlush = true };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (writer) { writer.WriteLine(e.Data); } } };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (writer) { writer.WriteLine(e.Data); } } };
        p.Exited += (_, _) => { lock (writer) { writer.Flush(); } };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        lock (_processes)
        {
            _processes.Add(p);
        }

        return p;
    }

    /// <summary>Runs <paramref name="body"/> on a thread that has entered the namespace (<c>setns</c>), so the kernel
    /// sockets and TAP devices it opens live there while the test process stays where it is. Exceptions come back to
    /// the caller.</summary>
    public void RunInside(Action body, TimeSpan? limit = null)
    {
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                using (Microsoft.Win32.SafeHandles.SafeFileHandle ns = File.OpenHandle($"/var/run/netns/{Name}"))
                {
                    if (SetNs((int)ns.DangerousGetHandle(), CloneNewNet) != 0)
                    {
                        throw new IOException($"setns into {Name}: errno {Marshal.GetLastPInvokeError()}");
                    }
                }

                body();
            }
            catch (Exception e)
            {
                failure = ExceptionDispatchInfo.Capture(e);
            }
        })
        {
            IsBackground = true, // a body that hangs past its limit must not keep the test host alive
        };
        thread.Start();
        TimeSpan wait = limit ?? TimeSpan.FromMinutes(3);
        Assert.True(thread.Join(wait), $"the test body in {Name} did not finish within {wait}");
        failure?.Throw();
    }

    private const int CloneNewNet = 0x40000000;

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(int fd, int nstype);

    /// <summary>Kills what still runs in the namespace and deletes it.</summary>
    public void Dispose()
    {
        lock (_processes)
        {
            foreach (Process p in _processes)
            {
                try
                {
                    if (!p.HasExited)
                    {
                        p.Kill(entireProcessTree: true);
                        p.WaitForExit(5000);
                    }
                }
                catch (InvalidOperationException)
                {
                }

                p.Dispose();
            }

            _processes.Clear();
        }

        // Anything else left inside (a daemon that forked away) goes too, or the namespace would linger.
        ExternalTool.Result pids = ExternalTool.Run("ip", "netns", "pids", Name);
        foreach (string pid in pids.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            ExternalTool.Run("kill", "-9", pid);
        }

        ExternalTool.Run("ip", "netns", "del", Name);
    }
}

using System.Diagnostics;
using System.Text;
using FragNet.Xen.Host.Interop;

namespace FragNet.Xen.Host;

/// <summary>
/// The guest: a child process running <c>fragnet xen frontend</c>, which inherits exactly three descriptors — the
/// guest's <see cref="MemoryFile"/> and the two <see cref="EventFd"/>s — and is told their numbers on its command
/// line. Everything else it learns from the control page.
/// </summary>
/// <remarks>
/// <para>Why inheritance and not a Unix socket with <c>SCM_RIGHTS</c>: the backend plays the toolstack and creates
/// the guest, so it can hand the descriptors over at birth; nothing else has to be trusted or named. The descriptors
/// are created close-on-exec, so other children of this process never get them; for the one spawn they are made
/// inheritable under a lock and closed-on-exec again right after.</para>
/// <para>The child is killed if it is still running at <see cref="Dispose"/>, so a failing caller never leaves one
/// behind.</para>
/// </remarks>
public sealed class FrontendProcess : IDisposable
{
    private static readonly Lock SpawnLock = new();

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private FrontendProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>What the child wrote to stdout and stderr.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the guest with <paramref name="memory"/>, <paramref name="kick"/> (guest → backend) and
    /// <paramref name="call"/> (backend → guest).</summary>
    public static FrontendProcess Start(FrontendCommand command, MemoryFile memory, EventFd kick, EventFd call)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(kick);
        ArgumentNullException.ThrowIfNull(call);
        var info = new ProcessStartInfo(command.FileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in command.Prefix)
        {
            info.ArgumentList.Add(a);
        }

        foreach (string a in (string[])["xen", "frontend", "--memfd", Num(memory.Fd), "--memory-bytes", Num(memory.Length), "--kick-fd", Num(kick.Fd), "--call-fd", Num(call.Fd)])
        {
            info.ArgumentList.Add(a);
        }

        int[] fds = [memory.Fd, kick.Fd, call.Fd];
        Process p;
        lock (SpawnLock)
        {
            foreach (int fd in fds)
            {
                Libc.Check(Libc.Fcntl(fd, Libc.FSetFd, 0), "fcntl(F_SETFD)");
            }

            try
            {
                p = Process.Start(info) ?? throw new InvalidOperationException($"{command.FileName} did not start");
            }
            finally
            {
                foreach (int fd in fds)
                {
                    Libc.Fcntl(fd, Libc.FSetFd, Libc.FdCloexec);
                }
            }
        }

        var f = new FrontendProcess(p);
        p.OutputDataReceived += (_, e) => f.Append(e.Data);
        p.ErrorDataReceived += (_, e) => f.Append(e.Data);
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return f;
    }

    /// <summary>Waits for the child to exit; kills it (and returns false) if it has not within
    /// <paramref name="timeout"/>.</summary>
    public bool WaitOrKill(TimeSpan timeout)
    {
        if (_process.WaitForExit(timeout))
        {
            _process.WaitForExit(); // flushes the output readers
            return true;
        }

        Kill();
        return false;
    }

    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Kill();
        }

        _process.Dispose();
    }

    private static string Num(long v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}

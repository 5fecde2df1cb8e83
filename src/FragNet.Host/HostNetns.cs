using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using FragNet.Host.Interop;

namespace FragNet.Host;

/// <summary>
/// Runs work inside a named network namespace without moving the process: a new thread joins the namespace with
/// <c>setns(CLONE_NEWNET)</c>, runs the work, and ends (taking its namespace with it). What the work opened — a TAP file,
/// a kernel socket — stays bound to that namespace and works from any thread afterwards, since a descriptor keeps the
/// namespace it was created in.
/// </summary>
public static class HostNetns
{
    /// <summary>Where <c>ip netns add NAME</c> pins namespaces.</summary>
    public const string Directory = "/var/run/netns";

    /// <summary>Runs <paramref name="work"/> in namespace <paramref name="name"/> (null: here, on this thread) and
    /// returns its result; its exception is rethrown here.</summary>
    /// <exception cref="IOException">No such namespace.</exception>
    /// <exception cref="UnauthorizedAccessException">Joining needs root (CAP_SYS_ADMIN).</exception>
    public static T Run<T>(string? name, Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (name is null)
        {
            return work();
        }

        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name is "." or "..")
        {
            throw new ArgumentException($"'{name}' is not a network namespace name", nameof(name));
        }

        T result = default!;
        ExceptionDispatchInfo? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                Join(name);
                result = work();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                error = ExceptionDispatchInfo.Capture(e);
            }
        })
        {
            IsBackground = true,
            Name = $"netns {name}",
        };
        thread.Start();
        thread.Join();
        error?.Throw();
        return result;
    }

    private static void Join(string name)
    {
        string path = Path.Combine(Directory, name);
        int fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw errno switch
            {
                Libc.ENOENT => new IOException($"no network namespace '{name}' ({path} does not exist): create it with `ip netns add {name}`"),
                Libc.EACCES or Libc.EPERM => new UnauthorizedAccessException($"opening network namespace '{name}' ({path}) needs root"),
                _ => new IOException($"open {path}: {Libc.Describe(errno)}"),
            };
        }

        try
        {
            if (Libc.SetNs(fd, Libc.CLONE_NEWNET) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                throw errno == Libc.EPERM
                    ? new UnauthorizedAccessException($"joining network namespace '{name}' needs root (CAP_SYS_ADMIN)")
                    : new IOException($"setns {path}: {Libc.Describe(errno)}");
            }
        }
        finally
        {
            _ = Libc.Close(fd);
        }
    }
}

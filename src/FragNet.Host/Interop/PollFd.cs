using System.Runtime.InteropServices;

namespace FragNet.Host.Interop;

/// <summary><c>struct pollfd</c> (poll(2)).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct PollFd
{
    public int Fd;
    public PollEvents Events;
    public PollEvents Revents;
}

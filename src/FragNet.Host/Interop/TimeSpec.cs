using System.Runtime.InteropServices;

namespace FragNet.Host.Interop;

/// <summary><c>struct timespec</c> (64-bit Linux).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TimeSpec
{
    public long Seconds;
    public long Nanoseconds;
}

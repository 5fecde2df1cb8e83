using System.Runtime.InteropServices;

namespace FragNet.Host.Interop;

/// <summary><c>struct iovec</c> (readv/writev).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IoVec
{
    public void* Base;
    public nuint Length;
}

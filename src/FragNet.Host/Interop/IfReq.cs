using System.Runtime.InteropServices;
using System.Text;

namespace FragNet.Host.Interop;

/// <summary><c>struct ifreq</c> (linux/if.h, 40 bytes on 64-bit): the name, then a 24-byte union of which the TAP
/// ioctls use <c>ifr_flags</c> (a short) and <c>ifr_ifindex</c> (an int), both at offset 16.</summary>
[StructLayout(LayoutKind.Explicit, Size = 40)]
internal unsafe struct IfReq
{
    [FieldOffset(0)]
    public fixed byte Name[Tun.IFNAMSIZ];

    [FieldOffset(16)]
    public short Flags;

    [FieldOffset(16)]
    public int Index;

    /// <summary>An ifreq naming <paramref name="name"/> (validated by the caller: 1 to 15 ASCII bytes).</summary>
    public static IfReq For(string name)
    {
        var req = default(IfReq);
        byte[] bytes = Encoding.ASCII.GetBytes(name);
        for (int i = 0; i < bytes.Length; i++)
        {
            req.Name[i] = bytes[i];
        }

        return req;
    }
}

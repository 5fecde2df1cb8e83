using System.Runtime.InteropServices;

namespace FragNet.Host.Interop;

/// <summary>The socket calls .NET's <c>Socket</c> does not expose: scatter-gather <c>sendmsg</c> with
/// <c>MSG_ZEROCOPY</c>, the error queue, and raw socket options (Linux, 64-bit).</summary>
internal static unsafe partial class SocketCalls
{
    public const int MSG_DONTWAIT = 0x40;
    public const int MSG_ERRQUEUE = 0x2000;
    public const int MSG_NOSIGNAL = 0x4000;
    public const int MSG_ZEROCOPY = 0x4000000;

    public const int SOL_SOCKET = 1;
    public const int SO_ERROR = 4;
    public const int SO_ZEROCOPY = 60;
    public const int SOL_IP = 0;
    public const int IP_RECVERR = 11;
    public const int IPPROTO_TCP = 6;
    public const int TCP_INFO = 11;

    /// <summary><c>SO_EE_ORIGIN_ZEROCOPY</c>: a <c>sock_extended_err</c> that reports MSG_ZEROCOPY completions.</summary>
    public const byte SO_EE_ORIGIN_ZEROCOPY = 5;

    /// <summary><c>SO_EE_CODE_ZEROCOPY_COPIED</c>: the kernel copied the data after all.</summary>
    public const byte SO_EE_CODE_ZEROCOPY_COPIED = 1;

    public const int ENOBUFS = 105;
    public const int EPIPE = 32;
    public const int ECONNRESET = 104;

    /// <summary>Offsets in <c>struct tcp_info</c> (linux/tcp.h; stable ABI, fields only appended).</summary>
    public const int TcpInfoTotalRetrans = 100;
    public const int TcpInfoBytesAcked = 120;
    public const int TcpInfoBytesReceived = 128;
    public const int TcpInfoSegsOut = 136;
    public const int TcpInfoSegsIn = 140;
    public const int TcpInfoLength = 144;

    public const int EINPROGRESS = 115;

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    public static partial int Connect(int fd, byte* address, uint length);

    /// <summary>A non-blocking IPv4 <c>connect</c>: 0 when under way or done, else the errno.</summary>
    public static int ConnectIpv4(int fd, uint address, ushort port)
    {
        // struct sockaddr_in: family (host order), port and address (network order), 8 bytes of zero.
        byte* sa = stackalloc byte[16];
        new Span<byte>(sa, 16).Clear();
        *(ushort*)sa = 2; // AF_INET
        sa[2] = (byte)(port >> 8);
        sa[3] = (byte)port;
        sa[4] = (byte)(address >> 24);
        sa[5] = (byte)(address >> 16);
        sa[6] = (byte)(address >> 8);
        sa[7] = (byte)address;
        if (Connect(fd, sa, 16) == 0)
        {
            return 0;
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno == EINPROGRESS ? 0 : errno;
    }

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    public static partial nint SendMsg(int fd, MsgHdr* message, int flags);

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    public static partial nint RecvMsg(int fd, MsgHdr* message, int flags);

    [LibraryImport("libc", EntryPoint = "setsockopt", SetLastError = true)]
    public static partial int SetSockOpt(int fd, int level, int name, void* value, uint length);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    public static partial int GetSockOpt(int fd, int level, int name, void* value, uint* length);
}

using System.Runtime.InteropServices;
using System.Text;
using FragNet.Buffers;
using FragNet.Host.Interop;

namespace FragNet.Host.Tap;

/// <summary>Opening: <c>/dev/net/tun</c>, <c>TUNSETIFF</c>, the virtio header and offloads, in the right namespace,
/// with errors that say what to do.</summary>
public sealed unsafe partial class TapDevice
{
    /// <summary>Opens the TAP <see cref="TapOptions.Name"/> (in <see cref="TapOptions.Namespace"/>, from a thread that
    /// joined it): <c>open("/dev/net/tun", O_RDWR|O_NONBLOCK|O_CLOEXEC)</c>, <c>TUNSETIFF</c> with
    /// <c>IFF_TAP|IFF_NO_PI</c> (and <c>IFF_VNET_HDR</c>, then <c>TUNSETVNETHDRSZ</c> 10 and <c>TUNSETOFFLOAD</c>
    /// <c>TUN_F_CSUM|TUN_F_TSO4</c>). Received frames take their pages from <paramref name="cache"/>'s pool.</summary>
    /// <exception cref="IOException">The device or namespace is missing (or present when it should be created), the
    /// device is busy or not a TAP, or <c>/dev/net/tun</c> is missing; the message says what to run.</exception>
    /// <exception cref="UnauthorizedAccessException">Not root (or without CAP_NET_ADMIN).</exception>
    public static TapDevice Open(SkbCache cache, TapOptions options)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Name.Length >= Tun.IFNAMSIZ || !Ascii.IsValid(options.Name) || options.Name.Contains('/', StringComparison.Ordinal)
            || options.Name.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"'{options.Name}' is not an interface name (1 to {Tun.IFNAMSIZ - 1} ASCII characters, no '/' or spaces)", nameof(options));
        }

        int fd = HostNetns.Run(options.Namespace, () => OpenHere(options));
        try
        {
            return new TapDevice(fd, cache, options);
        }
        catch
        {
            _ = Libc.Close(fd);
            throw;
        }
    }

    /// <summary>Does the opening on the current thread, in the current thread's namespace.</summary>
    private static int OpenHere(TapOptions options)
    {
        string where = options.Namespace is null ? string.Empty : $" in network namespace {options.Namespace}";
        string inNs = options.Namespace is null ? string.Empty : $"ip netns exec {options.Namespace} ";
        bool exists = Libc.IfNameToIndex(options.Name) != 0;
        if (!exists && options.Mode == TapOpenMode.Attach)
        {
            throw new IOException(
                $"no network device {options.Name}{where}: create the TAP first, e.g. `{inNs}ip tuntap add dev {options.Name} mode tap && " +
                $"{inNs}ip addr add 10.77.0.1/24 dev {options.Name} && {inNs}ip link set {options.Name} up`");
        }

        if (exists && options.Mode == TapOpenMode.Create)
        {
            throw new IOException($"network device {options.Name} already exists{where}; attach to it instead, or pick another name");
        }

        int fd = Libc.Open(Tun.CloneDevice, Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw errno switch
            {
                Libc.ENOENT or Libc.ENODEV => new IOException($"{Tun.CloneDevice} is missing: load the tun module (`modprobe tun`) or give the container the device"),
                Libc.EACCES or Libc.EPERM => new UnauthorizedAccessException($"opening {Tun.CloneDevice} was refused: TAP devices need root (or CAP_NET_ADMIN)"),
                _ => new IOException($"open {Tun.CloneDevice}: {Libc.Describe(errno)}"),
            };
        }

        try
        {
            Configure(fd, options, where, exists);
            if (!exists)
            {
                SetUp(options.Name);
            }

            return fd;
        }
        catch
        {
            _ = Libc.Close(fd);
            throw;
        }
    }

    private static void Configure(int fd, TapOptions options, string where, bool exists)
    {
        IfReq req = IfReq.For(options.Name);
        req.Flags = (short)(Tun.IFF_TAP | Tun.IFF_NO_PI | (options.VnetHeader ? Tun.IFF_VNET_HDR : 0));
        if (Libc.Ioctl(fd, Tun.TUNSETIFF, &req) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw errno switch
            {
                Libc.EPERM or Libc.EACCES => new UnauthorizedAccessException(
                    $"attaching to TAP {options.Name}{where} was refused: it needs root or CAP_NET_ADMIN (or a TAP made for your user: `ip tuntap add dev {options.Name} mode tap user $USER`)"),
                Libc.EBUSY => new IOException($"TAP {options.Name}{where} is busy: another program has it open (a single-queue TAP takes one reader); stop it first"),
                Libc.EINVAL when exists => new IOException($"{options.Name}{where} is not a TAP device FragNet can attach to (a TUN device, a multi-queue TAP, or not a tun/tap device at all): use `ip tuntap add dev NAME mode tap`"),
                _ => new IOException($"TUNSETIFF {options.Name}{where}: {Libc.Describe(errno)}"),
            };
        }

        // The offloads are the device's, not this file's: they outlive the descriptor on a persistent TAP. So they are
        // always set — to none without a virtio header, or a previous reader's TUN_F_CSUM|TUN_F_TSO4 would have the
        // kernel send 64 KiB frames and unfinished checksums to a reader that cannot tell.
        int size = VirtioNetHeader.Size;
        uint offloads = options.VnetHeader ? Tun.TUN_F_CSUM | Tun.TUN_F_TSO4 : 0;
        if ((options.VnetHeader && Libc.Ioctl(fd, Tun.TUNSETVNETHDRSZ, &size) != 0) || Libc.Ioctl(fd, Tun.TUNSETOFFLOAD, (void*)offloads) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"TAP {options.Name}{where}: setting the virtio header and offloads failed: {Libc.Describe(errno)}");
        }
    }

    /// <summary>Brings a TAP this process created up (<c>SIOCSIFFLAGS</c> with <c>IFF_UP</c>), so the kernel sends and
    /// accepts frames on it; addresses on the kernel side remain the caller's.</summary>
    private static void SetUp(string name)
    {
        int s = Libc.Socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        if (s < 0)
        {
            throw new IOException($"socket: {Libc.Describe(Marshal.GetLastPInvokeError())}");
        }

        try
        {
            IfReq req = IfReq.For(name);
            if (Libc.Ioctl(s, Tun.SIOCGIFFLAGS, &req) != 0)
            {
                throw new IOException($"SIOCGIFFLAGS {name}: {Libc.Describe(Marshal.GetLastPInvokeError())}");
            }

            req.Flags |= Tun.IFF_UP;
            if (Libc.Ioctl(s, Tun.SIOCSIFFLAGS, &req) != 0)
            {
                throw new IOException($"bringing {name} up: {Libc.Describe(Marshal.GetLastPInvokeError())}");
            }
        }
        finally
        {
            _ = Libc.Close(s);
        }
    }
}

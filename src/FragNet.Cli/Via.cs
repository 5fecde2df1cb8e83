using FragNet.Host.Tap;
using FragNet.Wire;

namespace FragNet.Cli;

/// <summary>
/// A parsed <c>--via/--ip/--gateway/--no-offload</c> choice (see <see cref="ViaOptions"/>): the kernel's stack, or
/// FragNet's on TAP <see cref="Device"/> at <see cref="Address"/>. <see cref="OpenTap"/> builds the running FragNet host.
/// </summary>
internal sealed record Via(ViaKind Kind, string? Device, Ipv4Cidr? Address, Ipv4Address? Gateway, bool Offload)
{
    /// <summary>The kernel's stack.</summary>
    public static readonly Via KernelHost = new(ViaKind.Host, null, null, null, false);

    /// <summary>True for <c>--via tap:DEV</c>.</summary>
    public bool IsTap => Kind == ViaKind.Tap;

    /// <summary>Opens the TAP and builds FragNet's host on it (pool, cache, device, interface, loop). On failure (no
    /// such device, not root, busy) prints <c>fragnet: …</c> with what to do and returns null: the command then exits
    /// with <see cref="ExitCodes.Usage"/>.</summary>
    public TapHost? OpenTap(int pages = TapHost.DefaultPages)
    {
        if (!IsTap)
        {
            throw new InvalidOperationException("--via host has no TAP to open");
        }

        try
        {
            return TapHost.Open(new TapOptions(Device!) { VnetHeader = Offload }, Address!.Value, Gateway, pages);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            Console.Error.WriteLine($"fragnet: {e.Message}");
            return null;
        }
    }

    /// <summary>As the user wrote it: <c>host</c> or <c>tap:DEV</c>.</summary>
    public override string ToString() => IsTap ? $"tap:{Device}" : "host";
}

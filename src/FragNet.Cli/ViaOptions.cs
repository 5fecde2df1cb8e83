using System.CommandLine;
using System.CommandLine.Parsing;
using FragNet.Wire;

namespace FragNet.Cli;

/// <summary>
/// The options every command that talks to a real network shares, parsed and checked in one place:
/// <c>--via host|tap:DEV</c> (the kernel's TCP/IP through sockets, or FragNet's stack on an existing TAP),
/// <c>--ip ADDR/PREFIX</c> (FragNet's address on the TAP's wire; required with a TAP, refused with host),
/// <c>--gateway ADDR</c> (inside that subnet) and <c>--no-offload</c> (open the TAP without the virtio header: every
/// frame at most MTU-sized, checksums in software).
/// </summary>
/// <remarks>
/// Use: <c>var via = new ViaOptions(); via.AddTo(command);</c> then, in the action, <c>Via v = via.GetValue(parse);</c>
/// and for a TAP <c>using TapHost? host = v.OpenTap(); if (host is null) return ExitCodes.Usage;</c>. Bad values are
/// parse errors (exit 2 with the message) before the action runs.
/// </remarks>
internal sealed class ViaOptions
{
    private readonly bool _allowHost;

    /// <summary>Options for a command; <paramref name="allowHost"/> false for commands only FragNet can do (ping).</summary>
    public ViaOptions(bool allowHost = true)
    {
        _allowHost = allowHost;
        ViaOption = new Option<string>("--via")
        {
            Description = allowHost ? "Network: 'host' (the kernel's TCP/IP) or 'tap:DEV' (FragNet's stack on an existing TAP)." : "Network: 'tap:DEV' (FragNet's stack on an existing TAP).",
            Required = !allowHost,
            DefaultValueFactory = allowHost ? _ => "host" : null!,
        };
        IpOption = new Option<string?>("--ip") { Description = "FragNet's address on the TAP, ADDR/PREFIX (e.g. 10.77.0.2/24); required with --via tap." };
        GatewayOption = new Option<string?>("--gateway") { Description = "Default gateway for FragNet on the TAP (an address inside --ip's subnet)." };
        NoOffloadOption = new Option<bool>("--no-offload") { Description = "Open the TAP without the virtio header (no TSO, checksums in software)." };
    }

    public Option<string> ViaOption { get; }

    public Option<string?> IpOption { get; }

    public Option<string?> GatewayOption { get; }

    public Option<bool> NoOffloadOption { get; }

    /// <summary>Adds the options and their cross-checks to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(ViaOption);
        command.Options.Add(IpOption);
        command.Options.Add(GatewayOption);
        command.Options.Add(NoOffloadOption);
        command.Validators.Add(Validate);
    }

    /// <summary>The parsed choice (call from the action: validation has passed).</summary>
    public Via GetValue(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        string? error = TryParse(parse.GetValue(ViaOption), parse.GetValue(IpOption), parse.GetValue(GatewayOption), parse.GetValue(NoOffloadOption), out Via? via);
        return error is null ? via! : throw new InvalidOperationException(error);
    }

    /// <summary>Checks a combination; null when good (then <paramref name="via"/> is set), else the message.</summary>
    public string? TryParse(string? viaText, string? ipText, string? gatewayText, bool noOffload, out Via? via)
    {
        via = null;
        viaText ??= _allowHost ? "host" : null;
        if (viaText is null)
        {
            return "--via tap:DEV is required.";
        }

        if (viaText == "host")
        {
            if (!_allowHost)
            {
                return "this command needs FragNet's stack: use --via tap:DEV (the kernel's own tool does --via host).";
            }

            if (ipText is not null || gatewayText is not null)
            {
                return "--ip and --gateway are for --via tap:DEV; with --via host the kernel's addresses and routes apply.";
            }

            via = Via.KernelHost;
            return null;
        }

        if (!viaText.StartsWith("tap:", StringComparison.Ordinal) || viaText.Length == 4)
        {
            return $"--via must be {(_allowHost ? "'host' or " : string.Empty)}'tap:DEV' (got '{viaText}').";
        }

        string device = viaText[4..];
        if (device.Length > 15 || device.Contains('/', StringComparison.Ordinal) || device.Any(char.IsWhiteSpace))
        {
            return $"'{device}' is not an interface name (1 to 15 characters, no '/' or spaces).";
        }

        if (ipText is null)
        {
            return $"--via {viaText} needs --ip ADDR/PREFIX: FragNet's own address on the TAP's wire (e.g. 10.77.0.2/24 when the TAP has 10.77.0.1/24).";
        }

        if (!Ipv4Cidr.TryParse(ipText, out Ipv4Cidr address) || address.PrefixLength == 0 || address.Address == address.NetworkAddress && address.PrefixLength < 31)
        {
            return $"--ip must be an IPv4 host address with a prefix length, like 10.77.0.2/24 (got '{ipText}').";
        }

        Ipv4Address? gateway = null;
        if (gatewayText is not null)
        {
            if (!Ipv4Address.TryParse(gatewayText, out Ipv4Address gw))
            {
                return $"--gateway must be an IPv4 address (got '{gatewayText}').";
            }

            if (!address.Contains(gw) || gw == address.Address)
            {
                return $"--gateway {gw} must be another address inside {address.Network}.";
            }

            gateway = gw;
        }

        via = new Via(ViaKind.Tap, device, address, gateway, !noOffload);
        return null;
    }

    private void Validate(CommandResult result)
    {
        string? error = TryParse(
            Value(result, ViaOption),
            Value(result, IpOption),
            Value(result, GatewayOption),
            Value(result, NoOffloadOption),
            out _);
        if (error is not null)
        {
            result.AddError(error);
        }
    }

    private static T? Value<T>(CommandResult result, Option<T> option) =>
        result.GetResult(option) is OptionResult r && r.TryGetValue(out T value) ? value : default;
}

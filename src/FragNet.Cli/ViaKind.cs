namespace FragNet.Cli;

/// <summary>Which network a command's traffic uses.</summary>
internal enum ViaKind
{
    /// <summary>The kernel's own TCP/IP, through System.Net.Sockets (<c>--via host</c>).</summary>
    Host,

    /// <summary>FragNet's stack on a TAP device (<c>--via tap:DEV</c>).</summary>
    Tap,
}

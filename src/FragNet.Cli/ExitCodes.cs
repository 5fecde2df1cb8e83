namespace FragNet.Cli;

/// <summary>Process exit codes shared by every command.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked and found nothing wrong.</summary>
    public const int Ok = 0;

    /// <summary>The command ran and found a problem (a violation, a leak, corrupted data).</summary>
    public const int Failed = 1;

    /// <summary>Bad arguments (System.CommandLine's own parse errors also exit with this).</summary>
    public const int Usage = 2;
}

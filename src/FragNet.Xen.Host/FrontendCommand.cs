using System.Reflection;

namespace FragNet.Xen.Host;

/// <summary>How to start the <c>fragnet</c> executable that runs <c>xen frontend</c>: a file and the arguments that
/// come before the command (the assembly, when it runs under the <c>dotnet</c> host).</summary>
public sealed record FrontendCommand(string FileName, IReadOnlyList<string> Prefix)
{
    /// <summary>This process's own executable (the <c>fragnet</c> CLI starting its own frontend).</summary>
    public static FrontendCommand ThisProcess()
    {
        string path = Environment.ProcessPath ?? throw new InvalidOperationException("the process path is unknown");
        return IsDotnetHost(path)
            ? new FrontendCommand(path, [Assembly.GetEntryAssembly()?.Location ?? throw new InvalidOperationException("no entry assembly")])
            : new FrontendCommand(path, []);
    }

    /// <summary><c>fragnet.dll</c> at <paramref name="assemblyPath"/>, run by the <c>dotnet</c> host (tests).</summary>
    public static FrontendCommand DotnetAssembly(string assemblyPath)
    {
        string? current = Environment.ProcessPath;
        string host = current is not null && IsDotnetHost(current) ? current : "dotnet";
        return new FrontendCommand(host, [assemblyPath]);
    }

    private static bool IsDotnetHost(string path) => Path.GetFileNameWithoutExtension(path).Equals("dotnet", StringComparison.Ordinal);
}

namespace FragNet.Xen.Host.Tests;

/// <summary>How the tests start the guest: the <c>fragnet</c> assembly built beside them, under the dotnet host.</summary>
internal static class GuestProcess
{
    public static FrontendCommand Command
    {
        get
        {
            string dll = Path.Combine(AppContext.BaseDirectory, "fragnet.dll");
            Assert.True(File.Exists(dll), $"{dll} is missing: the test project builds FragNet.Cli beside itself");
            return FrontendCommand.DotnetAssembly(dll);
        }
    }
}

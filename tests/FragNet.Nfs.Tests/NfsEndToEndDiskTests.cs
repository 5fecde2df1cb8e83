namespace FragNet.Nfs.Tests;

/// <summary>The end-to-end contract with the server exporting a <see cref="Server.DiskBackend"/> on a fresh temporary
/// directory, deleted when each test's network is disposed.</summary>
public sealed class NfsEndToEndDiskTests : NfsEndToEndContract
{
    protected override bool OnDisk => true;

    protected override bool SupportsHardLinks => false;
}

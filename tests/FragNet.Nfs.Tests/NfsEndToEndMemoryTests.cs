namespace FragNet.Nfs.Tests;

/// <summary>The end-to-end contract with the server exporting a <see cref="Server.MemoryBackend"/>.</summary>
public sealed class NfsEndToEndMemoryTests : NfsEndToEndContract
{
    protected override bool OnDisk => false;

    protected override bool SupportsHardLinks => true;
}

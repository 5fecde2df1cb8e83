namespace FragNet.Devices.Tests;

/// <summary>The edge-case capture written once per test class to a temporary file, for tcpdump to read.</summary>
public sealed class EdgeCaseCaptureFile : IDisposable
{
    private readonly string _directory = TestPaths.NewTempDirectory("edge-cases");

    public EdgeCaseCaptureFile()
    {
        Path = System.IO.Path.Combine(_directory, "edge-cases.pcap");
        EdgeCaseCapture.Write(Path);
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

using FragNet.Nfs.Client;

namespace FragNet.Nfs.Tests;

/// <summary>NFS URLs as libnfs writes them.</summary>
public sealed class NfsUrlTests
{
    [Theory]
    [InlineData("nfs://10.77.0.1/srv/exp/r.md?nfsport=2049&mountport=20048", "10.77.0.1", "/srv/exp/r.md", (ushort)2049, (ushort)20048)]
    [InlineData("nfs://10.0.0.2/srv/exp", "10.0.0.2", "/srv/exp", null, null)]
    [InlineData("NFS://10.0.0.2", "10.0.0.2", "/", null, null)]
    [InlineData("nfs://10.0.0.2:2050//a/./b/", "10.0.0.2", "/a/b", (ushort)2050, null)]
    [InlineData("nfs://10.0.0.2/a%20b?mountport=7", "10.0.0.2", "/a b", null, (ushort)7)]
    public void Parses_host_path_and_ports(string text, string host, string path, ushort? nfsPort, ushort? mountPort)
    {
        Assert.True(NfsUrl.TryParse(text, out NfsUrl url, out string error), error);
        Assert.Equal(new NfsUrl(host, path, nfsPort, mountPort), url);
    }

    [Theory]
    [InlineData("http://10.0.0.2/x", "must start with nfs://")]
    [InlineData("nfs:///x", "names no server")]
    [InlineData("nfs://10.0.0.2/x?nfsport=0", "is not a port")]
    [InlineData("nfs://10.0.0.2/x?nfsport=70000", "is not a port")]
    [InlineData("nfs://10.0.0.2:x/y", "is not a port")]
    [InlineData("nfs://10.0.0.2/x?version=4", "'version'")]
    [InlineData("nfs://10.0.0.2/a/../etc", "'..'")]
    public void Refuses_malformed_URLs_with_the_reason(string text, string reason)
    {
        Assert.False(NfsUrl.TryParse(text, out _, out string error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Prints_back_in_the_form_it_was_parsed_from()
    {
        const string text = "nfs://10.77.0.1/srv/exp/r.md?nfsport=2049&mountport=20048";
        Assert.Equal(text, NfsUrl.Parse(text).ToString());
    }
}

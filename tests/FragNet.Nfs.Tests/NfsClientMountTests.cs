using FragNet.Nfs.Protocol;
using FragNet.Nfs.Server;

namespace FragNet.Nfs.Tests;

/// <summary>The MOUNT side of the client over the network: EXPORT, DUMP, UMNT, and NFS NULL.</summary>
public sealed class NfsClientMountTests
{
    [Fact]
    public void The_client_lists_exports_sees_its_mount_and_unmounts_it()
    {
        using var net = new NfsNetwork(onDisk: false);
        Exports3Result exports = net.Complete(net.Client.Exports(net.Now));
        Assert.Equal([MountProgram.DefaultExportPath], exports.Exports.Select(e => e.Directory));

        net.MountExport();
        MountList3Result mounts = net.Complete(net.Client.MountDump(net.Now));
        Assert.Contains(mounts.Entries, e => e.Directory == MountProgram.DefaultExportPath);

        net.Complete(net.Client.Unmount(MountProgram.DefaultExportPath, net.Now));
        Assert.Empty(net.Complete(net.Client.MountDump(net.Now)).Entries);
        Assert.Same(NfsVoid.Value, net.Complete(net.Client.Null(net.Now)));
    }
}

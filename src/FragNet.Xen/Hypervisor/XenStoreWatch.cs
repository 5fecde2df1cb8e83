namespace FragNet.Xen.Hypervisor;

/// <summary>A watch on a XenStore prefix: the paths that changed, in order, until the driver takes them.</summary>
public sealed class XenStoreWatch
{
    internal XenStoreWatch(string prefix) => Prefix = prefix;

    public string Prefix { get; }

    internal Queue<string> Changed { get; } = new();

    /// <summary>The next changed path, if any.</summary>
    public bool TryTake(out string path) => Changed.TryDequeue(out path!);
}

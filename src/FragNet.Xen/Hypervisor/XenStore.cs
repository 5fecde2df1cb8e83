namespace FragNet.Xen.Hypervisor;

/// <summary>
/// A small XenStore: a tree of string values by path, with watches. Drivers write their keys
/// (<c>device/vif/0/tx-ring-ref</c>, <c>.../event-channel</c>, <c>.../state</c>, <c>feature-sg</c>…) and react to
/// the other side's changes when they poll their watch.
/// </summary>
public sealed class XenStore
{
    private readonly SortedDictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly List<XenStoreWatch> _watches = [];

    /// <summary>Writes a value; watches on a prefix of <paramref name="path"/> see the path.</summary>
    public void Write(string path, string value)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(value);
        _values[path] = value;
        Fire(path);
    }

    /// <summary>The value at <paramref name="path"/>, or null.</summary>
    public string? Read(string path) => _values.TryGetValue(path, out string? v) ? v : null;

    /// <summary>The value at <paramref name="path"/> as an unsigned integer, or null if absent or not a number.</summary>
    public uint? ReadUInt(string path) =>
        Read(path) is string s && uint.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uint v) ? v : null;

    /// <summary>Removes <paramref name="path"/> and everything under it.</summary>
    public void Remove(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        foreach (string key in _values.Keys.Where(k => k == path || k.StartsWith(path + "/", StringComparison.Ordinal)).ToList())
        {
            _values.Remove(key);
        }

        Fire(path);
    }

    /// <summary>Watches <paramref name="prefix"/>: every write or removal under it is queued on the watch.</summary>
    public XenStoreWatch Watch(string prefix)
    {
        var w = new XenStoreWatch(prefix);
        _watches.Add(w);
        return w;
    }

    /// <summary>A driver's <c>state</c> key as a <see cref="XenbusState"/>.</summary>
    public XenbusState ReadState(string devicePath) =>
        ReadUInt(devicePath + "/state") is uint v && v <= (uint)XenbusState.Reconfigured ? (XenbusState)v : XenbusState.Unknown;

    /// <summary>Writes a driver's <c>state</c> key.</summary>
    public void WriteState(string devicePath, XenbusState state) =>
        Write(devicePath + "/state", ((int)state).ToString(System.Globalization.CultureInfo.InvariantCulture));

    private void Fire(string path)
    {
        foreach (XenStoreWatch w in _watches)
        {
            if (path.StartsWith(w.Prefix, StringComparison.Ordinal))
            {
                w.Changed.Enqueue(path);
            }
        }
    }
}

namespace FragNet.Host.Tap;

/// <summary>Whether <see cref="TapDevice.Open"/> attaches to a TAP that exists or makes one.</summary>
public enum TapOpenMode
{
    /// <summary>The device must exist (<c>ip tuntap add dev NAME mode tap</c>, addressed and up); a missing one is
    /// an error that says how to make it.</summary>
    Attach,

    /// <summary>The device must not exist: it is created, brought up, and disappears when the device is disposed.
    /// Addresses on the kernel side are the caller's (<c>ip addr add</c>).</summary>
    Create,

    /// <summary>Attach if it exists, else create.</summary>
    AttachOrCreate,
}

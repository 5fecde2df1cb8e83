namespace FragNet.Devices.Internal;

/// <summary>The type qualifier (pcap-filter(7)'s <i>type</i>): what the id after it names. <see cref="Proto"/> is the
/// <c>ip proto N</c> form.</summary>
internal enum FilterIdType : byte
{
    Default,
    Host,
    Net,
    Port,
    Proto,
}

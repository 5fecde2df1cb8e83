namespace FragNet.Devices.Internal;

/// <summary>The direction qualifier (pcap-filter(7)'s <i>dir</i>). <c>src or dst</c> is <see cref="Default"/>: libpcap
/// generates the same code for both.</summary>
internal enum FilterDir : byte
{
    Default,
    Src,
    Dst,
    SrcAndDst,
}

namespace FragNet.Wire;

/// <summary>Codes of an ICMPv4 time exceeded message (RFC 792).</summary>
public enum Icmpv4TimeExceededCode : byte
{
    /// <summary>Time to live exceeded in transit.</summary>
    TtlExceeded = 0,

    /// <summary>Fragment reassembly time exceeded (RFC 792; Linux sends it when <c>ipfrag_time</c> runs out and the
    /// first fragment was received).</summary>
    FragmentReassemblyTimeExceeded = 1,
}

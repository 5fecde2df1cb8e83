namespace FragNet.Wire.Tests;

/// <summary>One captured frame.</summary>
/// <param name="Index">1-based position in the file, as tcpdump and tshark number frames.</param>
/// <param name="Data">The captured bytes.</param>
/// <param name="OriginalLength">The frame's length on the wire (larger than <c>Data</c> if the snap length cut it).</param>
public sealed record PcapRecord(int Index, byte[] Data, int OriginalLength);

using System.Buffers.Binary;

namespace FragNet.SunRpc.Rpc;

/// <summary>
/// Record marking for RPC over a byte stream (RFC 5531 §11): each record is one or more fragments, each preceded by
/// a 4-byte big-endian header whose high bit says "last fragment" and whose low 31 bits are the fragment length.
/// </summary>
public static class RecordMarking
{
    /// <summary>The last-fragment bit.</summary>
    public const uint LastFragment = 0x8000_0000;

    /// <summary>Largest fragment a header can describe.</summary>
    public const int MaxFragment = 0x7FFF_FFFF;

    /// <summary>Header length.</summary>
    public const int HeaderLength = 4;

    /// <summary>Writes a fragment header.</summary>
    public static void WriteHeader(Span<byte> destination, int fragmentLength, bool last)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fragmentLength);
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)fragmentLength | (last ? LastFragment : 0));
    }

    /// <summary>Reads a fragment header.</summary>
    public static (int Length, bool Last) ReadHeader(ReadOnlySpan<byte> source)
    {
        uint v = BinaryPrimitives.ReadUInt32BigEndian(source);
        return ((int)(v & ~LastFragment), (v & LastFragment) != 0);
    }
}

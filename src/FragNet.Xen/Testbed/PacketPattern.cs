using System.Buffers.Binary;
using FragNet.Buffers;
using FragNet.Devices;

namespace FragNet.Xen.Testbed;

/// <summary>
/// The bytes of test packet number <c>sequence</c> of <c>length</c> bytes, addressable by position so a guest can
/// write it slot by slot and a checker can walk it frag by frag: a 14-byte header (<c>u64 sequence @0</c>,
/// <c>u32 length @8</c>, ethertype 0x88B5 — IEEE local experimental — @12) and then a <see cref="DeterministicPattern"/>
/// seeded by the sequence.
/// </summary>
/// <remarks>
/// A packet checks only if its length is the one its header announces and every byte is the pattern's. So a backend
/// that validated one version of a request and then used another (a double fetch: the size of one, the grant of the
/// other) delivers a packet that fails the check.
/// </remarks>
public static class PacketPattern
{
    /// <summary>Bytes of header.</summary>
    public const int HeaderLength = 14;

    /// <summary>Writes bytes <c>[position, position + destination.Length)</c> of the packet.</summary>
    public static void Fill(Span<byte> destination, long sequence, int length, int position)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        WriteHeader(header, sequence, length);
        int i = 0;
        for (; i < destination.Length && position + i < HeaderLength; i++)
        {
            destination[i] = header[position + i];
        }

        if (i < destination.Length)
        {
            Body(sequence).Fill(destination[i..], position + i);
        }
    }

    /// <summary>True if <paramref name="packet"/> is a whole test packet; <paramref name="sequence"/> and
    /// <paramref name="length"/> are what its header says.</summary>
    public static bool Check(SkBuff packet, out long sequence, out int length)
    {
        ArgumentNullException.ThrowIfNull(packet);
        sequence = -1;
        length = -1;
        if (packet.Len < HeaderLength)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderLength];
        packet.CopyBits(0, header);
        sequence = BinaryPrimitives.ReadInt64LittleEndian(header);
        length = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        Span<byte> expected = stackalloc byte[HeaderLength];
        WriteHeader(expected, sequence, length);
        if (length != packet.Len || !header.SequenceEqual(expected))
        {
            return false;
        }

        DeterministicPattern body = Body(sequence);
        Span<byte> want = stackalloc byte[512];
        long position = 0;
        foreach (ReadOnlySpan<byte> piece in packet.Bytes())
        {
            ReadOnlySpan<byte> rest = piece;
            while (!rest.IsEmpty)
            {
                int skip = position < HeaderLength ? (int)Math.Min(HeaderLength - position, rest.Length) : 0;
                rest = rest[skip..];
                position += skip;
                int n = Math.Min(rest.Length, want.Length);
                body.Fill(want[..n], position);
                if (!rest[..n].SequenceEqual(want[..n]))
                {
                    return false;
                }

                rest = rest[n..];
                position += n;
            }
        }

        return true;
    }

    private static void WriteHeader(Span<byte> header, long sequence, int length)
    {
        BinaryPrimitives.WriteInt64LittleEndian(header, sequence);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], length);
        header[12] = 0x88;
        header[13] = 0xB5;
    }

    private static DeterministicPattern Body(long sequence) => new(0xF4A6_0000_0000_0000UL ^ (ulong)sequence);
}

using System.Buffers.Binary;

namespace FragNet.Devices;

/// <summary>
/// A reproducible pseudo-random byte stream addressed by position: byte <c>p</c> depends only on the seed and
/// <c>p</c>, so a sender and a checker that cut the stream into different pieces still agree. Each 8-byte block is one
/// SplitMix64 output of the seed and the block number.
/// </summary>
public readonly struct DeterministicPattern(ulong seed)
{
    /// <summary>Writes the stream's bytes <c>[position, position + destination.Length)</c>.</summary>
    public void Fill(Span<byte> destination, long position)
    {
        int i = 0;
        // Head: up to the next 8-byte boundary of the stream.
        while (i < destination.Length && ((position + i) & 7) != 0)
        {
            destination[i] = ByteAt(position + i);
            i++;
        }

        // Body: whole blocks, one mix each.
        for (; i + 8 <= destination.Length; i += 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination[i..], Block((position + i) >> 3));
        }

        for (; i < destination.Length; i++)
        {
            destination[i] = ByteAt(position + i);
        }
    }

    private byte ByteAt(long p) => (byte)(Block(p >> 3) >> ((int)(p & 7) * 8));

    private ulong Block(long index) => Mix(seed + ((ulong)index * 0x9E3779B97F4A7C15UL));

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

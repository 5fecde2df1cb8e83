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
        for (int i = 0; i < destination.Length;)
        {
            long p = position + i;
            ulong value = Mix(seed + ((ulong)(p >> 3) * 0x9E3779B97F4A7C15UL));
            int shift = (int)(p & 7);
            for (int k = shift; k < 8 && i < destination.Length; k++, i++)
            {
                destination[i] = (byte)(value >> (k * 8));
            }
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

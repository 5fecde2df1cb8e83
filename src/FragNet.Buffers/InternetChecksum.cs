using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace FragNet.Buffers;

/// <summary>
/// The Internet checksum (RFC 1071): the 16-bit one's-complement sum of big-endian 16-bit words.
/// </summary>
/// <remarks>
/// Sums are computed in native byte order over 64-bit loads and byte-swapped once at the end: the one's-complement
/// sum commutes with byte swapping (RFC 1071 §2(B)). A piece that starts at an odd position of the whole stream has
/// its bytes in the other lane, so its folded sum is swapped before it is added (what <c>csum_block_add</c> does).
/// </remarks>
public static class InternetChecksum
{
    /// <summary>The checksum field value for <paramref name="data"/>: the complement of its folded sum.</summary>
    public static ushort Compute(ReadOnlySpan<byte> data) => (ushort)~Sum(data);

    /// <summary>The folded 16-bit one's-complement sum of <paramref name="data"/> in network order (not complemented).</summary>
    public static ushort Sum(ReadOnlySpan<byte> data)
    {
        var acc = default(Accumulator);
        acc.Add(data);
        return acc.Folded;
    }

    /// <summary>Adds two folded sums with end-around carry (<c>csum_add</c>).</summary>
    public static ushort Add(ushort a, ushort b)
    {
        uint s = (uint)a + b;
        return (ushort)((s & 0xFFFF) + (s >> 16));
    }

    /// <summary>Folds a 64-bit accumulation to 16 bits with end-around carries.</summary>
    public static ushort Fold(ulong sum)
    {
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        sum = (sum & 0xFFFF_FFFF) + (sum >> 32);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        sum = (sum & 0xFFFF) + (sum >> 16);
        return (ushort)sum;
    }

    /// <summary>The native-order sum of <paramref name="data"/>, folded to 16 bits.</summary>
    private static ushort NativeSum(ReadOnlySpan<byte> data)
    {
        ulong sum = 0;
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(data);
        int i = 0;
        ulong s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (; i + 4 <= words.Length; i += 4)
        {
            ulong w0 = words[i], w1 = words[i + 1], w2 = words[i + 2], w3 = words[i + 3];
            s0 += (w0 & 0xFFFF_FFFF) + (w0 >> 32);
            s1 += (w1 & 0xFFFF_FFFF) + (w1 >> 32);
            s2 += (w2 & 0xFFFF_FFFF) + (w2 >> 32);
            s3 += (w3 & 0xFFFF_FFFF) + (w3 >> 32);
        }

        for (; i < words.Length; i++)
        {
            ulong w = words[i];
            s0 += (w & 0xFFFF_FFFF) + (w >> 32);
        }

        sum = s0 + s1 + s2 + s3; // each lane < 2^33 per 8 bytes: no overflow below 2^30 words
        ReadOnlySpan<byte> rest = data[(words.Length * 8)..];
        int j = 0;
        for (; j + 2 <= rest.Length; j += 2)
        {
            sum += MemoryMarshal.Read<ushort>(rest[j..]);
        }

        if (j < rest.Length)
        {
            // A trailing odd byte is the first byte of a word padded with zero (RFC 1071): in native order that is
            // the low byte on a little-endian machine and the high byte on a big-endian one.
            sum += BitConverter.IsLittleEndian ? rest[j] : (ulong)rest[j] << 8;
        }

        return Fold(sum);
    }

    /// <summary>Accumulates a sum over pieces of one stream (head, frags, frag list).</summary>
    public struct Accumulator
    {
        private ulong _sum;
        private long _position;

        /// <summary>Starts from a previous folded sum (e.g. a pseudo-header's).</summary>
        public Accumulator(ushort initial) => _sum = initial;

        /// <summary>Bytes added so far.</summary>
        public readonly long Position => _position;

        /// <summary>The folded sum so far, in network order.</summary>
        public readonly ushort Folded => Fold(_sum);

        /// <summary>Adds the next piece of the stream.</summary>
        public void Add(ReadOnlySpan<byte> piece)
        {
            if (piece.IsEmpty)
            {
                return;
            }

            ushort s = NativeSum(piece);
            if (BitConverter.IsLittleEndian)
            {
                s = BinaryPrimitives.ReverseEndianness(s);
            }

            if ((_position & 1) != 0)
            {
                s = BinaryPrimitives.ReverseEndianness(s);
            }

            _sum += s;
            _position += piece.Length;
        }
    }
}

using System.Buffers.Binary;

namespace FragNet.SunRpc.Tests;

/// <summary>Expected encodings written by hand, one XDR unit (a big-endian 32-bit word) at a time, as the RFCs lay
/// them out.</summary>
internal static class XdrBytes
{
    /// <summary>Each word big-endian, in order.</summary>
    public static byte[] Words(params uint[] words)
    {
        byte[] bytes = new byte[words.Length * 4];
        for (int i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(i * 4), words[i]);
        }

        return bytes;
    }

    /// <summary>The pieces one after another.</summary>
    public static byte[] Concat(params byte[][] pieces) => pieces.SelectMany(p => p).ToArray();

    /// <summary>The bytes of <paramref name="writer"/> as an array.</summary>
    public static byte[] Of(Xdr.XdrWriter writer) => writer.WrittenSpan.ToArray();
}

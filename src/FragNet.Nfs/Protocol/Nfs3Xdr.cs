using System.Buffers.Binary;
using System.Text;
using FragNet.SunRpc.Xdr;

namespace FragNet.Nfs.Protocol;

/// <summary>The small optional and discriminated pieces RFC 1813 repeats in many structures.</summary>
internal static class Nfs3Xdr
{
    /// <summary><c>post_op_attr</c>: a boolean and, if true, <c>fattr3</c>.</summary>
    public static void WritePostOpAttr(XdrWriter writer, Fattr3? attributes)
    {
        writer.WriteBool(attributes is not null);
        attributes?.Encode(writer);
    }

    public static Fattr3? ReadPostOpAttr(ref XdrReader reader) => reader.ReadBool() ? Fattr3.Decode(ref reader) : null;

    /// <summary><c>post_op_fh3</c>: a boolean and, if true, <c>nfs_fh3</c>.</summary>
    public static void WritePostOpFh(XdrWriter writer, NfsFh3? handle)
    {
        writer.WriteBool(handle is not null);
        handle?.Encode(writer);
    }

    public static NfsFh3? ReadPostOpFh(ref XdrReader reader) => reader.ReadBool() ? NfsFh3.Decode(ref reader) : null;

    /// <summary>An 8-byte verifier (<c>cookieverf3</c>, <c>createverf3</c>, <c>writeverf3</c>) carried as a big-endian
    /// 64-bit value, so the bytes survive a round trip exactly.</summary>
    public static void WriteVerifier(XdrWriter writer, ulong verifier) => writer.WriteUInt64(verifier);

    public static ulong ReadVerifier(ref XdrReader reader)
    {
        ReadOnlyMemory<byte> bytes = reader.ReadOpaqueFixed(Nfs3Constants.VerifierLength);
        return bytes.Length == Nfs3Constants.VerifierLength ? BinaryPrimitives.ReadUInt64BigEndian(bytes.Span) : 0;
    }

    /// <summary><c>ftype3</c>: 1..7; anything else is <see cref="XdrError.BadDiscriminant"/>.</summary>
    public static FileType3 ReadFileType(ref XdrReader reader)
    {
        uint v = reader.ReadUInt32();
        if (reader.IsValid && (v < (uint)FileType3.Regular || v > (uint)FileType3.Fifo))
        {
            reader.Fail(XdrError.BadDiscriminant);
            return FileType3.None;
        }

        return (FileType3)v;
    }

    /// <summary><c>nfsstat3</c> is read as sent: an unknown value is a failure like any other, not a decode error,
    /// so a client can still report it.</summary>
    public static Nfs3Status ReadStatus(ref XdrReader reader) => (Nfs3Status)reader.ReadUInt32();

    /// <summary>Encoded length of an XDR string.</summary>
    public static int StringLength(string value) => 4 + ((Encoding.UTF8.GetByteCount(value) + 3) & ~3);

    /// <summary>Sum of the page lengths (what <see cref="XdrBuf.WriteOpaquePages"/> will put in the length word).</summary>
    public static int PageLength(ReadOnlySpan<XdrPage> pages)
    {
        int total = 0;
        foreach (XdrPage p in pages)
        {
            total += p.Length;
        }

        return total;
    }

    /// <summary>Decodes a linked list (<c>*next</c> chains, RFC 4506 §4.19 optional-data) of at most
    /// <paramref name="max"/> items; more is <see cref="XdrError.LengthExceedsBound"/>.</summary>
    public static List<T> ReadList<T>(ref XdrReader reader, int max, ReadItem<T> readItem)
    {
        var items = new List<T>();
        while (reader.ReadBool())
        {
            if (items.Count == max)
            {
                reader.Fail(XdrError.LengthExceedsBound);
                break;
            }

            items.Add(readItem(ref reader));
        }

        return items;
    }

    public delegate T ReadItem<T>(ref XdrReader reader);
}

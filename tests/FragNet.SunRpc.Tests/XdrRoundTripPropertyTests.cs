using System.Text;
using CsCheck;
using FragNet.SunRpc.Xdr;

namespace FragNet.SunRpc.Tests;

/// <summary>Every item XdrWriter writes, XdrReader reads back unchanged (RFC 4506 §4), alone and in any sequence, and
/// every cut-short encoding fails with <see cref="XdrError.Truncated"/> instead of throwing.</summary>
public sealed class XdrRoundTripPropertyTests
{
    private enum Kind
    {
        UInt32,
        Int32,
        UInt64,
        Int64,
        Bool,
        OpaqueFixed,
        Opaque,
        String,
    }

    /// <summary>One item: its kind, a number (integers and bools), bytes (opaques) or text (strings).</summary>
    private sealed record Item(Kind Kind, ulong Number, byte[] Bytes, string Text)
    {
        public override string ToString() => Kind switch
        {
            Kind.OpaqueFixed or Kind.Opaque => $"{Kind}[{Bytes.Length}]",
            Kind.String => $"{Kind} \"{Text}\"",
            _ => $"{Kind} {Number}",
        };
    }

    /// <summary>Strings of any Unicode scalar values (no lone surrogates: those have no UTF-8 form).</summary>
    private static readonly Gen<string> UnicodeText =
        Gen.Int[0, 0x10FFFF].Where(cp => cp is < 0xD800 or > 0xDFFF).Select(char.ConvertFromUtf32).Array[0, 24]
            .Select(parts => string.Concat(parts));

    private static readonly Gen<byte[]> SomeBytes = Gen.Byte.Array[0, 41];

    private static readonly Gen<Item> AnyItem = Gen.OneOf(
        Gen.UInt.Select(v => new Item(Kind.UInt32, v, [], string.Empty)),
        Gen.Int.Select(v => new Item(Kind.Int32, (ulong)(long)v, [], string.Empty)),
        Gen.ULong.Select(v => new Item(Kind.UInt64, v, [], string.Empty)),
        Gen.Long.Select(v => new Item(Kind.Int64, (ulong)v, [], string.Empty)),
        Gen.Bool.Select(v => new Item(Kind.Bool, v ? 1ul : 0ul, [], string.Empty)),
        SomeBytes.Select(b => new Item(Kind.OpaqueFixed, 0, b, string.Empty)),
        SomeBytes.Select(b => new Item(Kind.Opaque, 0, b, string.Empty)),
        UnicodeText.Select(s => new Item(Kind.String, 0, [], s)));

    [Fact]
    public void Any_uint32_round_trips() =>
        Gen.UInt.ForAllSeeded(v => RoundTrip(w => w.WriteUInt32(v), (ref XdrReader r) => r.ReadUInt32() == v, 4), PropertySeeds.Iterations);

    [Fact]
    public void Any_int32_round_trips() =>
        Gen.Int.ForAllSeeded(v => RoundTrip(w => w.WriteInt32(v), (ref XdrReader r) => r.ReadInt32() == v, 4), PropertySeeds.Iterations);

    [Fact]
    public void Any_uint64_round_trips() =>
        Gen.ULong.ForAllSeeded(v => RoundTrip(w => w.WriteUInt64(v), (ref XdrReader r) => r.ReadUInt64() == v, 8), PropertySeeds.Iterations);

    [Fact]
    public void Any_int64_round_trips() =>
        Gen.Long.ForAllSeeded(v => RoundTrip(w => w.WriteInt64(v), (ref XdrReader r) => r.ReadInt64() == v, 8), PropertySeeds.Iterations);

    [Fact]
    public void Any_bool_round_trips() =>
        Gen.Bool.ForAllSeeded(v => RoundTrip(w => w.WriteBool(v), (ref XdrReader r) => r.ReadBool() == v, 4), 20);

    [Fact]
    public void Any_fixed_opaque_round_trips_with_zero_padding_to_four() =>
        SomeBytes.ForAllSeeded(
            b => RoundTrip(w => w.WriteOpaqueFixed(b), (ref XdrReader r) => r.ReadOpaqueFixed(b.Length).Span.SequenceEqual(b), (b.Length + 3) & ~3),
            PropertySeeds.Iterations);

    [Fact]
    public void Any_variable_opaque_round_trips_with_its_length_first() =>
        SomeBytes.ForAllSeeded(
            b => RoundTrip(w => w.WriteOpaque(b), (ref XdrReader r) => r.ReadOpaque(b.Length).Span.SequenceEqual(b), 4 + ((b.Length + 3) & ~3)),
            PropertySeeds.Iterations);

    [Fact]
    public void Any_unicode_string_round_trips_as_utf8() =>
        UnicodeText.ForAllSeeded(
            s => RoundTrip(w => w.WriteString(s), (ref XdrReader r) => r.ReadString(1024) == s, 4 + ((Encoding.UTF8.GetByteCount(s) + 3) & ~3)),
            PropertySeeds.Iterations);

    [Fact]
    public void Any_sequence_of_items_round_trips_and_ends_exactly() =>
        AnyItem.List[0, 12].ForAllSeeded(
            items =>
            {
                byte[] bytes = Encode(items);
                var reader = new XdrReader(bytes);
                bool same = items.All(item => ReadMatches(ref reader, item));
                reader.ExpectEnd();
                return same && reader.IsValid && reader.Position == bytes.Length;
            },
            PropertySeeds.Iterations);

    [Fact]
    public void Every_truncation_of_any_sequence_is_truncated_and_never_throws() =>
        AnyItem.List[1, 8].ForAllSeeded(
            items =>
            {
                byte[] bytes = Encode(items);
                for (int cut = 0; cut < bytes.Length; cut++)
                {
                    var reader = new XdrReader(bytes.AsMemory(0, cut));
                    foreach (Item item in items)
                    {
                        _ = ReadMatches(ref reader, item);
                    }

                    if (reader.Error != XdrError.Truncated)
                    {
                        return false;
                    }
                }

                return true;
            },
            200);

    [Fact]
    public void A_reserved_word_patched_later_reads_back_in_place()
    {
        using var w = new XdrWriter(16);
        w.WriteUInt32(1);
        int at = w.ReserveUInt32();
        w.WriteUInt32(3);
        w.PatchUInt32(at, 0xDEAD_BEEF);
        Assert.Equal(XdrBytes.Words(1, 0xDEAD_BEEF, 3), XdrBytes.Of(w));
    }

    [Fact]
    public void Raw_bytes_and_padding_are_appended_as_given()
    {
        using var w = new XdrWriter(4);
        w.WriteRaw([1, 2, 3, 4, 5]);
        w.WritePadding(5);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 0, 0, 0 }, XdrBytes.Of(w));
    }

    [Fact]
    public void A_writer_grows_past_its_first_capacity_and_keeps_what_it_wrote()
    {
        using var w = new XdrWriter(16);
        for (uint i = 0; i < 1000; i++)
        {
            w.WriteUInt32(i);
        }

        var r = new XdrReader(w.WrittenMemory);
        for (uint i = 0; i < 1000; i++)
        {
            Assert.Equal(i, r.ReadUInt32());
        }

        r.ExpectEnd();
        Assert.True(r.IsValid);
    }

    [Fact]
    public void Reset_forgets_what_was_written()
    {
        using var w = new XdrWriter();
        w.WriteUInt64(1);
        w.Reset();
        w.WriteUInt32(2);
        Assert.Equal(XdrBytes.Words(2), XdrBytes.Of(w));
    }

    [Fact]
    public void Writing_to_a_disposed_writer_throws()
    {
        var w = new XdrWriter();
        w.Dispose();
        Assert.Throws<ObjectDisposedException>(() => w.WriteUInt32(1));
    }

    private delegate bool ReadCheck(ref XdrReader reader);

    private static bool RoundTrip(Action<XdrWriter> write, ReadCheck read, int expectedLength)
    {
        using var w = new XdrWriter(8);
        write(w);
        var r = new XdrReader(w.WrittenSpan.ToArray());
        bool same = read(ref r);
        r.ExpectEnd();
        return same && r.IsValid && w.Length == expectedLength;
    }

    private static byte[] Encode(IEnumerable<Item> items)
    {
        using var w = new XdrWriter(32);
        foreach (Item item in items)
        {
            switch (item.Kind)
            {
                case Kind.UInt32: w.WriteUInt32((uint)item.Number); break;
                case Kind.Int32: w.WriteInt32((int)(long)item.Number); break;
                case Kind.UInt64: w.WriteUInt64(item.Number); break;
                case Kind.Int64: w.WriteInt64((long)item.Number); break;
                case Kind.Bool: w.WriteBool(item.Number != 0); break;
                case Kind.OpaqueFixed: w.WriteOpaqueFixed(item.Bytes); break;
                case Kind.Opaque: w.WriteOpaque(item.Bytes); break;
                case Kind.String: w.WriteString(item.Text); break;
                default: throw new InvalidOperationException(item.Kind.ToString());
            }
        }

        return XdrBytes.Of(w);
    }

    private static bool ReadMatches(ref XdrReader r, Item item) => item.Kind switch
    {
        Kind.UInt32 => r.ReadUInt32() == (uint)item.Number,
        Kind.Int32 => r.ReadInt32() == (int)(long)item.Number,
        Kind.UInt64 => r.ReadUInt64() == item.Number,
        Kind.Int64 => r.ReadInt64() == (long)item.Number,
        Kind.Bool => r.ReadBool() == (item.Number != 0),
        Kind.OpaqueFixed => r.ReadOpaqueFixed(item.Bytes.Length).Span.SequenceEqual(item.Bytes),
        Kind.Opaque => r.ReadOpaque(64).Span.SequenceEqual(item.Bytes),
        Kind.String => r.ReadString(256) == item.Text,
        _ => false,
    };
}

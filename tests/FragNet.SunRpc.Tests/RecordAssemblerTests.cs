using CsCheck;
using FragNet.SunRpc.Rpc;

namespace FragNet.SunRpc.Tests;

/// <summary>Record marking (RFC 5531 §11) reassembled from a byte stream cut anywhere: fragments join until the
/// last-fragment bit, the size limit counts the whole record, and bytes after a record wait for the next push.</summary>
public sealed class RecordAssemblerTests
{
    [Fact]
    public void A_header_is_the_length_with_the_top_bit_marking_the_last_fragment()
    {
        byte[] header = new byte[4];
        RecordMarking.WriteHeader(header, 0x12345, last: true);
        Assert.Equal(new byte[] { 0x80, 0x01, 0x23, 0x45 }, header);
        Assert.Equal((0x12345, true), RecordMarking.ReadHeader(header));
        RecordMarking.WriteHeader(header, RecordMarking.MaxFragment, last: false);
        Assert.Equal(new byte[] { 0x7F, 0xFF, 0xFF, 0xFF }, header);
        Assert.Equal((RecordMarking.MaxFragment, false), RecordMarking.ReadHeader(header));
    }

    [Fact]
    public void A_record_fed_one_byte_at_a_time_completes_on_its_last_byte()
    {
        byte[] payload = Payload(37);
        byte[] stream = Mark(payload, 10, 20, 7);
        using var assembler = new RecordAssembler(1024);
        for (int i = 0; i < stream.Length; i++)
        {
            RecordStatus status = assembler.Push(stream.AsSpan(i, 1), out int consumed);
            Assert.Equal(1, consumed);
            if (i < stream.Length - 1)
            {
                Assert.Equal(RecordStatus.NeedMore, status);
                Assert.True(assembler.InRecord);
                Assert.True(assembler.Record.IsEmpty);
            }
            else
            {
                Assert.Equal(RecordStatus.Complete, status);
            }
        }

        Assert.Equal(payload, assembler.Record.ToArray());
        Assert.Equal(3, assembler.Fragments);
        Assert.False(assembler.InRecord);
    }

    [Fact]
    public void Any_records_in_any_fragments_cut_at_any_points_reassemble_exactly() =>
        Gen.Select(Gen.Int[0, 300].SelectMany(n => Gen.Int[1, 5].Select(f => (n, f))).Array[1, 4], Gen.Int[1, 64].Array[1, 40], Gen.Int, (records, cuts, salt) => (records, cuts, salt)).ForAllSeeded(
            c =>
            {
                var payloads = new List<byte[]>();
                var stream = new List<byte>();
                for (int i = 0; i < c.records.Length; i++)
                {
                    (int length, int fragments) = c.records[i];
                    byte[] payload = Payload(length, c.salt + i);
                    payloads.Add(payload);
                    stream.AddRange(Mark(payload, SplitEvenly(length, fragments)));
                }

                List<byte[]> got = FeedInPieces(stream.ToArray(), c.cuts, maxRecord: 300, out RecordStatus last);
                return last != RecordStatus.TooLarge && got.Count == payloads.Count
                    && got.Zip(payloads).All(p => p.First.AsSpan().SequenceEqual(p.Second));
            },
            PropertySeeds.Iterations);

    [Fact]
    public void Fragments_join_into_one_record_and_are_counted()
    {
        byte[] payload = Payload(12);
        using var assembler = new RecordAssembler(100);
        Assert.Equal(RecordStatus.Complete, assembler.Push(Mark(payload, 4, 4, 4), out int consumed));
        Assert.Equal(12 + (3 * 4), consumed);
        Assert.Equal(payload, assembler.Record.ToArray());
        Assert.Equal(3, assembler.Fragments);
    }

    [Fact]
    public void Zero_length_fragments_anywhere_in_a_record_add_nothing()
    {
        byte[] payload = Payload(5);
        byte[] stream = XdrBytes.Concat(Header(0, false), Header(5, false), payload, Header(0, false), Header(0, true));
        using var assembler = new RecordAssembler(100);
        Assert.Equal(RecordStatus.Complete, assembler.Push(stream, out int consumed));
        Assert.Equal(stream.Length, consumed);
        Assert.Equal(payload, assembler.Record.ToArray());
        Assert.Equal(4, assembler.Fragments);
    }

    [Fact]
    public void A_single_empty_last_fragment_is_an_empty_record()
    {
        using var assembler = new RecordAssembler(100);
        Assert.Equal(RecordStatus.Complete, assembler.Push(Header(0, true), out int consumed));
        Assert.Equal(4, consumed);
        Assert.Equal(0, assembler.Record.Length);
        Assert.Equal(1, assembler.Fragments);
    }

    [Fact]
    public void A_record_exactly_at_the_maximum_is_accepted()
    {
        byte[] payload = Payload(100);
        using var assembler = new RecordAssembler(100);
        Assert.Equal(RecordStatus.Complete, assembler.Push(Mark(payload, 100), out _));
        Assert.Equal(payload, assembler.Record.ToArray());
    }

    [Fact]
    public void A_record_one_byte_over_the_maximum_is_too_large_at_its_header()
    {
        using var assembler = new RecordAssembler(100);
        Assert.Equal(RecordStatus.TooLarge, assembler.Push(Mark(Payload(101), 101), out int consumed));
        Assert.Equal(4, consumed);
    }

    [Fact]
    public void The_maximum_counts_the_whole_record_summed_over_its_fragments()
    {
        using (var atMax = new RecordAssembler(100))
        {
            Assert.Equal(RecordStatus.Complete, atMax.Push(Mark(Payload(100), 60, 40), out _));
            Assert.Equal(100, atMax.Record.Length);
        }

        using var over = new RecordAssembler(100);
        Assert.Equal(RecordStatus.TooLarge, over.Push(Mark(Payload(101), 60, 41), out int consumed));
        Assert.Equal(4 + 60 + 4, consumed);
    }

    [Fact]
    public void A_hostile_header_declaring_two_gigabytes_fails_without_waiting_for_the_bytes()
    {
        using var assembler = new RecordAssembler(1 << 20);
        Assert.Equal(RecordStatus.TooLarge, assembler.Push(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF }, out _));
    }

    [Fact]
    public void A_large_declared_fragment_grows_the_buffer_only_as_bytes_arrive()
    {
        using var assembler = new RecordAssembler(1 << 20);
        byte[] header = Header(1 << 20, true);
        Assert.Equal(RecordStatus.NeedMore, assembler.Push(header, out _));
        Assert.Equal(RecordStatus.NeedMore, assembler.Push(Payload(10), out int consumed));
        Assert.Equal(10, consumed);
        Assert.True(assembler.InRecord);
    }

    [Fact]
    public void Two_records_in_one_push_complete_one_at_a_time_and_the_second_waits_for_the_next_push()
    {
        byte[] first = Payload(8, 1);
        byte[] second = Payload(6, 2);
        byte[] stream = XdrBytes.Concat(Mark(first, 8), Mark(second, 3, 3));
        using var assembler = new RecordAssembler(100);

        Assert.Equal(RecordStatus.Complete, assembler.Push(stream, out int consumed));
        Assert.Equal(12, consumed);
        Assert.Equal(first, assembler.Record.ToArray());
        Assert.False(assembler.InRecord);

        Assert.Equal(RecordStatus.Complete, assembler.Push(stream.AsSpan(consumed), out int rest));
        Assert.Equal(stream.Length - 12, rest);
        Assert.Equal(second, assembler.Record.ToArray());
        Assert.Equal(2, assembler.Fragments);
    }

    [Fact]
    public void A_header_split_across_pushes_is_put_together()
    {
        byte[] payload = Payload(9);
        byte[] stream = Mark(payload, 9);
        using var assembler = new RecordAssembler(100);
        Assert.Equal(RecordStatus.NeedMore, assembler.Push(stream.AsSpan(0, 1), out int a));
        Assert.Equal(RecordStatus.NeedMore, assembler.Push(stream.AsSpan(1, 2), out int b));
        Assert.True(assembler.InRecord);
        Assert.Equal(RecordStatus.Complete, assembler.Push(stream.AsSpan(3), out int c));
        Assert.Equal((1, 2, stream.Length - 3), (a, b, c));
        Assert.Equal(payload, assembler.Record.ToArray());
    }

    [Fact]
    public void A_second_fragment_header_split_across_pushes_is_put_together()
    {
        byte[] payload = Payload(16);
        byte[] stream = Mark(payload, 8, 8);
        using var assembler = new RecordAssembler(100);
        Assert.Equal(RecordStatus.NeedMore, assembler.Push(stream.AsSpan(0, 14), out _));
        Assert.Equal(RecordStatus.Complete, assembler.Push(stream.AsSpan(14), out _));
        Assert.Equal(payload, assembler.Record.ToArray());
    }

    [Fact]
    public void An_empty_push_needs_more_and_consumes_nothing()
    {
        using var assembler = new RecordAssembler(100);
        Assert.Equal(RecordStatus.NeedMore, assembler.Push([], out int consumed));
        Assert.Equal(0, consumed);
        Assert.False(assembler.InRecord);
    }

    [Fact]
    public void A_completed_record_is_forgotten_at_the_next_push()
    {
        using var assembler = new RecordAssembler(100);
        Assert.Equal(RecordStatus.Complete, assembler.Push(Mark(Payload(4), 4), out _));
        Assert.Equal(RecordStatus.NeedMore, assembler.Push([], out _));
        Assert.True(assembler.Record.IsEmpty);
        Assert.Equal(0, assembler.Fragments);
    }

    [Fact]
    public void A_maximum_of_zero_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RecordAssembler(0));
    }

    /// <summary>Feeds <paramref name="stream"/> in pieces of the given sizes (cycled), collecting every record.</summary>
    internal static List<byte[]> FeedInPieces(byte[] stream, int[] pieceSizes, int maxRecord, out RecordStatus last)
    {
        var records = new List<byte[]>();
        using var assembler = new RecordAssembler(maxRecord);
        last = RecordStatus.NeedMore;
        int at = 0;
        for (int p = 0; at < stream.Length; p++)
        {
            int size = Math.Min(pieceSizes[p % pieceSizes.Length], stream.Length - at);
            ReadOnlySpan<byte> piece = stream.AsSpan(at, size);
            while (true)
            {
                last = assembler.Push(piece, out int consumed);
                piece = piece[consumed..];
                if (last == RecordStatus.TooLarge)
                {
                    return records;
                }

                if (last == RecordStatus.Complete)
                {
                    records.Add(assembler.Record.ToArray());
                }

                if (piece.IsEmpty)
                {
                    break;
                }
            }

            at += size;
        }

        return records;
    }

    private static byte[] Header(int length, bool last)
    {
        byte[] header = new byte[4];
        RecordMarking.WriteHeader(header, length, last);
        return header;
    }

    /// <summary>The record cut into fragments of the given lengths (which must add up to its length).</summary>
    private static byte[] Mark(byte[] payload, params int[] fragmentLengths)
    {
        Assert.Equal(payload.Length, fragmentLengths.Sum());
        var stream = new List<byte>();
        int at = 0;
        for (int i = 0; i < fragmentLengths.Length; i++)
        {
            stream.AddRange(Header(fragmentLengths[i], i == fragmentLengths.Length - 1));
            stream.AddRange(payload.AsSpan(at, fragmentLengths[i]).ToArray());
            at += fragmentLengths[i];
        }

        return stream.ToArray();
    }

    private static int[] SplitEvenly(int length, int fragments)
    {
        int[] sizes = new int[fragments];
        for (int i = 0; i < fragments; i++)
        {
            sizes[i] = (length / fragments) + (i < length % fragments ? 1 : 0);
        }

        return sizes;
    }

    private static byte[] Payload(int length, int salt = 0)
    {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 31) + (salt * 17) + 5);
        }

        return bytes;
    }
}

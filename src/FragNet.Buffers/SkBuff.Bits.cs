namespace FragNet.Buffers;

/// <summary>Reading and writing bytes across head, frags and frag list; the Internet checksum over them.</summary>
public sealed partial class SkBuff
{
    /// <summary>A zero-copy view of <paramref name="length"/> bytes from <paramref name="offset"/>.</summary>
    public SkbBytes Bytes(int offset, int length)
    {
        ThrowIfFree();
        CheckRange(nameof(Bytes), offset, length);
        return new SkbBytes(this, offset, length);
    }

    /// <summary>A zero-copy view of the whole packet.</summary>
    public SkbBytes Bytes() => Bytes(0, _len);

    /// <summary>Copies bytes from <paramref name="offset"/> out of the packet (<c>skb_copy_bits</c>).</summary>
    public void CopyBits(int offset, Span<byte> destination)
    {
        ThrowIfFree();
        CheckRange(nameof(CopyBits), offset, destination.Length);
        foreach (ReadOnlySpan<byte> piece in new SkbBytes(this, offset, destination.Length))
        {
            piece.CopyTo(destination);
            destination = destination[piece.Length..];
        }
    }

    /// <summary>Writes bytes into the packet at <paramref name="offset"/> (<c>skb_store_bits</c>). Bytes in frags are
    /// written into their pages, which clones and lenders see: make the buffer private first if that matters.</summary>
    public void StoreBits(int offset, ReadOnlySpan<byte> source)
    {
        ThrowIfFree();
        CheckRange(nameof(StoreBits), offset, source.Length);
        SkbBytes.Enumerator e = new SkbBytes(this, offset, source.Length).GetEnumerator();
        while (e.MoveNext())
        {
            Span<byte> piece = e.CurrentWritable;
            source[..piece.Length].CopyTo(piece);
            source = source[piece.Length..];
        }
    }

    /// <summary>The folded one's-complement sum of <paramref name="length"/> bytes from <paramref name="offset"/>,
    /// starting from <paramref name="initial"/> (<c>skb_checksum</c>; not complemented).</summary>
    public ushort Checksum(int offset, int length, ushort initial = 0)
    {
        ThrowIfFree();
        CheckRange(nameof(Checksum), offset, length);
        var acc = new InternetChecksum.Accumulator(initial);
        foreach (ReadOnlySpan<byte> piece in new SkbBytes(this, offset, length))
        {
            acc.Add(piece);
        }

        return acc.Folded;
    }

    private void CheckRange(string operation, int offset, int length)
    {
        if (offset < 0 || length < 0 || offset > _len - length)
        {
            ThrowHelper.ThrowRange(operation, offset, length, _len);
        }
    }
}

using FragNet.Buffers;

namespace FragNet.SunRpc.Xdr;

/// <summary>
/// An encoded XDR message in three parts, as Linux's <c>struct xdr_buf</c>: a <see cref="Head"/> of small encoded
/// items, <see cref="Pages"/> — bulk opaque data referenced in place (the WRITE payload in the caller's pages, a READ
/// reply's file pages) — and a <see cref="Tail"/> (the opaque's padding and anything after it).
/// </summary>
/// <remarks>
/// Writes go to the head until <see cref="WriteOpaquePages"/> attaches pages, and to the tail after. At most one
/// page run per message (every NFSv3 procedure has at most one bulk opaque). The buffer does not reference-count the
/// pages: whoever sends it decides, per send policy, whether they travel as frags (with a destructor) or as a copy.
/// </remarks>
public sealed class XdrBuf : IDisposable
{
    private readonly List<XdrPage> _pages = [];

    public XdrBuf(int headCapacity = 256)
    {
        Head = new XdrWriter(headCapacity);
        Tail = new XdrWriter(16);
    }

    /// <summary>Encoded items before the page data.</summary>
    public XdrWriter Head { get; }

    /// <summary>Page data referenced in place.</summary>
    public IReadOnlyList<XdrPage> Pages => _pages;

    /// <summary>Bytes of page data.</summary>
    public int PageLength { get; private set; }

    /// <summary>Padding after the page data and any items that follow it.</summary>
    public XdrWriter Tail { get; }

    /// <summary>Total encoded length.</summary>
    public int Length => Head.Length + PageLength + Tail.Length;

    /// <summary>Where plain writes go now: the head before pages are attached, the tail after.</summary>
    public XdrWriter Current => _pages.Count == 0 ? Head : Tail;

    public void WriteUInt32(uint value) => Current.WriteUInt32(value);

    public void WriteInt32(int value) => Current.WriteInt32(value);

    public void WriteUInt64(ulong value) => Current.WriteUInt64(value);

    public void WriteInt64(long value) => Current.WriteInt64(value);

    public void WriteBool(bool value) => Current.WriteBool(value);

    public void WriteOpaqueFixed(ReadOnlySpan<byte> bytes) => Current.WriteOpaqueFixed(bytes);

    public void WriteOpaque(ReadOnlySpan<byte> bytes) => Current.WriteOpaque(bytes);

    public void WriteString(string value) => Current.WriteString(value);

    /// <summary>A variable-length opaque whose bytes are <paramref name="pages"/>, by reference: the length goes into
    /// the head, the pages are recorded, the padding starts the tail.</summary>
    public void WriteOpaquePages(ReadOnlySpan<XdrPage> pages)
    {
        if (_pages.Count != 0)
        {
            throw new InvalidOperationException("an XdrBuf carries one page run");
        }

        int total = 0;
        foreach (XdrPage p in pages)
        {
            ArgumentNullException.ThrowIfNull(p.Page);
            if ((uint)p.Offset > Page.Size || (uint)p.Length > (uint)(Page.Size - p.Offset) || p.Length == 0)
            {
                throw new ArgumentOutOfRangeException(nameof(pages), $"page range {p.Offset}+{p.Length} is not inside a page");
            }

            total += p.Length;
        }

        Head.WriteUInt32((uint)total);
        if (total == 0)
        {
            return;
        }

        _pages.AddRange(pages);
        PageLength = total;
        Tail.WritePadding(total);
    }

    /// <summary>Copies the whole message into <paramref name="destination"/> (tests, the copy policy, checksums).</summary>
    public void CopyTo(Span<byte> destination)
    {
        Head.WrittenSpan.CopyTo(destination);
        int at = Head.Length;
        foreach (XdrPage p in _pages)
        {
            p.Page.Span.Slice(p.Offset, p.Length).CopyTo(destination[at..]);
            at += p.Length;
        }

        Tail.WrittenSpan.CopyTo(destination[at..]);
    }

    /// <summary>The whole message as a new array.</summary>
    public byte[] ToArray()
    {
        byte[] all = new byte[Length];
        CopyTo(all);
        return all;
    }

    public void Dispose()
    {
        Head.Dispose();
        Tail.Dispose();
        _pages.Clear();
    }
}

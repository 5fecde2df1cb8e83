namespace FragNet.Buffers;

/// <summary>
/// The data buffer a <see cref="SkBuff"/> header points at: the linear head bytes plus Linux's
/// <c>skb_shared_info</c> (frags, frag list, GSO fields, dataref). Clones share one <c>SharedInfo</c>.
/// </summary>
/// <remarks>
/// <para>DOC: dataref and headerless skbs (after skbuff.h). <see cref="DataRef"/> counts the headers that point at
/// this buffer; its upper 16 bits count the ones that promised (<see cref="SkBuff.HeaderRelease"/>) to look only at the
/// payload, so a clone may write headers into the shared headroom while the original, sitting in a retransmit queue,
/// never reads it. The frags and frag list belong to the buffer, not to a header: a clone takes no frag references
/// (rule 3); they are dropped once, when the last header lets go of the buffer.</para>
/// <para>Everything here except the counts is invariant across clones: changing frags or the head needs a private
/// buffer (<see cref="SkBuff.IsCloned"/> false), which the operations that need it make first.</para>
/// </remarks>
public sealed class SharedInfo
{
    /// <summary>Fragments per buffer (Linux <c>MAX_SKB_FRAGS</c> with 4 KiB pages: 65536/4096 + 1).</summary>
    public const int MaxSkbFrags = 17;

    /// <summary>Bits of <see cref="DataRef"/> below this shift count all references; above, payload-only ones.</summary>
    internal const int DataRefShift = 16;

    internal const int DataRefMask = (1 << DataRefShift) - 1;

    internal readonly SkbFrag[] Frags = new SkbFrag[MaxSkbFrags];
    internal byte[] Head = [];
    internal int End;        // usable head bytes: Head[0..End)
    internal int DataRefRaw; // total | (payload-only << 16)
    internal int NrFragsValue;
    internal SkBuff? FragListValue;

    internal SharedInfo(SkbCache cache) => Cache = cache;

    internal SkbCache Cache { get; }

    /// <summary>Number of frags in use.</summary>
    public int NrFrags => NrFragsValue;

    /// <summary>Buffers whose bytes follow the frags (GRO, IP reassembly); owned by this buffer.</summary>
    public SkBuff? FragList => FragListValue;

    /// <summary>Payload bytes per segment when the buffer is a GSO super-packet; 0 otherwise.</summary>
    public int GsoSize { get; set; }

    /// <summary>Segments the GSO packet will become.</summary>
    public int GsoSegs { get; set; }

    /// <summary>What kind of segmentation applies.</summary>
    public GsoType GsoType { get; set; }

    /// <summary>Headers pointing at this buffer (all kinds).</summary>
    public int DataRef => Volatile.Read(ref DataRefRaw) & DataRefMask;

    /// <summary>Headers that promised to look only at the payload.</summary>
    public int PayloadOnlyRefs => Volatile.Read(ref DataRefRaw) >>> DataRefShift;

    /// <summary>Starts a life with <paramref name="end"/> usable head bytes: in the head this buffer keeps across lives,
    /// or in <paramref name="oversized"/> when the cache does not keep heads that large.</summary>
    internal void ResetForUse(int end, byte[]? oversized)
    {
        if (oversized is not null)
        {
            Head = oversized;
        }

        End = end;
        DataRefRaw = 1;
        NrFragsValue = 0;
        FragListValue = null;
        GsoSize = 0;
        GsoSegs = 0;
        GsoType = GsoType.None;
    }
}

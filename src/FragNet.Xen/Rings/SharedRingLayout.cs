using System.Numerics;
using FragNet.Xen.Abi;

namespace FragNet.Xen.Rings;

/// <summary>
/// The layout of a shared ring page (io/ring.h, <c>struct __name##_sring</c>), little-endian: a 64-byte header —
/// <c>u32 req_prod @0</c>, <c>u32 req_event @4</c>, <c>u32 rsp_prod @8</c>, <c>u32 rsp_event @12</c>, a 4-byte
/// per-protocol private area @16 (<c>pvt</c>), 44 bytes of padding @20 — then <see cref="RingSize"/> entries, each
/// the union of the protocol's request and response.
/// </summary>
/// <remarks>
/// All four indices are free-running u32 counters: they are never reduced modulo the ring size, an entry's slot is
/// <c>index &amp; (size − 1)</c>, and every comparison is a difference of two indices in u32 arithmetic, so the
/// protocol is the same on both sides of the 2^32 wrap.
/// </remarks>
public static class SharedRingLayout
{
    /// <summary>Bytes of a ring page.</summary>
    public const int PageSize = 4096;

    /// <summary><c>req_prod</c>: requests the frontend has published.</summary>
    public const int RequestProducerOffset = 0;

    /// <summary><c>req_event</c>: the backend wants an event when <c>req_prod</c> passes this.</summary>
    public const int RequestEventOffset = 4;

    /// <summary><c>rsp_prod</c>: responses the backend has published.</summary>
    public const int ResponseProducerOffset = 8;

    /// <summary><c>rsp_event</c>: the frontend wants an event when <c>rsp_prod</c> passes this.</summary>
    public const int ResponseEventOffset = 12;

    /// <summary><c>pvt</c>: 4 bytes for the protocol's own use (netif: <c>smartpoll_active</c>, unused here).</summary>
    public const int PrivateOffset = 16;

    /// <summary>Bytes of <c>pvt</c>.</summary>
    public const int PrivateLength = 4;

    /// <summary><c>__pad</c>: padding that brings the header to 64 bytes.</summary>
    public const int PaddingOffset = 20;

    /// <summary>Bytes of <c>__pad</c>.</summary>
    public const int PaddingLength = 44;

    /// <summary>Bytes before the first entry (<c>offsetof(ring)</c>).</summary>
    public const int HeaderSize = 64;

    /// <summary>Entries in a one-page ring of <paramref name="entrySize"/>-byte entries (ring.h <c>__CONST_RING_SIZE</c>):
    /// the largest power of two ≤ (4096 − 64) / <paramref name="entrySize"/>. 256 for netif TX (12-byte slots) and
    /// RX (8-byte slots).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="entrySize"/> is not in 1 … 4032.</exception>
    public static int RingSize(int entrySize)
    {
        if (entrySize <= 0 || entrySize > PageSize - HeaderSize)
        {
            AbiThrowHelper.ThrowArgumentOutOfRange(nameof(entrySize), entrySize, "a ring entry is 1 to 4032 bytes");
        }

        return 1 << BitOperations.Log2((uint)((PageSize - HeaderSize) / entrySize));
    }
}

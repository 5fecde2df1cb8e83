using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FragNet.Xen.Abi;

/// <summary>
/// Loads and stores on memory another domain can write at any time (a grant table frame, a shared ring page): the
/// Linux <c>READ_ONCE</c>/<c>WRITE_ONCE</c> of the Xen drivers, little-endian whatever the host.
/// </summary>
/// <remarks>
/// <para>Every load here is one explicit, naturally aligned load of the whole field: the JIT may neither split it
/// (no torn value) nor repeat it (no double fetch, where a check reads one value and the use a different one), and
/// <see cref="Volatile"/> gives it acquire semantics, so later loads of ring entries cannot move before the load of a
/// producer index. Every store is a release store: earlier stores (the entries) are visible before it (the
/// <c>wmb()</c> that ring.h puts before publishing <c>req_prod</c>/<c>rsp_prod</c>).</para>
/// <para>Neither is a full fence: a store followed by a load of another location (publish <c>req_prod</c>, then read
/// <c>req_event</c>) still needs <see cref="FullBarrier"/>, ring.h's <c>mb()</c>.</para>
/// <para>Alignment is a precondition (every ABI field is naturally aligned in its page); it is asserted, because an
/// unaligned access is neither guaranteed atomic nor, for <see cref="Interlocked"/>, supported on every CPU.</para>
/// </remarks>
internal static class SharedMemory
{
    /// <summary>One acquire load of the little-endian u16 at <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort LoadUInt16(Span<byte> memory, int offset)
    {
        ushort raw = Volatile.Read(ref At<ushort>(memory, offset));
        return BitConverter.IsLittleEndian ? raw : BinaryPrimitives.ReverseEndianness(raw);
    }

    /// <summary>One release store of the little-endian u16 at <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreUInt16(Span<byte> memory, int offset, ushort value) =>
        Volatile.Write(ref At<ushort>(memory, offset), BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));

    /// <summary>One acquire load of the little-endian u32 at <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint LoadUInt32(Span<byte> memory, int offset)
    {
        uint raw = Volatile.Read(ref At<uint>(memory, offset));
        return BitConverter.IsLittleEndian ? raw : BinaryPrimitives.ReverseEndianness(raw);
    }

    /// <summary>One release store of the little-endian u32 at <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreUInt32(Span<byte> memory, int offset, uint value) =>
        Volatile.Write(ref At<uint>(memory, offset), BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value));

    /// <summary>Atomic compare-and-swap of the little-endian u32 at <paramref name="offset"/> (a full fence); returns
    /// the value found.</summary>
    public static uint CompareExchangeUInt32(Span<byte> memory, int offset, uint value, uint comparand)
    {
        uint found = Interlocked.CompareExchange(ref At<uint>(memory, offset), ToLittleEndian(value), ToLittleEndian(comparand));
        return ToLittleEndian(found);
    }

    /// <summary>Atomic OR into the little-endian u32 at <paramref name="offset"/> (a full fence); returns the old value.</summary>
    public static uint OrUInt32(Span<byte> memory, int offset, uint bits) =>
        ToLittleEndian(Interlocked.Or(ref At<uint>(memory, offset), ToLittleEndian(bits)));

    /// <summary>Atomic AND into the little-endian u32 at <paramref name="offset"/> (a full fence); returns the old value.</summary>
    public static uint AndUInt32(Span<byte> memory, int offset, uint mask) =>
        ToLittleEndian(Interlocked.And(ref At<uint>(memory, offset), ToLittleEndian(mask)));

    /// <summary>ring.h's <c>mb()</c>: no load or store moves across it (orders a store before a later load).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void FullBarrier() => Interlocked.MemoryBarrier();

    // A byte swap is its own inverse, so the one helper converts both ways.
    private static uint ToLittleEndian(uint value) => BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);

    private static unsafe ref T At<T>(Span<byte> memory, int offset)
        where T : unmanaged
    {
        // Slice checks the range, so a bad offset throws instead of touching memory outside the span.
        ref byte first = ref MemoryMarshal.GetReference(memory.Slice(offset, sizeof(T)));
        Debug.Assert(((nuint)Unsafe.AsPointer(ref first) % (nuint)sizeof(T)) == 0, "shared-memory fields are naturally aligned");
        return ref Unsafe.As<byte, T>(ref first);
    }
}

using FragNet.Xen.Host.Interop;

namespace FragNet.Xen.Host;

/// <summary>One <c>mmap</c> of a <see cref="MemoryFile"/> (shared, populated at once, as a hypervisor's mapping is
/// present when the map call returns); <see cref="Dispose"/> is the <c>munmap</c>.</summary>
public sealed class Mapping : IDisposable
{
    private nint _address;

    private Mapping(nint address, long length)
    {
        _address = address;
        Length = length;
    }

    /// <summary>The first byte (page-aligned).</summary>
    public nint Address => _address;

    public long Length { get; }

    /// <summary>The mapping as bytes.</summary>
    public unsafe Span<byte> Span(long offset, int length)
    {
        ObjectDisposedException.ThrowIf(_address == 0, this);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + length, Length);
        return new Span<byte>((byte*)_address + offset, length);
    }

    internal static Mapping Create(int fd, long offset, long length, bool writable)
    {
        nint a = Libc.Mmap(0, (nuint)length, Libc.ProtRead | (writable ? Libc.ProtWrite : 0), Libc.MapShared | Libc.MapPopulate, fd, offset);
        return a == Libc.MapFailed ? throw Libc.Error("mmap") : new Mapping(a, length);
    }

    public void Dispose()
    {
        nint a = Interlocked.Exchange(ref _address, 0);
        if (a != 0)
        {
            Libc.Munmap(a, (nuint)Length);
        }
    }
}

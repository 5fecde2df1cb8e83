using FragNet.Xen.Host.Interop;

namespace FragNet.Xen.Host;

/// <summary>
/// A guest's memory: an anonymous <c>memfd</c> of a fixed size that two processes map. Created by the backend (the
/// toolstack builds the guest) and sealed against shrinking and growing before the guest process gets it, so a
/// hostile guest cannot <c>ftruncate</c> it under the backend's mappings (which would turn the backend's next access
/// into a SIGBUS).
/// </summary>
public sealed class MemoryFile : IDisposable
{
    private int _fd;

    private MemoryFile(int fd, long length)
    {
        _fd = fd;
        Length = length;
    }

    /// <summary>The file descriptor (close-on-exec; <see cref="FrontendProcess"/> lets the guest inherit it).</summary>
    public int Fd => _fd;

    /// <summary>Bytes in the file.</summary>
    public long Length { get; }

    /// <summary>Creates a zero-filled, sealed file of <paramref name="length"/> bytes.</summary>
    public static MemoryFile Create(string name, long length)
    {
        int fd = Libc.Check(Libc.MemfdCreate(name, Libc.MfdCloexec | Libc.MfdAllowSealing), "memfd_create");
        try
        {
            Libc.Check(Libc.Ftruncate(fd, length), "ftruncate");
            Libc.Check(Libc.Fcntl(fd, Libc.FAddSeals, Libc.FSealShrink | Libc.FSealGrow | Libc.FSealSeal), "fcntl(F_ADD_SEALS)");
        }
        catch
        {
            Libc.Close(fd);
            throw;
        }

        return new MemoryFile(fd, length);
    }

    /// <summary>A file inherited from the process that created it.</summary>
    public static MemoryFile Inherit(int fd, long length) => new(fd, length);

    /// <summary>Maps <paramref name="length"/> bytes at <paramref name="offset"/> (shared, so both processes see
    /// every store).</summary>
    public Mapping Map(long offset, long length, bool writable) => Mapping.Create(_fd, offset, length, writable);

    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            Libc.Close(fd);
        }
    }
}

namespace FragNet.Host;

/// <summary>
/// Something the <see cref="HostLoop"/> waits on: a TAP device, the kernel sockets of a host transport. It names its
/// file descriptors before each wait and does its non-blocking I/O in <see cref="Poll"/>.
/// </summary>
public interface IHostPollSource
{
    /// <summary>Adds the descriptors (and the events) the loop must wake for before the next <see cref="Poll"/>.</summary>
    void AddWaits(HostWaitSet waits);

    /// <summary>Does the I/O that is ready without blocking (reads until <c>EAGAIN</c>, writes what fits).</summary>
    void Poll(Instant now);

    /// <summary>When <see cref="Poll"/> next has timed work; <see cref="Instant.MaxValue"/> for none.</summary>
    Instant PollAt();
}

namespace FragNet.Nfs.Repro;

/// <summary>One NFSv3 WRITE call record as seen on the wire by <see cref="NfsWireAudit"/>.</summary>
/// <param name="Xid">The call's xid (an RPC retransmission repeats it in a new record).</param>
/// <param name="FileOffset">The WRITE's <c>offset</c> argument.</param>
/// <param name="Count">Bytes of data.</param>
/// <param name="HeaderFrame">Index of the frame carrying the call header (its first transmission).</param>
/// <param name="Corrupted">True if some transmission of the data carried the wrong pattern byte.</param>
/// <param name="CorruptedFrames">Indexes of the frames that carried wrong bytes of this call's data.</param>
public sealed record WireWriteCall(uint Xid, ulong FileOffset, int Count, int HeaderFrame, bool Corrupted, IReadOnlyList<int> CorruptedFrames);

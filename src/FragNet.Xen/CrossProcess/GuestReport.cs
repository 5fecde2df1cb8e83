namespace FragNet.Xen.CrossProcess;

/// <summary>What a cross-process guest reports about its run (see <see cref="GuestControlPage.Report"/>).</summary>
/// <param name="PacketsSent">Packets produced on the TX ring.</param>
/// <param name="PacketsAnswered">Packets whose every slot was answered.</param>
/// <param name="ErrorResponses">Slots answered with an error status.</param>
/// <param name="Rewrites">Times a produced slot was rewritten (the double-fetch workload).</param>
/// <param name="CpuNanoseconds">The guest process's CPU time.</param>
/// <param name="GrantsNotEnded">Grants the guest could not end at the close because the backend still had them
/// mapped (must be 0).</param>
public readonly record struct GuestReport(long PacketsSent, long PacketsAnswered, long ErrorResponses, long Rewrites, long CpuNanoseconds, int GrantsNotEnded);

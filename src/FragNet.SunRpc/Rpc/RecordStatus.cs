namespace FragNet.SunRpc.Rpc;

/// <summary>What <see cref="RecordAssembler.Push"/> reached.</summary>
public enum RecordStatus
{
    /// <summary>All input consumed; the record is not complete yet.</summary>
    NeedMore,

    /// <summary>A whole record is in <see cref="RecordAssembler.Record"/>; input after it was not consumed.</summary>
    Complete,

    /// <summary>The record grew past the maximum: the stream cannot be resynchronised and the connection must be
    /// closed (as Linux's svc_tcp_recv_record does with <c>sv_max_mesg</c>).</summary>
    TooLarge,
}

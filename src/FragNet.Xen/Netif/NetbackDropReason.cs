namespace FragNet.Xen.Netif;

/// <summary>Why netback dropped a packet or disconnected a guest; each is counted.</summary>
public enum NetbackDropReason
{
    /// <summary>A frame shorter than an Ethernet header (answered with an error).</summary>
    Runt,

    /// <summary>A grant map or copy failed: bad or ungranted reference, read-only violation, bad frame.</summary>
    GrantFailed,

    /// <summary>More slots than <see cref="NetbackConfig.MaxSlots"/> but not more than the fatal limit (answered
    /// with errors).</summary>
    TooManySlots,

    /// <summary>Extra info the backend does not accept (unknown type, GSO with size 0 or an unknown GSO type).</summary>
    BadExtraInfo,

    /// <summary>Stack → guest frame dropped: the guest posted no receive buffer and the queue was full.</summary>
    RxQueueFull,

    /// <summary>Stack → guest frame longer than the slots a packet may use.</summary>
    RxTooLong,

    /// <summary>A receive buffer the guest posted could not be copied into (bad grant): the frame is dropped.</summary>
    RxGrantFailed,

    /// <summary>Fatal: requests beyond the ring (<c>req_prod − rsp_prod_pvt &gt; size</c>).</summary>
    FatalRingOverflow,

    /// <summary>Fatal: a slot crossing its page (<c>offset + size &gt; 4096</c>).</summary>
    FatalCrossPage,

    /// <summary>Fatal: later slots larger than the total the first slot announced.</summary>
    FatalSizeMismatch,

    /// <summary>Fatal: a packet claiming more slots than the guest produced, or than the fatal limit.</summary>
    FatalSlotCount,
}

namespace FragNet.Devices.Internal;

/// <summary>
/// Instructions of a compiled filter: a small stack machine whose loads, ALU and jumps behave as classic BPF's
/// (<c>bpf_filter()</c> in libpcap), with a value stack instead of the A/X registers and scratch memory.
/// </summary>
internal enum FilterOpCode : byte
{
    /// <summary>Return: accept if K is non-zero, reject otherwise.</summary>
    Return,

    /// <summary>Go to JumpTrue.</summary>
    Jump,

    /// <summary>Push K.</summary>
    PushConstant,

    /// <summary>Push the frame's wire length (BPF <c>ld #pktlen</c>).</summary>
    PushLength,

    /// <summary>Push the big-endian Size-byte value at offset K (BPF <c>ld [k]</c>); past the end: reject.</summary>
    LoadAbsolute,

    /// <summary>Pop X, push the value at X + K, without wrap-around (BPF <c>ld [x + k]</c>); past the end: reject.</summary>
    LoadIndirect,

    /// <summary>Push 4 × (frame[14] &amp; 0xf), the IPv4 header length (BPF <c>ldxb 4*([14]&amp;0xf)</c>).</summary>
    LoadIpHeaderLength,

    /// <summary>Pop b, pop a, push a op b (op in Sub); division or modulo by zero rejects, shifts by 32+ give 0.</summary>
    Alu,

    /// <summary>Replace the top a with a op K.</summary>
    AluConstant,

    /// <summary>Replace the top a with 0 - a.</summary>
    Negate,

    /// <summary>Pop a value computed only for its loads.</summary>
    Discard,

    /// <summary>Pop b, pop a, go to JumpTrue if a rel b (rel in Sub), else JumpFalse.</summary>
    Compare,

    /// <summary>Pop a, go to JumpTrue if a rel K, else JumpFalse.</summary>
    CompareConstant,
}

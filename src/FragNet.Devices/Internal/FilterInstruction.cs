namespace FragNet.Devices.Internal;

/// <summary>One instruction of a <see cref="FilterProgram"/>.</summary>
internal struct FilterInstruction
{
    /// <summary>What to do.</summary>
    public FilterOpCode Code;

    /// <summary>Load size (1, 2, 4), <see cref="FilterArithOp"/> or <see cref="FilterRelation"/>, by <see cref="Code"/>.</summary>
    public byte Sub;

    /// <summary>Constant operand: an offset, a value, or the return verdict.</summary>
    public uint K;

    /// <summary>Target of a jump, or of a comparison that holds.</summary>
    public int JumpTrue;

    /// <summary>Target of a comparison that fails.</summary>
    public int JumpFalse;

    public override readonly string ToString() => Code switch
    {
        FilterOpCode.Return => K != 0 ? "ret accept" : "ret reject",
        FilterOpCode.Jump => $"ja {JumpTrue}",
        FilterOpCode.PushConstant => $"push #0x{K:x}",
        FilterOpCode.PushLength => "push len",
        FilterOpCode.LoadAbsolute => $"ld{Sub} [{K}]",
        FilterOpCode.LoadIndirect => $"ld{Sub} [pop + {K}]",
        FilterOpCode.LoadIpHeaderLength => "push 4*([14]&0xf)",
        FilterOpCode.Alu => $"alu {(FilterArithOp)Sub}",
        FilterOpCode.AluConstant => $"alu {(FilterArithOp)Sub} #0x{K:x}",
        FilterOpCode.Negate => "neg",
        FilterOpCode.Discard => "pop",
        FilterOpCode.Compare => $"j{(FilterRelation)Sub} jt {JumpTrue} jf {JumpFalse}",
        _ => $"j{(FilterRelation)Sub} #0x{K:x} jt {JumpTrue} jf {JumpFalse}",
    };
}

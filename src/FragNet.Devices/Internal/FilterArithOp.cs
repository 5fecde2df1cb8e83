namespace FragNet.Devices.Internal;

/// <summary>A binary arithmetic operator; 32-bit unsigned with wrap-around, as BPF's ALU.</summary>
internal enum FilterArithOp : byte
{
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    And,
    Or,
    Xor,
    ShiftLeft,
    ShiftRight,
}

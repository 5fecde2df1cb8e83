namespace FragNet.Buffers.Verification;

/// <summary>
/// One step of a checked run: an operation and three arguments. Arguments are interpreted modulo what exists when the
/// step runs (live buffers, lengths), so any sequence is valid and a shrunk sequence still means something.
/// </summary>
public readonly record struct SkbOp(SkbOpKind Kind, int A, int B, int C)
{
    public override string ToString() => $"{Kind}({A},{B},{C})";
}

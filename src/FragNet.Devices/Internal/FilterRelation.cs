namespace FragNet.Devices.Internal;

/// <summary>A comparison between two arithmetic expressions; all comparisons are unsigned 32-bit, as in BPF.</summary>
internal enum FilterRelation : byte
{
    Equal,
    NotEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
}

namespace FragNet.Wire;

/// <summary>
/// A TCP sequence number: a 32-bit value in modular arithmetic (RFC 9293 §3.4). Comparisons are by signed distance,
/// the serial-number arithmetic of RFC 1982 §3.2: <c>a &lt; b</c> when <c>(int)(a - b) &lt; 0</c>, so order is
/// correct across the wrap from 2^32 − 1 to 0 for any two numbers less than 2^31 apart.
/// </summary>
/// <remarks>
/// This order is not transitive over the whole space (that is why the type is not <see cref="IComparable{T}"/> and
/// must never be sorted on); two numbers exactly 2^31 apart compare as less than each other, the case RFC 1982 leaves
/// undefined. A TCP's windows (at most 2^30 with scaling, RFC 7323 §2.3) keep every comparison it makes well inside
/// the defined range.
/// </remarks>
public readonly record struct TcpSeqNumber(uint Value)
{
    /// <summary>The number <paramref name="count"/> bytes later (earlier if negative), wrapping.</summary>
    public static TcpSeqNumber operator +(TcpSeqNumber seq, int count) => new(unchecked(seq.Value + (uint)count));

    /// <summary>The number <paramref name="count"/> bytes earlier (later if negative), wrapping.</summary>
    public static TcpSeqNumber operator -(TcpSeqNumber seq, int count) => new(unchecked(seq.Value - (uint)count));

    /// <summary>The signed distance from <paramref name="b"/> to <paramref name="a"/>: positive if <paramref name="a"/>
    /// is later.</summary>
    public static int operator -(TcpSeqNumber a, TcpSeqNumber b) => unchecked((int)(a.Value - b.Value));

    public static bool operator <(TcpSeqNumber a, TcpSeqNumber b) => a - b < 0;

    public static bool operator >(TcpSeqNumber a, TcpSeqNumber b) => a - b > 0;

    public static bool operator <=(TcpSeqNumber a, TcpSeqNumber b) => a - b <= 0;

    public static bool operator >=(TcpSeqNumber a, TcpSeqNumber b) => a - b >= 0;

    /// <summary>The number <paramref name="count"/> bytes later (named form of <c>+</c>).</summary>
    public TcpSeqNumber Add(int count) => this + count;

    /// <summary>The signed distance from <paramref name="other"/> to this number (named form of <c>-</c>).</summary>
    public int Subtract(TcpSeqNumber other) => this - other;

    /// <summary>The later of two numbers.</summary>
    public static TcpSeqNumber Max(TcpSeqNumber a, TcpSeqNumber b) => a >= b ? a : b;

    /// <summary>The earlier of two numbers.</summary>
    public static TcpSeqNumber Min(TcpSeqNumber a, TcpSeqNumber b) => a <= b ? a : b;

    /// <summary>True if this number is in <c>[start, start + size)</c>, wrapping: RFC 9293 §3.4's
    /// <c>start =&lt; x &lt; start + size</c>. Always false for size 0.</summary>
    public bool IsInWindow(TcpSeqNumber start, uint size) => unchecked(Value - start.Value) < size;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

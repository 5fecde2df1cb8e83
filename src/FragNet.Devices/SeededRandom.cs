namespace FragNet.Devices;

/// <summary>
/// A deterministic pseudo-random source: xoshiro256** (Blackman and Vigna), seeded through SplitMix64. A
/// <see cref="Random"/>, so any API that takes one works, but every method is overridden here: the sequence depends
/// only on the seed — not on the .NET version, the platform or the process — so a simulation replays from its seed.
/// </summary>
/// <remarks>
/// <see cref="Derive"/> gives independent streams for components (one per link, per fault injector rule...), so adding
/// a component does not shift the numbers another one sees. Not cryptographic; not thread-safe.
/// </remarks>
public sealed class SeededRandom : Random
{
    private const ulong Golden = 0x9E3779B97F4A7C15; // 2^64 / φ, SplitMix64's increment

    private ulong _s0, _s1, _s2, _s3; // xoshiro256 state; never all zero

    /// <summary>Creates the stream for <paramref name="seed"/>.</summary>
    public SeededRandom(ulong seed)
        : base(0) // the base generator is never used: every virtual member is overridden below
    {
        Seed = seed;
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
        if ((_s0 | _s1 | _s2 | _s3) == 0)
        {
            _s0 = Golden; // SplitMix64 never yields four zeros in a row, but the state must not be all zero
        }
    }

    /// <summary>The seed this stream started from.</summary>
    public ulong Seed { get; }

    /// <summary>The seed of stream <paramref name="stream"/> derived from <paramref name="seed"/>: a fixed, well-mixed
    /// function of both.</summary>
    public static ulong DeriveSeed(ulong seed, ulong stream)
    {
        ulong x = seed ^ ((stream + 1) * Golden);
        return SplitMix64(ref x);
    }

    /// <summary>An independent stream derived from this one's <see cref="Seed"/> (not from its current state, so it
    /// does not matter how many numbers were drawn before).</summary>
    public SeededRandom Derive(ulong stream) => new(DeriveSeed(Seed, stream));

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform value in [0, <paramref name="bound"/>) without modulo bias (Lemire's method).</summary>
    public ulong NextUInt64(ulong bound)
    {
        ArgumentOutOfRangeException.ThrowIfZero(bound);
        ulong high = Math.BigMul(NextUInt64(), bound, out ulong low);
        if (low < bound)
        {
            ulong threshold = (0 - bound) % bound;
            while (low < threshold)
            {
                high = Math.BigMul(NextUInt64(), bound, out low);
            }
        }

        return high;
    }

    /// <summary>True with probability <paramref name="probability"/> (0: never, 1: always).</summary>
    public bool NextBoolean(double probability) => probability >= 1.0 || NextDouble() < probability;

    public override int Next() => (int)NextUInt64(int.MaxValue);

    public override int Next(int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return maxValue == 0 ? 0 : (int)NextUInt64((ulong)maxValue);
    }

    public override int Next(int minValue, int maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        ulong range = (ulong)((long)maxValue - minValue);
        return range == 0 ? minValue : (int)((long)minValue + (long)NextUInt64(range));
    }

    public override long NextInt64() => (long)NextUInt64(long.MaxValue);

    public override long NextInt64(long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxValue);
        return maxValue == 0 ? 0 : (long)NextUInt64((ulong)maxValue);
    }

    public override long NextInt64(long minValue, long maxValue)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minValue, maxValue);
        ulong range = unchecked((ulong)maxValue - (ulong)minValue);
        return range == 0 ? minValue : unchecked(minValue + (long)NextUInt64(range));
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public override double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform float in [0, 1) with 24 random bits.</summary>
    public override float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    public override void NextBytes(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        NextBytes(buffer.AsSpan());
    }

    public override void NextBytes(Span<byte> buffer)
    {
        while (buffer.Length >= 8)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(buffer, NextUInt64());
            buffer = buffer[8..];
        }

        if (buffer.Length > 0)
        {
            ulong last = NextUInt64();
            for (int i = 0; i < buffer.Length; i++)
            {
                buffer[i] = (byte)(last >> (8 * i));
            }
        }
    }

    protected override double Sample() => NextDouble();

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += Golden;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}

using System.Security.Cryptography;
using FragNet.Stack.Streams;

namespace FragNet.Devices;

/// <summary>
/// The receiving application of a real-network transfer: hashes every byte received and, given the sender's seed,
/// compares each with the <see cref="DeterministicPattern"/> at its position, remembering the first that differs.
/// Fed from a FragNet <see cref="IStreamSocket"/> in place (<see cref="Drain"/>) or from any buffer
/// (<see cref="Append"/>).
/// </summary>
public sealed class PatternChecker : IDisposable
{
    private readonly DeterministicPattern? _pattern;
    private readonly IncrementalHash? _hash;
    private byte[] _expected = [];
    private string? _sha256;

    /// <summary>A checker comparing against the stream of <paramref name="seed"/> (none if null) and, with
    /// <paramref name="hash"/>, computing the SHA-256 of what arrived.</summary>
    public PatternChecker(ulong? seed, bool hash = true)
    {
        _pattern = seed is ulong s ? new DeterministicPattern(s) : null;
        _hash = hash ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
    }

    /// <summary>Bytes received.</summary>
    public long Bytes { get; private set; }

    /// <summary>Stream offset of the first byte that differed from the pattern; -1 if none (or not comparing).</summary>
    public long FirstMismatch { get; private set; } = -1;

    /// <summary>Takes the next received bytes.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        if (_sha256 is not null)
        {
            throw new InvalidOperationException("the hash was already taken");
        }

        _hash?.AppendData(data);
        if (_pattern is DeterministicPattern pattern && FirstMismatch < 0)
        {
            if (_expected.Length < data.Length)
            {
                _expected = new byte[Math.Max(data.Length, 64 * 1024)];
            }

            Span<byte> expected = _expected.AsSpan(0, data.Length);
            pattern.Fill(expected, Bytes);
            int at = data.CommonPrefixLength(expected);
            if (at < data.Length)
            {
                FirstMismatch = Bytes + at;
            }
        }

        Bytes += data.Length;
    }

    /// <summary>Takes everything <paramref name="socket"/> has received, in place, and consumes it; returns the count.</summary>
    public int Drain(IStreamSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        int total = 0;
        while (socket.ReceiveQueued > 0)
        {
            int n = 0;
            foreach (ReadOnlySpan<byte> piece in socket.PeekReceived())
            {
                Append(piece);
                n += piece.Length;
            }

            if (n == 0)
            {
                break;
            }

            socket.ConsumeReceived(n);
            total += n;
        }

        return total;
    }

    /// <summary>The SHA-256 of everything received (lowercase hex; empty without hashing); no more bytes may be
    /// appended after.</summary>
    public string Sha256() => _hash is null ? string.Empty : _sha256 ??= Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose() => _hash?.Dispose();
}

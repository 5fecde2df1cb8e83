using System.Security.Cryptography;
using FragNet.Stack.Streams;

namespace FragNet.Devices;

/// <summary>
/// The sending application of a real-network transfer (<c>fragnet tcp send</c>, the TAP interop tests): the first
/// <see cref="Total"/> bytes of a <see cref="DeterministicPattern"/>, produced a chunk at a time and hashed as they are
/// produced, handed to whatever takes bytes — a FragNet <see cref="IStreamSocket"/> (<see cref="Pump"/>) or a kernel
/// socket (<see cref="Pending"/> and <see cref="Advance"/>).
/// </summary>
public sealed class PatternSource : IDisposable
{
    private const int ChunkSize = 256 * 1024;

    private readonly DeterministicPattern _pattern;
    private readonly IncrementalHash? _hash;
    private readonly byte[] _chunk;
    private int _chunkLength;
    private int _chunkOffset;
    private long _produced;
    private string? _sha256;

    /// <summary>The first <paramref name="total"/> bytes of the stream of <paramref name="seed"/>; without
    /// <paramref name="hash"/> no SHA-256 is computed (on a CPU without SHA extensions it costs more than the network).</summary>
    public PatternSource(ulong seed, long total, bool hash = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        _hash = hash ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        _pattern = new DeterministicPattern(seed);
        Total = total;
        _chunk = new byte[(int)Math.Min(ChunkSize, Math.Max(total, 1))];
    }

    /// <summary>Bytes the transfer sends.</summary>
    public long Total { get; }

    /// <summary>Bytes taken so far.</summary>
    public long Position { get; private set; }

    /// <summary>True once every byte was taken.</summary>
    public bool IsDone => Position == Total;

    /// <summary>The next bytes to send (empty when done); valid until <see cref="Advance"/>.</summary>
    public ReadOnlySpan<byte> Pending
    {
        get
        {
            if (_chunkOffset == _chunkLength && _produced < Total)
            {
                _chunkLength = (int)Math.Min(_chunk.Length, Total - _produced);
                _chunkOffset = 0;
                _pattern.Fill(_chunk.AsSpan(0, _chunkLength), _produced);
                _hash?.AppendData(_chunk, 0, _chunkLength);
                _produced += _chunkLength;
            }

            return _chunk.AsSpan(_chunkOffset, _chunkLength - _chunkOffset);
        }
    }

    /// <summary>Marks <paramref name="count"/> bytes of <see cref="Pending"/> as sent.</summary>
    public void Advance(int count)
    {
        if ((uint)count > (uint)(_chunkLength - _chunkOffset))
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"{_chunkLength - _chunkOffset} bytes are pending");
        }

        _chunkOffset += count;
        Position += count;
    }

    /// <summary>Queues as much as <paramref name="socket"/> takes (<see cref="IStreamSocket.Send"/> copies); returns the
    /// bytes queued.</summary>
    public int Pump(IStreamSocket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        int queued = 0;
        while (!IsDone && socket.SendSpace > 0)
        {
            int n = socket.Send(Pending);
            if (n == 0)
            {
                break;
            }

            Advance(n);
            queued += n;
        }

        return queued;
    }

    /// <summary>The SHA-256 of the whole stream (lowercase hex; empty without hashing); produces what was not sent
    /// yet to compute it.</summary>
    public string Sha256()
    {
        if (_hash is null)
        {
            return string.Empty;
        }

        if (_sha256 is null)
        {
            while (_produced < Total)
            {
                Advance(Pending.Length);
            }

            _sha256 = Convert.ToHexStringLower(_hash.GetHashAndReset());
        }

        return _sha256;
    }

    public void Dispose() => _hash?.Dispose();
}

namespace FragNet.Buffers;

/// <summary>
/// A reference-count misuse that can only be a bug: taking a reference on a released object (use after release),
/// dropping below zero (double free), or reaching a page through a stale fragment.
/// </summary>
public sealed class RefCountException : InvalidOperationException
{
    public RefCountException(string message)
        : base(message)
    {
    }

    public RefCountException()
    {
    }

    public RefCountException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

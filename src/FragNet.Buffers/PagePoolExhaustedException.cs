namespace FragNet.Buffers;

/// <summary>A <see cref="PagePool"/> had no free page. Pools never grow silently and never wait.</summary>
public sealed class PagePoolExhaustedException : InvalidOperationException
{
    public PagePoolExhaustedException(string message)
        : base(message)
    {
    }

    public PagePoolExhaustedException()
    {
    }

    public PagePoolExhaustedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

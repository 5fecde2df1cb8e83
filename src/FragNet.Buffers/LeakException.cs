namespace FragNet.Buffers;

/// <summary>A leak check in <see cref="LeakMode.Throw"/> found pages, buffers, mappings or destructors outstanding.</summary>
public sealed class LeakException : InvalidOperationException
{
    public LeakException(string message)
        : base(message)
    {
    }

    public LeakException()
    {
    }

    public LeakException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

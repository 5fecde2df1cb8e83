namespace FragNet.Stack.Streams;

/// <summary>A listening stream port (TCP LISTEN) of an <see cref="IStreamTransport"/>.</summary>
public interface IStreamListener
{
    /// <summary>The local port.</summary>
    ushort Port { get; }

    /// <summary>The next established connection, or null when none is waiting.</summary>
    IStreamSocket? Accept();
}

namespace FragNet.Nfs.Client;

/// <summary>An NFS operation failed: the server said no (with the status it gave), did not answer, or the request
/// made no sense. The message says which, in words a user can act on.</summary>
public sealed class NfsException : Exception
{
    public NfsException()
    {
    }

    public NfsException(string message)
        : base(message)
    {
    }

    public NfsException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

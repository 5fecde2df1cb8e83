namespace FragNet.Buffers;

/// <summary>Who gets a page back when its last reference is dropped: a <see cref="PagePool"/>, a
/// <see cref="UserBuffer"/> of a caller, or a foreign-memory mapper.</summary>
public interface IPageOwner
{
    /// <summary>A name for reports ("pool", "nfs-app-buffer", "dom1-grants").</summary>
    string Name { get; }

    /// <summary>The page's count reached zero and it is not flagged foreign: it is the owner's again.</summary>
    void ReturnPage(Page page);
}

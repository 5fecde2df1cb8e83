namespace FragNet.Buffers;

/// <summary>
/// The skb-level destructor (Linux <c>skb-&gt;destructor</c> with <c>skb-&gt;sk</c>): runs when one buffer header is
/// freed, for socket memory accounting. Contrast with <see cref="FragDestructor"/>, which runs when the last reference
/// to the <em>pages</em> is gone, across every clone, copy and segment; a clone does not inherit this one.
/// </summary>
public interface ISkbDestructor
{
    /// <summary>The buffer <paramref name="skb"/> is being freed (or orphaned from its owner).</summary>
    void Destruct(SkBuff skb);
}

using FragNet.Buffers.Verification;

namespace FragNet.Buffers.Tests;

public sealed class LentPageTraceTests
{
    [Fact]
    public void The_trace_shows_destroy_exactly_once_at_the_last_free()
    {
        IReadOnlyList<LentPageTrace.Row> rows = LentPageTrace.Run();
        Assert.Equal(1, rows[0].PageRefCount);
        Assert.Equal(2, rows.Single(r => r.Step == "alloc_skb + AppendFrag").PageRefCount);
        Assert.Equal(
            rows.Single(r => r.Step == "creator releases").DestructorRef,
            rows.Single(r => r.Step == "skb_clone").DestructorRef); // rule 3: clone takes nothing
        Assert.Equal(5, rows.Single(r => r.Step.StartsWith("skb_segment", StringComparison.Ordinal)).DestructorRef);
        Assert.Single(rows, r => r.Destroyed && r.DestructorRef == 0);
        Assert.True(rows[^1].Destroyed);
        Assert.False(rows[^2].Destroyed);
        Assert.Equal(1, rows[^1].PageRefCount);
        foreach (LentPageTrace.Row r in rows.Where(r => !r.Destroyed && r.Step != "lend page" && r.Step != "alloc_skb + AppendFrag"))
        {
            Assert.Equal(r.PageRefCount - 1, r.DestructorRef); // rule 8 once the creator released: frags only
        }
    }
}

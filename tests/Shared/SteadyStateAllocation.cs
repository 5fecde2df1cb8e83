using Xunit;
namespace FragNet.Testing;

/// <summary>
/// Asserts that a warm loop allocates nothing on the test's thread, in a way that a real allocation always fails and
/// the runtime's one-off noise never does.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> around one measured batch is not enough on a loaded machine.
/// Two things can add bytes to one batch that the loop did not allocate, once:
/// </para>
/// <list type="bullet">
/// <item>the runtime's tiering, which recompiles a hot method in the background while the loop runs, and</item>
/// <item>a garbage collection started by another thread, which retires the thread's allocation context; the
///   counter can then report about one allocation quantum (8 KiB) that no object took (the runtime's own test of the
///   counter allows for this).</item>
/// </list>
/// <para>
/// CI ran the adaptive netback loop's second batch with 8,144 bytes, on a run where every other batch was 0; no local
/// run reproduced it. A loop that allocates per iteration, or every few hundred iterations, allocates in every batch.
/// So the rule is: several batches, each under <see cref="OneOffLimit"/>, and at least half of them exactly 0.
/// </para>
/// </remarks>
internal static class SteadyStateAllocation
{
    /// <summary>The most one batch may show from the runtime's one-off noise: a few allocation quanta. A loop that
    /// allocates one small object per iteration passes this within a few thousand iterations.</summary>
    public const long OneOffLimit = 64 * 1024;

    /// <summary>Runs <paramref name="batch"/> <paramref name="warmups"/> times unmeasured (JIT, tiering, first-use
    /// growth), then <paramref name="batches"/> times measured; returns each measured batch's bytes.</summary>
    public static long[] Measure(Action batch, int batches = 6, int warmups = 2)
    {
        ArgumentNullException.ThrowIfNull(batch);
        for (int i = 0; i < warmups; i++)
        {
            batch();
        }

        var bytes = new long[batches];
        for (int i = 0; i < batches; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            batch();
            bytes[i] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        return bytes;
    }

    /// <summary>Asserts that the warm <paramref name="batch"/> allocates nothing (see the remarks).</summary>
    public static void AssertNone(Action batch, int batches = 6, int warmups = 2)
        => AssertSteady(Measure(batch, batches, warmups));

    /// <summary>Asserts that measured batches show nothing but one-off noise: each under <see cref="OneOffLimit"/>,
    /// and at least half exactly 0.</summary>
    public static void AssertSteady(IReadOnlyList<long> bytesPerBatch)
    {
        ArgumentNullException.ThrowIfNull(bytesPerBatch);
        Assert.True(bytesPerBatch.Count >= 2, "measure at least two batches");
        string all = string.Join(", ", bytesPerBatch);
        Assert.True(bytesPerBatch.All(b => b < OneOffLimit), $"a batch allocated {OneOffLimit} bytes or more: {all}");
        int clean = bytesPerBatch.Count(b => b == 0);
        Assert.True(clean * 2 >= bytesPerBatch.Count, $"only {clean} of {bytesPerBatch.Count} batches allocated nothing: {all}");
    }
}

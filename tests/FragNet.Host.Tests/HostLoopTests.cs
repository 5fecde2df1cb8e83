using FragNet.Host;

namespace FragNet.Host.Tests;

/// <summary>The real-time loop: it polls at a participant's deadline, wakes for another thread, and stops.</summary>
public sealed class HostLoopTests
{
    [Fact]
    public void A_participant_is_polled_again_once_its_deadline_has_passed()
    {
        using var loop = new HostLoop();
        Instant deadline = loop.Clock.Now + Duration.FromMilliseconds(20);
        Instant? polledAfter = null;
        loop.Add(now => { if (now >= deadline) { polledAfter = now; } }, () => polledAfter is null ? deadline : Instant.MaxValue);

        Assert.True(loop.RunUntil(() => polledAfter is not null, TimeSpan.FromSeconds(10)));
        Assert.True(polledAfter >= deadline);
        Assert.True(loop.Iterations < 1000, $"the loop spun {loop.Iterations} times instead of sleeping until the deadline");
    }

    [Fact]
    public void Work_posted_from_another_thread_runs_on_the_loop_and_wakes_it()
    {
        using var loop = new HostLoop();
        int loopThread = Environment.CurrentManagedThreadId;
        int? ranOn = null;
        var poster = new Thread(() => loop.Post(_ => ranOn = Environment.CurrentManagedThreadId));

        poster.Start();
        Assert.True(loop.RunUntil(() => ranOn is not null, TimeSpan.FromSeconds(10)));
        poster.Join();
        Assert.Equal(loopThread, ranOn);
    }

    [Fact]
    public void RunUntil_returns_false_at_its_limit_and_on_cancellation()
    {
        using var loop = new HostLoop();
        Assert.False(loop.RunUntil(() => false, TimeSpan.FromMilliseconds(30)));

        using var cancel = new CancellationTokenSource();
        loop.Post(_ => cancel.Cancel());
        Assert.False(loop.RunUntil(() => false, Timeout.InfiniteTimeSpan, cancel.Token));
    }
}

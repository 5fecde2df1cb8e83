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

    [Fact]
    public void A_removed_participant_is_neither_polled_nor_asked_for_a_deadline_again_even_if_it_removed_itself()
    {
        using var loop = new HostLoop();
        int polls = 0;
        int others = 0;
        Action<Instant>? self = null;
        self = _ =>
        {
            if (++polls == 2)
            {
                Assert.True(loop.Remove(self!)); // mid-turn: the loop is walking its participants right now
            }
        };
        loop.Add(self, () => Instant.Zero); // a deadline always due: it would keep the loop from sleeping
        loop.Add(_ => others++);
        Assert.Equal(2, loop.Participants);

        loop.RunOnce();
        loop.RunOnce();
        Assert.Equal(1, loop.Participants);
        Assert.Equal(Instant.MaxValue, loop.NextDeadline()); // its due deadline is gone with it
        loop.RunOnce();
        Assert.Equal((2, 3), (polls, others));
        Assert.False(loop.Remove(self)); // once
        Assert.False(loop.Remove(_ => { })); // never added
    }
}

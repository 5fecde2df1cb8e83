namespace FragNet.Devices.Tests;

/// <summary>The simulation's application loop: participants in order, woken at their deadlines in virtual time, and
/// gone — polls and deadlines — once removed, even by themselves mid-turn.</summary>
public sealed class SimulationDriverTests
{
    [Fact]
    public void A_participant_is_polled_at_its_deadline_and_not_after_it_removed_itself()
    {
        var sim = new Simulator(1);
        var driver = new SimulationDriver(sim);
        var polledAt = new List<Instant>();
        Action<Instant>? tick = null;
        tick = now =>
        {
            polledAt.Add(now);
            if (polledAt.Count == 3)
            {
                Assert.True(driver.Remove(tick!));
            }
        };

        // Every 10 ms of virtual time, for ever, unless removed.
        driver.Add(tick, () => polledAt.Count == 0 ? Instant.Zero : polledAt[^1] + Duration.FromMilliseconds(10));
        Assert.Equal(1, driver.Participants);

        driver.RunFor(Duration.FromSeconds(1));
        Assert.Equal([Instant.Zero, Instant.FromMilliseconds(10), Instant.FromMilliseconds(20)], polledAt);
        Assert.Equal(0, driver.Participants);
        Assert.False(driver.Remove(tick));
        Assert.Equal(Instant.FromSeconds(1), sim.Now);
    }
}

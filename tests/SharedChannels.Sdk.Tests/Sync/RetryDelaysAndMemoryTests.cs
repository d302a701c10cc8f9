using SharedChannels.Identity;
using SharedChannels.Sync.Internal;

namespace SharedChannels.Tests.Sync;

/// <summary>The default retry delays, and the bounded in-memory state of the outbound engine.</summary>
public sealed class RetryDelaysAndMemoryTests
{
    private const string Connection = "conn00000000000000000000aa";

    [Test]
    public void ExponentialRetryDelays_WithoutJitter_DoubleFromOneSecondAndStopAtFiveMinutes()
    {
        var delays = new ExponentialRetryDelays(() => 1.0);

        TimeSpan[] seen = [.. new[] { 1, 2, 3, 4, 8, 9, 10, 11, 30, 1000 }.Select(delays.GetDelay)];

        Assert.That(seen.Select(d => d.TotalSeconds), Is.EqualTo(new double[] { 1, 2, 4, 8, 128, 256, 300, 300, 300, 300 }));
    }

    [Test]
    public void ExponentialRetryDelays_LowestJitter_IsHalfTheDelay()
    {
        var delays = new ExponentialRetryDelays(() => 0.0);

        Assert.That(new[] { 1, 3, 20 }.Select(a => delays.GetDelay(a).TotalSeconds), Is.EqualTo(new double[] { 0.5, 2, 150 }));
    }

    [Test]
    public void ExponentialRetryDelays_DefaultJitter_StaysWithinHalfAndFullDelay()
    {
        var delays = new ExponentialRetryDelays();

        Assert.That(Enumerable.Range(0, 200).Select(_ => delays.GetDelay(4).TotalSeconds), Has.All.InRange(4.0, 8.0));
    }

    [Test]
    public void StatusOutbox_UserChangesStatusManyTimes_KeepsOnlyTheLatest()
    {
        var outbox = new StatusOutbox();
        for (int i = 0; i < 50; i++)
        {
            outbox.Add(Connection, Status("alice", i % 2 == 0 ? "online" : "away"));
            outbox.Add(Connection, Status("bob", "dnd"));
        }

        outbox.Add(Connection, Status("alice", "offline"));

        Assert.That(outbox.Peek(Connection).Select(s => (s.UserId, s.Status)), Is.EqualTo(new[] { ("bob", "dnd"), ("alice", "offline") }));
    }

    [Test]
    public void StatusOutbox_ConnectionOfflineWhileManyUsersChange_KeepsTheNewestUpToTheCap()
    {
        var outbox = new StatusOutbox();
        int users = StatusOutbox.MaxPerConnection + 500;
        for (int i = 0; i < users; i++)
        {
            outbox.Add(Connection, Status($"user{i}", "online"));
        }

        IReadOnlyList<UserStatus> kept = outbox.Peek(Connection);
        Assert.That(kept, Has.Count.EqualTo(StatusOutbox.MaxPerConnection));
        Assert.That(kept[0].UserId, Is.EqualTo("user500"), "the oldest give way");
        Assert.That(kept[^1].UserId, Is.EqualTo($"user{users - 1}"));
    }

    [Test]
    public void StatusOutbox_TakenStatusesReturned_GoBackInFrontUnlessANewerOneArrived()
    {
        var outbox = new StatusOutbox();
        outbox.Add(Connection, Status("alice", "online"));
        outbox.Add(Connection, Status("bob", "online"));
        List<UserStatus> taken = outbox.Take(Connection);
        outbox.Add(Connection, Status("bob", "away"));
        outbox.Add(Connection, Status("carol", "dnd"));

        outbox.Return(Connection, taken);

        Assert.That(outbox.Peek(Connection).Select(s => (s.UserId, s.Status)), Is.EqualTo(new[] { ("alice", "online"), ("bob", "away"), ("carol", "dnd") }));
    }

    [Test]
    public void StatusOutbox_Take_TakesAtMostOneMessageWorthOldestFirst()
    {
        var outbox = new StatusOutbox();
        for (int i = 0; i < StatusOutbox.MaxPerMessage + 5; i++)
        {
            outbox.Add(Connection, Status($"user{i}", "online"));
        }

        List<UserStatus> taken = outbox.Take(Connection);

        Assert.That(taken, Has.Count.EqualTo(StatusOutbox.MaxPerMessage));
        Assert.That(taken[0].UserId, Is.EqualTo("user0"));
        Assert.That(outbox.Peek(Connection), Has.Count.EqualTo(5));
    }

    [Test]
    public void StatusOutbox_Forget_DropsTheConnectionsQueue()
    {
        var outbox = new StatusOutbox();
        outbox.Add(Connection, Status("alice", "online"));
        outbox.Add("other0000000000000000000aa", Status("alice", "online"));

        outbox.Forget(Connection);

        Assert.That(outbox.Peek(Connection), Is.Empty);
        Assert.That(outbox.ConnectionCount, Is.EqualTo(1));
    }

    [Test]
    public void RecentIds_OverCapacity_ForgetsTheLeastRecentlyUsed()
    {
        var ids = new RecentIds(3);
        ids.Add("a");
        ids.Add("b");
        ids.Add("c");
        Assert.That(ids.Contains("a"), Is.True);

        ids.Add("d");

        Assert.That(new[] { "a", "b", "c", "d" }.Select(ids.Contains), Is.EqualTo(new[] { true, false, true, true }));
        Assert.That(ids.Count, Is.EqualTo(3));
    }

    private static UserStatus Status(string userId, string status) => new() { UserId = userId, Status = status };
}

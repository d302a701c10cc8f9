using Microsoft.Extensions.DependencyInjection;
using Moq;
using SharedChannels.Commands;
using SharedChannels.Connections;
using SharedChannels.Sharing;
using SharedChannels.Storage;

namespace SharedChannels.Tests.DependencyInjection;

/// <summary>
/// A host's unit tests can substitute the SDK's clients: each has a protected constructor and virtual members, and a
/// mock registered before <c>AddSharedChannels</c> is the one the container hands out.
/// </summary>
public sealed class MockableClientsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task SecureConnections_CanBeMockedAndRegistered()
    {
        var remote = new RemoteConnection
        {
            Id = "conn", Name = "acme", DisplayName = "Acme", DefaultTeamId = string.Empty, CreatorId = "admin",
            CreatedAt = Now, InvitationAccepted = true, IsOnline = true, State = ConnectionState.Connected,
        };
        var mock = new Mock<SecureConnections>();
        mock.Setup(c => c.ListAsync("admin", false, It.IsAny<CancellationToken>())).ReturnsAsync([remote]);

        SecureConnections resolved = Resolve(mock.Object);

        Assert.That(resolved, Is.SameAs(mock.Object));
        Assert.That(await resolved.ListAsync("admin"), Is.EqualTo(new[] { remote }));
    }

    [Test]
    public async Task ConnectionMonitor_CanBeMockedAndRegistered()
    {
        var mock = new Mock<ConnectionMonitor>();
        mock.Setup(m => m.PingAllAsync(It.IsAny<CancellationToken>())).Returns(Task.CompletedTask).Verifiable();

        ConnectionMonitor resolved = Resolve(mock.Object);
        await resolved.PingAllAsync();

        Assert.That(resolved, Is.SameAs(mock.Object));
        mock.Verify();
    }

    [Test]
    public async Task ChannelSharing_CanBeMockedAndRegistered()
    {
        var shared = new SharedChannel { ChannelId = "chan", CreatedAt = Now };
        var mock = new Mock<ChannelSharing>();
        mock.Setup(s => s.ShareAsync("admin", "chan", It.IsAny<CancellationToken>())).ReturnsAsync(shared);

        ChannelSharing resolved = Resolve(mock.Object);

        Assert.That(await resolved.ShareAsync("admin", "chan"), Is.SameAs(shared));
    }

    [Test]
    public async Task SlashCommandHandler_CanBeMockedAndRegistered()
    {
        var answer = new CommandResult(true, "done", null);
        var mock = new Mock<SlashCommandHandler>();
        mock.Setup(h => h.ExecuteAsync("admin", "/share-channel status", It.IsAny<CommandContext>(), It.IsAny<CancellationToken>())).ReturnsAsync(answer);

        SlashCommandHandler resolved = Resolve(mock.Object);

        Assert.That(await resolved.ExecuteAsync("admin", "/share-channel status", new CommandContext()), Is.SameAs(answer));
    }

    private static T Resolve<T>(T mock)
        where T : class
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(mock);
        services.AddSharedChannels();
        using ServiceProvider provider = services.BuildServiceProvider();
        return provider.GetRequiredService<T>();
    }
}

using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using SharedChannels.Identity;
using SharedChannels.Storage;
using SharedChannels.Sync;
using SharedChannels.Sync.Internal;
using SharedChannels.Transport;
using SharedChannels.Transport.Internal;
using SharedChannels.Wire;

namespace SharedChannels.Tests.Sync;

/// <summary>A message the peer refuses as too large (413) is sent again in halves until the parts fit.</summary>
public sealed partial class BatchSenderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly ConnectionRecord Connection = new()
    {
        RemoteId = "conn00000000000000000000aa",
        Name = "peer",
        DisplayName = "peer",
        CreatorId = "admin",
        CreatedAt = Now,
        InvitationGeneratedAt = Now,
        InvitationAccepted = true,
        Token = "token",
        RemoteToken = "remote-token",
        SiteUrl = "https://peer.test",
    };

    private static readonly SharedChannel Channel = new() { ChannelId = "chan0000000000000000000000", CreatedAt = Now };

    private ConcurrentQueue<string[]> _accepted = null!;
    private ConcurrentQueue<SyncItemRejectedEventArgs> _rejected = null!;
    private ServiceProvider _services = null!;

    [SetUp]
    public void SetUp()
    {
        _accepted = new();
        _rejected = new();
        _services = new ServiceCollection().AddSingleton(Mock.Of<IUserDirectory>()).BuildServiceProvider();
    }

    [TearDown]
    public void TearDown() => _services.Dispose();

    [Test]
    public async Task SendAsync_PeerTakesAtMostTwoPosts_SendsHalvesInOrderUntilTheyFit()
    {
        BatchSender sender = NewSender(maxPosts: 2, tooLarge: null);

        bool stillShared = await sender.SendAsync(Connection, Channel, Message(6), CancellationToken.None);

        Assert.That(stillShared, Is.True);
        Assert.That(_accepted.Select(ids => string.Join(",", ids)), Is.EqualTo(new[] { "p0", "p1,p2", "p3", "p4,p5" }));
        Assert.That(_rejected, Is.Empty);
    }

    [Test]
    public async Task SendAsync_OnePostNeverFits_ReportsItAndSendsTheRest()
    {
        BatchSender sender = NewSender(maxPosts: 2, tooLarge: "p2");

        bool stillShared = await sender.SendAsync(Connection, Channel, Message(4), CancellationToken.None);

        Assert.That(stillShared, Is.True);
        Assert.That(_accepted.SelectMany(ids => ids), Is.EqualTo(new[] { "p0", "p1", "p3" }));
        Assert.That(_rejected.Select(e => (e.Kind, e.ItemId)), Is.EqualTo(new[] { ("post", "p2") }));
        Assert.That(_rejected.Single().Reason, Does.Contain("413"));
    }

    private BatchSender NewSender(int maxPosts, string? tooLarge)
    {
        var transport = new Mock<IRemoteTransport>();
        transport.Setup(t => t.SendAsync(It.IsAny<Uri>(), It.IsAny<RemoteRequest>(), It.IsAny<CancellationToken>()))
            .Returns((Uri _, RemoteRequest request, CancellationToken _) =>
            {
                string[] posts = [.. PostText().Matches(Encoding.UTF8.GetString(request.Body.Span)).Select(m => m.Groups[1].Value)];
                if (posts.Length > maxPosts || (tooLarge is not null && posts.Contains(tooLarge)))
                {
                    return Task.FromResult(new RemoteResponse(413, """{"status":"FAIL","err":"too large"}"""u8.ToArray()));
                }

                _accepted.Enqueue(posts);
                return Task.FromResult(new RemoteResponse(200, """{"status":"OK"}"""u8.ToArray()));
            });
        var options = new Mock<IOptionsMonitor<SharedChannelsOptions>>();
        options.Setup(o => o.CurrentValue).Returns(new SharedChannelsOptions());
        var remote = new RemoteSender(transport.Object, new FakeTimeProvider(Now), options.Object, new ConnectionHealth());
        var attachments = new AttachmentSender(_services.GetRequiredService<IUserDirectory>(), fileContent: null, remote, options.Object, NullLogger.Instance);
        return new BatchSender(remote, attachments, new RejectionReporter(_rejected.Enqueue, NullLogger.Instance), NullLogger.Instance);
    }

    private static SyncMsgDto Message(int posts) => new()
    {
        Id = RemoteIds.NewId(),
        ChannelId = Channel.ChannelId,
        Posts = [.. Enumerable.Range(0, posts).Select(i => new PostDto { Id = $"p{i}", Message = $"text-of-p{i}" })],
    };

    [GeneratedRegex("text-of-(p[0-9]+)")]
    private static partial Regex PostText();
}

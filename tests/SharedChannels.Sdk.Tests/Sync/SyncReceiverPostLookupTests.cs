using Microsoft.Extensions.DependencyInjection;
using SharedChannels.Content;
using SharedChannels.Testing;
using SharedChannels.Tests.TestSupport;

namespace SharedChannels.Tests.Sync;

/// <summary>The receiver reads the posts an inbound message refers to with one batch lookup, not one lookup per post.</summary>
public sealed class SyncReceiverPostLookupTests
{
    private const string Channel = SharedChannelPair.Channel;
    private const string Alice = SharedChannelPair.Alice;

    private SharedChannelPair _pair = null!;
    private CountingChannelContent _remoteContent = null!;

    [SetUp]
    public async Task SetUp()
    {
        _pair = await SharedChannelPair.StartAsync(remoteServices: s =>
            s.AddSingleton<IChannelContent>(sp => new CountingChannelContent(sp.GetRequiredService<InMemoryChatContent>())));
        _remoteContent = (CountingChannelContent)_pair.Remote.Services.GetRequiredService<IChannelContent>();
        _remoteContent.Reset();
    }

    [TearDown]
    public async Task TearDown() => await _pair.DisposeAsync();

    [Test]
    public async Task HandleAsync_BatchOfTenPosts_LooksThemUpWithOneGetPostsCall()
    {
        List<string> ids = await _pair.WriteBacklogAsync(10);

        _pair.Home.Sync.NotifyChannelChanged(Channel);
        await _pair.SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_pair.HomeTransport.AcceptedWithPosts(SharedChannelPair.RemoteHost).Select(r => r.PostIds.Count), Is.EqualTo(new[] { 10 }), "one message of ten posts");
            Assert.That(_pair.PostIdsOnRemote(), Is.EqualTo(ids));
            Assert.That(_remoteContent.GetPostCalls, Is.Zero);
            Assert.That(_remoteContent.GetPostsCalls, Has.Count.EqualTo(1));
            Assert.That(_remoteContent.GetPostsCalls.Single(), Is.SupersetOf(ids));
        }
    }

    [Test]
    public async Task HandleAsync_BatchOfTenPostsWithReactions_LooksThePostsUpInAtMostTwoCalls()
    {
        List<string> ids = await _pair.WriteBacklogAsync(10);
        DateTimeOffset now = _pair.Time.GetUtcNow();
        foreach (string id in ids)
        {
            await _pair.Home.Content.UpsertReactionAsync(new Reaction { PostId = id, UserId = Alice, EmojiName = "+1", ChannelId = Channel, CreateAt = now, UpdateAt = now });
        }

        _pair.Home.Sync.NotifyChannelChanged(Channel);
        await _pair.SettleAsync();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(_pair.PostIdsOnRemote(), Is.EqualTo(ids));
            Assert.That(ids.Select(id => _pair.Remote.Content.GetReactions(id).Count), Has.All.EqualTo(1));
            Assert.That(_remoteContent.GetPostCalls, Is.Zero);
            Assert.That(_remoteContent.GetPostsCalls, Has.Count.InRange(1, 2), "posts and reactions, not one lookup per item");
            Assert.That(_remoteContent.GetPostsCalls.SelectMany(c => c), Is.SupersetOf(ids));
        }
    }
}

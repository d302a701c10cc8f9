using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SharedChannels.Http;
using SharedChannels.Integration.Tests.TestSupport;
using SharedChannels.Samples.Api;
using SharedChannels.Transport;

namespace SharedChannels.Integration.Tests.Sync;

/// <summary>
/// The receiver remembers the frames and signatures it has seen in memory only, so a frame replayed after it restarts
/// passes authentication again. Its effect must be nothing: every older version it carries loses to the newer one
/// stored (posts by update time, deletes are final, reactions and memberships by their stored history).
/// </summary>
[Category("Integration")]
public sealed class ReplayAfterRestartTests
{
    private readonly ConcurrentQueue<(Uri SiteUrl, RemoteRequest Request)> _sentByA = new();
    private TwoWorkspaces _workspaces = null!;
    private HttpRemoteTransport _transportA = null!;

    [SetUp]
    public async Task SetUp() =>
        _workspaces = await TwoWorkspaces.StartAsync(configureServicesA: services => services.Replace(ServiceDescriptor.Singleton<IRemoteTransport>(sp =>
            new CapturingTransport(_transportA = sp.GetRequiredService<HttpRemoteTransport>(), _sentByA))));

    [TearDown]
    public async Task TearDown() => await _workspaces.DisposeAsync();

    [Test]
    public async Task ReplayOfEveryFrame_AfterTheReceiverRestarted_IsAcceptedAndChangesNothing()
    {
        string channel = _workspaces.ChannelId;
        ChatClient a = _workspaces.ChatA;
        PostView kept = await a.PostAsync(channel, _workspaces.JohnA.Id, "first version");
        PostView doomed = await a.PostAsync(channel, _workspaces.JohnA.Id, "to be deleted");
        await a.AddReactionAsync(kept.Id, _workspaces.AdminA.Id, "tada");
        await _workspaces.WaitUntilAsync("the posts and the reaction on B", async ct => (await _workspaces.ChatB.GetPostsAsync(channel, ct)).Any(p => p.Reactions.Count == 1));
        await a.EditPostAsync(kept.Id, "second version");
        await a.DeletePostAsync(doomed.Id);
        await _workspaces.WaitUntilAsync("the edit and the delete on B", async ct =>
            (await _workspaces.ChatB.GetPostsAsync(channel, ct)) is [{ Message: "second version" }]);
        string before = await SnapshotAsync();

        await _workspaces.RestartBAsync(() => Task.CompletedTask);

        // Newest first: each older frame must lose to what B already has.
        var answers = new List<string>();
        foreach ((Uri siteUrl, RemoteRequest request) in _sentByA.Reverse().ToList())
        {
            RemoteResponse response = await _transportA.SendAsync(siteUrl, request);
            using JsonDocument reply = JsonDocument.Parse(response.Body);
            answers.Add($"{response.StatusCode} {reply.RootElement.GetProperty("status").GetString()}");
        }

        string after = await SnapshotAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(_sentByA, Has.Count.GreaterThanOrEqualTo(3), "the invitation and the sync messages were captured");
            Assert.That(answers, Has.All.EqualTo("200 OK"), "after the restart, the replays pass authentication and the signature check");
            Assert.That(after, Is.EqualTo(before), "and change nothing B shows");
        }
    }

    /// <summary>What B shows of the channel: posts with their text, edit mark, thread and reactions.</summary>
    private async Task<string> SnapshotAsync() =>
        JsonSerializer.Serialize((await _workspaces.ChatB.GetPostsAsync(_workspaces.ChannelId)).Select(p => new
        {
            p.Id,
            p.Message,
            Edited = p.EditAt is not null,
            p.RootId,
            Reactions = p.Reactions.Select(r => $"{r.EmojiName}:{string.Join(',', r.Usernames)}"),
        }));

    /// <summary>A's transport, keeping every accepted <c>/msg</c> request exactly as sent (signature included).</summary>
    private sealed class CapturingTransport(IRemoteTransport inner, ConcurrentQueue<(Uri, RemoteRequest)> sent) : IRemoteTransport
    {
        public async Task<RemoteResponse> SendAsync(Uri siteUrl, RemoteRequest request, CancellationToken cancellationToken = default)
        {
            RemoteResponse response = await inner.SendAsync(siteUrl, request, cancellationToken);
            if (request.Endpoint == RemoteEndpoint.Message && response.IsSuccessStatusCode)
            {
                sent.Enqueue((siteUrl, request));
            }

            return response;
        }
    }
}

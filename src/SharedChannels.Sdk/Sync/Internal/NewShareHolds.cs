using System.Collections.Concurrent;
using SharedChannels.Storage;
using SharedChannels.Transport.Internal;

namespace SharedChannels.Sync.Internal;

/// <summary>
/// The channels a peer has just invited this workspace to. Nothing is sent in such a channel to that peer until the
/// peer has our answer (at most <see cref="AnswerWaitLimit"/>): Mattermost records the share only once the answer
/// arrives. For <see cref="GracePeriod"/> after the invitation, the peer's "no longer shared" is taken as "not yet
/// shared" and retried, not as the end of the share.
/// </summary>
/// <param name="timeProvider">The clock.</param>
internal sealed class NewShareHolds(TimeProvider timeProvider)
{
    /// <summary>How long after an invitation a "channel is no longer shared" answer is retried instead of ending the share.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromMinutes(2);

    /// <summary>How long a channel just received waits for the transport to report its answer written (<see cref="ReplySignal"/>).</summary>
    public static readonly TimeSpan AnswerWaitLimit = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<(string ConnectionId, string ChannelId), byte> _held = new();
    private readonly ConcurrentDictionary<(string ConnectionId, string ChannelId), DateTimeOffset> _received = new();

    /// <summary>
    /// Holds a channel until <paramref name="answer"/> is written or <see cref="AnswerWaitLimit"/> passes, then calls
    /// <paramref name="release"/> once (to send whatever changed meanwhile).
    /// </summary>
    public void Hold(string connectionId, string channelId, ReplySignal answer, Action release)
    {
        var key = (connectionId, channelId);
        _received[key] = timeProvider.GetUtcNow();
        _held[key] = 0;
        ITimer? limit = null;
        void Release()
        {
            if (_held.TryRemove(key, out _))
            {
                limit?.Dispose();
                release();
            }
        }

        // A transport that never reports its answers written holds the channel until the limit.
        limit = timeProvider.CreateTimer(_ => Release(), null, AnswerWaitLimit, Timeout.InfiniteTimeSpan);
        answer.OnSent(Release);
    }

    /// <summary>Gets whether a channel is held for a connection.</summary>
    public bool IsHeld(string connectionId, string channelId) => _held.ContainsKey((connectionId, channelId));

    /// <summary>Whether a peer's "no longer shared" may only mean that it has not yet recorded a share it just made.</summary>
    public bool InGracePeriod(string connectionId, SharedChannel channel)
    {
        if (channel.IsHome)
        {
            // A peer we invite records the share before it answers.
            return false;
        }

        DateTimeOffset received = _received.TryGetValue((connectionId, channel.ChannelId), out DateTimeOffset at) && at > channel.CreatedAt ? at : channel.CreatedAt;
        return timeProvider.GetUtcNow() - received < GracePeriod;
    }

    /// <summary>Forgets the invitations received from a connection.</summary>
    public void Forget(string connectionId)
    {
        foreach ((string ConnectionId, string ChannelId) key in _received.Keys.Where(k => k.ConnectionId == connectionId))
        {
            _received.TryRemove(key, out _);
        }
    }
}

using Microsoft.Extensions.Logging;
using SharedChannels.Content;
using SharedChannels.Diagnostics;
using SharedChannels.Identity;
using SharedChannels.Storage;
using SharedChannels.Wire;

namespace SharedChannels.Sync.Internal;

/// <summary>
/// One inbound sync message being applied: who sent it, where it writes (<see cref="Work"/>), what it already looked
/// up or stored, and the answer being built. The appliers of each kind of item share the rights checks here.
/// </summary>
/// <remarks>
/// One message is applied with one read of the posts it refers to (<see cref="LoadPostsAsync"/>) and one lookup per
/// distinct user (<see cref="GetUserAsync"/>): what the message itself changes is tracked, not read back.
/// </remarks>
internal sealed class InboundApplyContext(
    ConnectionRecord connection,
    string channelId,
    bool readOnlyForSender,
    Dictionary<string, string>? mentionTransforms,
    InboundUnitOfWork work,
    SharedChannelsOptions options,
    ILogger logger)
{
    public ConnectionRecord Connection { get; } = connection;

    /// <summary>Gets the channel of the message (empty in a global user sync).</summary>
    public string ChannelId { get; } = channelId;

    public bool ReadOnlyForSender { get; } = readOnlyForSender;

    public Dictionary<string, string>? MentionTransforms { get; } = mentionTransforms;

    /// <summary>Gets where the message's items are written.</summary>
    public InboundUnitOfWork Work { get; } = work;

    /// <summary>Gets the options, read once for the whole message.</summary>
    public SharedChannelsOptions Options { get; } = options;

    public ILogger Logger { get; } = logger;

    public SyncResponseDto Response { get; } = new();

    /// <summary>Gets the users this message looked up or stored (<see langword="null"/>: no such user).</summary>
    public Dictionary<string, ChatUser?> Users { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets the stored posts this message loaded or stored, by id.</summary>
    public Dictionary<string, Post> Posts { get; } = new(StringComparer.Ordinal);

    /// <summary>Gets or sets the local usernames of the message's mention transforms, once built.</summary>
    public Dictionary<string, string>? MentionReplacements { get; set; }

    /// <summary>Gets a value indicating whether the message changed the channel's content (and so may need relaying).</summary>
    public bool Changed { get; private set; }

    /// <summary>Gets the ids already looked up, found or not.</summary>
    private HashSet<string> LoadedPosts { get; } = new(StringComparer.Ordinal);

    /// <summary>Counts an applied item; <paramref name="changesChannel"/> when it changed the channel's content.</summary>
    public void Applied(string kind, bool changesChannel = true)
    {
        Changed |= changesChannel;
        SharedChannelsMetrics.ItemsApplied.Add(1, new KeyValuePair<string, object?>("kind", kind));
    }

    /// <summary>Refuses one item: logged, counted and reported back to the sender with its reason.</summary>
    public void Refuse(string kind, string id, string reason)
    {
        Log.ItemRefused(Logger, Connection.RemoteId, kind, id, ChannelId, reason);
        SharedChannelsMetrics.ItemsRejected.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("direction", "inbound"));
        (Response.ItemErrors ??= []).Add(new ItemErrorDto { Kind = kind, Id = id, Reason = reason });
        List<string>? ids = kind switch
        {
            "user" => Response.UserErrors,
            "post" => Response.PostErrors,
            "reaction" => Response.ReactionErrors,
            "acknowledgement" => Response.AcknowledgementErrors,
            "status" => Response.StatusErrors,
            _ => null,
        };
        ids?.Add(id);
    }

    /// <summary>The rights check every written item passes: right channel, writable, authored by a user the sender owns.</summary>
    public async Task<bool> CheckWriteAsync(string kind, string id, string itemChannelId, string userId, CancellationToken cancellationToken, bool allowedReadOnly = false)
    {
        if (itemChannelId != ChannelId)
        {
            Refuse(kind, id, "the item is for another channel than the message");
            return false;
        }

        if (ReadOnlyForSender && !allowedReadOnly)
        {
            Refuse(kind, id, "the channel is read-only for the sending workspace");
            return false;
        }

        if (!await OwnsUserAsync(userId, cancellationToken).ConfigureAwait(false))
        {
            Refuse(kind, id, "the sender may only write content of its own users");
            return false;
        }

        return true;
    }

    /// <summary>Checks against the posts loaded for this message (<see cref="LoadPostsAsync"/>), which include the ones it stored.</summary>
    public bool CheckPostInChannel(string kind, string postId)
    {
        if (Posts.GetValueOrDefault(postId) is { } post && post.ChannelId == ChannelId)
        {
            return true;
        }

        Refuse(kind, postId, "the post does not exist in this channel");
        return false;
    }

    /// <summary>Reads the stored versions of the posts not yet known to this message, with one call to the host.</summary>
    public async Task LoadPostsAsync(IEnumerable<string?> postIds, CancellationToken cancellationToken)
    {
        var missing = new HashSet<string>(StringComparer.Ordinal);
        foreach (string? id in postIds)
        {
            // Any id the message names, whatever its shape: a host's own ids need not look like Mattermost's.
            if (!string.IsNullOrEmpty(id) && !LoadedPosts.Contains(id))
            {
                missing.Add(id);
            }
        }

        if (missing.Count == 0)
        {
            return;
        }

        IReadOnlyDictionary<string, Post> found = await Work.Content.GetPostsAsync(missing, cancellationToken).ConfigureAwait(false);
        foreach (string id in missing)
        {
            LoadedPosts.Add(id);
            if (found.TryGetValue(id, out Post? post))
            {
                Posts[id] = post;
            }
        }
    }

    /// <summary>A user as this message knows it: looked up once, then kept with what the message changed.</summary>
    public async ValueTask<ChatUser?> GetUserAsync(string userId, CancellationToken cancellationToken)
    {
        if (!Users.TryGetValue(userId, out ChatUser? user))
        {
            user = await Work.Users.GetUserAsync(userId, cancellationToken).ConfigureAwait(false);
            Users[userId] = user;
        }

        return user;
    }

    public async Task<bool> OwnsUserAsync(string userId, CancellationToken cancellationToken) =>
        await GetUserAsync(userId, cancellationToken).ConfigureAwait(false) is { } user && user.RemoteId == Connection.RemoteId;
}

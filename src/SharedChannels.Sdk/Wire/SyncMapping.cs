using SharedChannels.Content;
using SharedChannels.Identity;

namespace SharedChannels.Wire;

/// <summary>Maps the public model to the wire DTOs and back. The only place that knows both.</summary>
internal static class SyncMapping
{
    public const string PropRemoteUsername = "RemoteUsername";
    public const string PropRemoteEmail = "RemoteEmail";
    public const string PropOriginalRemoteId = "OriginalRemoteId";

    public static long ToMs(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static long ToMs(DateTimeOffset? value) => value?.ToUnixTimeMilliseconds() ?? 0;

    public static DateTimeOffset FromMs(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);

    public static DateTimeOffset? FromMsOrNull(long value) => value > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;

    public static PostDto ToDto(Post post) => new()
    {
        Id = post.Id,
        CreateAt = ToMs(post.CreateAt),
        UpdateAt = ToMs(post.UpdateAt),
        EditAt = ToMs(post.EditAt),
        DeleteAt = ToMs(post.DeleteAt),
        IsPinned = post.IsPinned,
        UserId = post.UserId,
        ChannelId = post.ChannelId,
        RootId = post.RootId,
        OriginalId = string.Empty,
        Message = post.Message,
        Type = post.Type,
        Hashtags = string.Empty,
        FileIds = post.FileIds.Count > 0 ? [.. post.FileIds] : null,
        RemoteId = post.RemoteId,
    };

    /// <summary>Maps a received post; <see langword="null"/> when required fields are missing or out of range.</summary>
    public static Post? FromDto(PostDto dto, string remoteId)
    {
        if (!RemoteIds.IsValid(dto.Id) || string.IsNullOrEmpty(dto.UserId) || string.IsNullOrEmpty(dto.ChannelId) || !ValidMs(dto.CreateAt) || !ValidMs(dto.UpdateAt) || !ValidMs(dto.EditAt) || !ValidMs(dto.DeleteAt))
        {
            return null;
        }

        return new Post
        {
            Id = dto.Id!,
            ChannelId = dto.ChannelId,
            UserId = dto.UserId,
            RootId = dto.RootId ?? string.Empty,
            Message = dto.Message ?? string.Empty,
            Type = dto.Type ?? string.Empty,
            CreateAt = FromMs(dto.CreateAt),
            UpdateAt = FromMs(Math.Max(dto.UpdateAt, dto.CreateAt)),
            EditAt = FromMsOrNull(dto.EditAt),
            DeleteAt = FromMsOrNull(dto.DeleteAt),
            IsPinned = dto.IsPinned,
            FileIds = dto.FileIds is { Count: > 0 } ids ? [.. ids] : [],
            RemoteId = remoteId,
        };
    }

    public static ReactionDto ToDto(Reaction reaction) => new()
    {
        UserId = reaction.UserId,
        PostId = reaction.PostId,
        EmojiName = reaction.EmojiName,
        CreateAt = ToMs(reaction.CreateAt),
        UpdateAt = ToMs(reaction.UpdateAt),
        DeleteAt = ToMs(reaction.DeleteAt),
        RemoteId = reaction.RemoteId,
        ChannelId = reaction.ChannelId,
    };

    public static Reaction? FromDto(ReactionDto dto, string channelId, string remoteId)
    {
        if (string.IsNullOrEmpty(dto.UserId) || string.IsNullOrEmpty(dto.PostId) || string.IsNullOrEmpty(dto.EmojiName) || !ValidMs(dto.CreateAt) || !ValidMs(dto.UpdateAt) || !ValidMs(dto.DeleteAt))
        {
            return null;
        }

        return new Reaction
        {
            UserId = dto.UserId,
            PostId = dto.PostId,
            ChannelId = string.IsNullOrEmpty(dto.ChannelId) ? channelId : dto.ChannelId,
            EmojiName = dto.EmojiName,
            CreateAt = FromMs(dto.CreateAt),
            UpdateAt = FromMs(Math.Max(dto.UpdateAt, dto.CreateAt)),
            DeleteAt = FromMsOrNull(dto.DeleteAt),
            RemoteId = remoteId,
        };
    }

    public static AcknowledgementDto ToDto(Acknowledgement ack) => new()
    {
        UserId = ack.UserId,
        PostId = ack.PostId,
        AcknowledgedAt = ToMs(ack.AcknowledgedAt),
        ChannelId = ack.ChannelId,
        RemoteId = ack.RemoteId,
    };

    public static Acknowledgement? FromDto(AcknowledgementDto dto, string channelId, string remoteId)
    {
        if (string.IsNullOrEmpty(dto.UserId) || string.IsNullOrEmpty(dto.PostId) || !ValidMs(dto.AcknowledgedAt))
        {
            return null;
        }

        return new Acknowledgement
        {
            UserId = dto.UserId,
            PostId = dto.PostId,
            ChannelId = string.IsNullOrEmpty(dto.ChannelId) ? channelId : dto.ChannelId,
            AcknowledgedAt = FromMsOrNull(dto.AcknowledgedAt),
            RemoteId = remoteId,
        };
    }

    public static MembershipChangeDto ToDto(MembershipChange change) => new()
    {
        ChannelId = change.ChannelId,
        UserId = change.UserId,
        IsAdd = change.IsAdd,
        RemoteId = change.RemoteId,
        ChangeTime = ToMs(change.ChangeTime),
    };

    public static MembershipChange? FromDto(MembershipChangeDto dto, string channelId, string remoteId)
    {
        if (string.IsNullOrEmpty(dto.UserId) || !ValidMs(dto.ChangeTime))
        {
            return null;
        }

        return new MembershipChange
        {
            ChannelId = string.IsNullOrEmpty(dto.ChannelId) ? channelId : dto.ChannelId,
            UserId = dto.UserId,
            IsAdd = dto.IsAdd,
            ChangeTime = FromMs(dto.ChangeTime),
            RemoteId = remoteId,
        };
    }

    public static StatusDto ToDto(UserStatus status) => new()
    {
        UserId = status.UserId,
        Status = status.Status,
        Manual = status.Manual,
        LastActivityAt = ToMs(status.LastActivityAt),
        DndEndTime = status.DndEndTime?.ToUnixTimeSeconds() ?? 0,
    };

    public static UserStatus? FromDto(StatusDto dto)
    {
        if (string.IsNullOrEmpty(dto.UserId) || dto.Status is not ("online" or "away" or "dnd" or "offline" or "ooo") || !ValidMs(dto.LastActivityAt) || dto.DndEndTime < 0 || dto.DndEndTime > 253_402_300_799)
        {
            return null;
        }

        return new UserStatus
        {
            UserId = dto.UserId,
            Status = dto.Status,
            Manual = dto.Manual,
            LastActivityAt = FromMs(dto.LastActivityAt),
            DndEndTime = dto.DndEndTime > 0 ? DateTimeOffset.FromUnixTimeSeconds(dto.DndEndTime) : null,
        };
    }

    /// <summary>The user object sent to a peer: secrets blanked, the original username and origin kept in props.</summary>
    public static UserDto ToDto(ChatUser user, string? originRemoteId) => new()
    {
        Id = user.Id,
        UpdateAt = ToMs(user.UpdateAt),
        DeleteAt = ToMs(user.DeleteAt),
        Username = user.RemoteUsername ?? user.Username,
        Email = RemoteIds.NewId() + "@remote.invalid",
        Nickname = user.Nickname,
        FirstName = user.FirstName,
        LastName = user.LastName,
        Position = user.Position,
        Roles = "system_user",
        IsBot = user.IsBot,
        RemoteId = originRemoteId,
        Props = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [PropRemoteUsername] = user.RemoteUsername ?? user.Username,
            [PropOriginalRemoteId] = user.OriginalRemoteId ?? originRemoteId ?? string.Empty,
        },
    };

    public static ChannelType? ParseChannelType(string? type) => type switch
    {
        "O" => ChannelType.Open,
        "P" => ChannelType.Private,
        "D" => ChannelType.Direct,
        "G" => ChannelType.Group,
        _ => null,
    };

    public static string ToWire(ChannelType type) => type switch
    {
        ChannelType.Open => "O",
        ChannelType.Private => "P",
        ChannelType.Direct => "D",
        _ => "G",
    };

    // Rejects negative and absurd (beyond year 9999) times a hostile peer could send.
    private static bool ValidMs(long value) => value is >= 0 and <= 253_402_300_799_999;
}

using System.Text.Json.Serialization;

namespace SharedChannels.Wire;

/// <summary>Source-generated serializer metadata for every wire DTO (trimming- and AOT-safe).</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    GenerationMode = JsonSourceGenerationMode.Default)]
[JsonSerializable(typeof(InvitationDto))]
[JsonSerializable(typeof(FrameDto))]
[JsonSerializable(typeof(MessageDto))]
[JsonSerializable(typeof(PingDto))]
[JsonSerializable(typeof(ReplyDto))]
[JsonSerializable(typeof(ConfirmReplyDto))]
[JsonSerializable(typeof(ConnectionRemovedDto))]
[JsonSerializable(typeof(SiteUrlChangedDto))]
[JsonSerializable(typeof(SyncMsgDto))]
[JsonSerializable(typeof(SyncResponseDto))]
[JsonSerializable(typeof(ChannelInviteDto))]
[JsonSerializable(typeof(ChannelUnshareDto))]
[JsonSerializable(typeof(UploadSessionDto))]
[JsonSerializable(typeof(FileInfoDto))]
[JsonSerializable(typeof(string))]
internal sealed partial class WireJsonContext : JsonSerializerContext;

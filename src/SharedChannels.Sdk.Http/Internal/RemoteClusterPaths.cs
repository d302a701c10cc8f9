using SharedChannels.Transport;

namespace SharedChannels.Http.Internal;

/// <summary>The routes of the remote-cluster protocol, shared by the client and the server side.</summary>
internal static class RemoteClusterPaths
{
    public const string Prefix = "/api/v4/remotecluster";
    public const string Ping = "/ping";
    public const string Message = "/msg";
    public const string ConfirmInvitation = "/confirm_invite";
    public const string UploadIdRouteValue = "upload_id";
    public const string Upload = "/upload/{" + UploadIdRouteValue + "}";
    public const string UserIdRouteValue = "user_id";

    // The length constraint keeps /upload/image out of this route: ids are 26 characters.
    public const string ProfileImage = "/{" + UserIdRouteValue + ":length(26)}/image";

    /// <summary>The multipart form field of a profile image, as Mattermost sends and reads it.</summary>
    public const string ProfileImageField = "image";

    /// <summary>
    /// The URL of <paramref name="endpoint"/> on the workspace at <paramref name="siteUrl"/>. A site URL may carry a
    /// path prefix (<c>https://host/chat</c>) and a trailing slash; query and fragment are dropped.
    /// </summary>
    public static Uri Resolve(Uri siteUrl, RemoteEndpoint endpoint, string? uploadId, string? userId = null)
    {
        if (!siteUrl.IsAbsoluteUri || (siteUrl.Scheme != Uri.UriSchemeHttp && siteUrl.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"The site URL '{siteUrl}' is not an absolute http or https URL.", nameof(siteUrl));
        }

        string path = endpoint switch
        {
            RemoteEndpoint.Ping => Ping,
            RemoteEndpoint.Message => Message,
            RemoteEndpoint.ConfirmInvitation => ConfirmInvitation,
            RemoteEndpoint.Upload when !string.IsNullOrEmpty(uploadId) => "/upload/" + Uri.EscapeDataString(uploadId),
            RemoteEndpoint.Upload => throw new ArgumentException("An upload request needs RemoteRequest.UploadId.", nameof(uploadId)),
            RemoteEndpoint.ProfileImage when !string.IsNullOrEmpty(userId) => "/" + Uri.EscapeDataString(userId) + "/image",
            RemoteEndpoint.ProfileImage => throw new ArgumentException("A profile image request needs RemoteRequest.UserId.", nameof(userId)),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, "Unknown remote-cluster endpoint."),
        };

        // GetLeftPart keeps scheme, authority and the (escaped) path prefix, and drops query and fragment.
        return new Uri(siteUrl.GetLeftPart(UriPartial.Path).TrimEnd('/') + Prefix + path, UriKind.Absolute);
    }
}

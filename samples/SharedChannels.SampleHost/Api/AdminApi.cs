using SharedChannels.Connections;
using SharedChannels.Sharing;
using SharedChannels.Storage;

namespace SharedChannels.Samples.Api;

/// <summary>
/// Endpoints for a workspace admin: secure connections and channel sharing, straight onto the SDK's
/// <see cref="SecureConnections"/> and <see cref="ChannelSharing"/>, which check the acting user's permissions. A real
/// host would take the acting user from its authentication (and usually offers the <c>/secure-connection</c> and
/// <c>/share-channel</c> commands); the sample takes it from the request.
/// </summary>
public static class AdminApi
{
    /// <summary>Maps the admin endpoints.</summary>
    /// <param name="endpoints">The application.</param>
    /// <returns>The group of admin endpoints.</returns>
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        RouteGroupBuilder api = endpoints.MapGroup("/api").AddEndpointFilter(AnswerSdkErrorsAsProblemsAsync);

        api.MapPost("/connections", async (NewConnectionRequest request, SecureConnections connections, CancellationToken ct) =>
        {
            ConnectionInvitation invitation = await connections.CreateAsync(request.UserId, new CreateConnectionRequest { Name = request.Name, Password = request.Password }, ct);
            return TypedResults.Ok(new InvitationView(invitation.Connection.Id, invitation.InvitationCode, invitation.Password));
        });

        api.MapPost("/connections/accept", async (AcceptConnectionRequest request, SecureConnections connections, CancellationToken ct) =>
        {
            RemoteConnection connection = await connections.AcceptAsync(
                request.UserId,
                new AcceptInvitationRequest { Name = request.Name, InvitationCode = request.InvitationCode, Password = request.Password },
                ct);
            return TypedResults.Ok(ToView(connection));
        });

        api.MapGet("/connections", async (string userId, SecureConnections connections, CancellationToken ct) =>
            (await connections.ListAsync(userId, cancellationToken: ct)).Select(ToView));

        api.MapPatch("/connections/{connectionId}", async (string connectionId, UpdateConnectionBody request, SecureConnections connections, CancellationToken ct) =>
        {
            RemoteConnection connection = await connections.UpdateAsync(
                request.UserId,
                connectionId,
                new UpdateConnectionRequest { DisplayName = request.DisplayName, SiteUrl = request.SiteUrl },
                ct);
            return TypedResults.Ok(ToView(connection));
        });

        api.MapPost("/channels/{channelId}/share", async (string channelId, ShareChannelRequest request, ChannelSharing sharing, CancellationToken ct) =>
        {
            SharedChannelRemote remote = await sharing.InviteAsync(request.UserId, channelId, request.ConnectionId, request.ReadOnly, ct);
            return TypedResults.Ok(new SharedChannelView(remote.ChannelId, remote.ConnectionId, remote.ReadOnly, remote.InvitationAccepted));
        });

        return api;
    }

    private static ConnectionView ToView(RemoteConnection connection) =>
        new(connection.Id, connection.Name, connection.SiteUrl, connection.State.ToString());

    // The SDK's errors say what was wrong and what to do: pass them on with a fitting status.
    private static async ValueTask<object?> AnswerSdkErrorsAsProblemsAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (SharedChannelsException ex)
        {
            int status = ex.ErrorCode switch
            {
                SharedChannelsErrorCode.PermissionDenied or SharedChannelsErrorCode.Forbidden => StatusCodes.Status403Forbidden,
                SharedChannelsErrorCode.NotFound => StatusCodes.Status404NotFound,
                SharedChannelsErrorCode.AlreadyExists or SharedChannelsErrorCode.InvalidState => StatusCodes.Status409Conflict,
                SharedChannelsErrorCode.RemoteUnreachable or SharedChannelsErrorCode.RemoteRejected => StatusCodes.Status502BadGateway,
                SharedChannelsErrorCode.FeatureDisabled => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status400BadRequest,
            };
            return TypedResults.Problem(ex.Message, statusCode: status);
        }
    }
}

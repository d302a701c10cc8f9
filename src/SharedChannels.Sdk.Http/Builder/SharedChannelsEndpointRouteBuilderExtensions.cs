using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels;
using SharedChannels.Http.Internal;
using SharedChannels.Transport;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the remote-cluster endpoints that peers (SDK hosts and Mattermost servers) send to.</summary>
public static class SharedChannelsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>POST /api/v4/remotecluster/ping</c>, <c>/msg</c>, <c>/confirm_invite</c>,
    /// <c>/upload/{upload_id}</c> (raw or multipart file bytes) and <c>/{user_id}/image</c> (a profile image, multipart
    /// field <c>image</c>) onto the SDK's <see cref="RemoteFrameDispatcher"/>, which authenticates each peer by
    /// its connection token. Request bodies are limited to <see cref="SharedChannelsOptions.MaxFrameBytes"/> (413 beyond).
    /// </summary>
    /// <remarks>
    /// Peers send no <c>Authorization</c> header: when the host has an authorization fallback policy, call
    /// <c>.AllowAnonymous()</c> on the returned builder. Rate limiting, host filtering and similar conventions can be
    /// added to it too. Map the endpoints at the root of the workspace's <see cref="SharedChannelsOptions.SiteUrl"/>
    /// (under its path base, if it has one).
    /// </remarks>
    /// <param name="endpoints">The endpoint route builder (usually the <c>WebApplication</c>).</param>
    /// <returns>A convention builder for the five endpoints together.</returns>
    /// <exception cref="InvalidOperationException">The SDK is not registered (<c>services.AddSharedChannels()</c>).</exception>
    public static IEndpointConventionBuilder MapSharedChannels(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        IServiceProvider services = endpoints.ServiceProvider;
        RemoteFrameDispatcher dispatcher = services.GetService<RemoteFrameDispatcher>()
            ?? throw new InvalidOperationException("MapSharedChannels needs the shared channels SDK: call services.AddSharedChannels(…).UseHttpTransport() when configuring services.");
        var handler = new RemoteClusterRequestHandler(
            dispatcher,
            services.GetRequiredService<IOptionsMonitor<SharedChannelsOptions>>(),
            services.GetRequiredService<ILogger<RemoteClusterRequestHandler>>());

        RouteGroupBuilder group = endpoints.MapGroup(RemoteClusterPaths.Prefix);
        group.MapPost(RemoteClusterPaths.Ping, context => handler.HandleAsync(context, RemoteEndpoint.Ping));
        group.MapPost(RemoteClusterPaths.Message, context => handler.HandleAsync(context, RemoteEndpoint.Message));
        group.MapPost(RemoteClusterPaths.ConfirmInvitation, context => handler.HandleAsync(context, RemoteEndpoint.ConfirmInvitation));
        group.MapPost(RemoteClusterPaths.Upload, context => handler.HandleAsync(context, RemoteEndpoint.Upload));
        group.MapPost(RemoteClusterPaths.ProfileImage, context => handler.HandleAsync(context, RemoteEndpoint.ProfileImage));
        return group;
    }
}

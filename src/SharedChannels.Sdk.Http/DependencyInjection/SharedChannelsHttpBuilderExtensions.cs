using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SharedChannels.Http;
using SharedChannels.Http.Internal;
using SharedChannels.Transport;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the HTTP transport for the shared channels SDK.</summary>
public static class SharedChannelsHttpBuilderExtensions
{
    /// <summary>
    /// Sends to peers over HTTP with <see cref="HttpRemoteTransport"/>, through the named client
    /// <see cref="HttpRemoteTransport.HttpClientName"/>, replacing any other <see cref="IRemoteTransport"/>.
    /// Calling it twice is harmless. To answer peers, also map the endpoints with
    /// <c>app.MapSharedChannels()</c>.
    /// </summary>
    /// <remarks>
    /// The client follows no redirects and redacts every header value in <see cref="IHttpClientFactory"/> logs. To add a
    /// proxy or a client certificate, configure the named client after this call; keep redirects off, or the
    /// connection token follows them.
    /// </remarks>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures <see cref="HttpRemoteTransportOptions"/>; validated when the host starts.</param>
    /// <returns>The builder.</returns>
    public static ISharedChannelsBuilder UseHttpTransport(this ISharedChannelsBuilder builder, Action<HttpRemoteTransportOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        IServiceCollection services = builder.Services;

        OptionsBuilder<HttpRemoteTransportOptions> options = services.AddOptions<HttpRemoteTransportOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HttpRemoteTransportOptions>, HttpRemoteTransportOptionsValidator>());

        // The SDK applies its own deadlines through the cancellation token; HttpClient's 100 s default would only
        // cut a long reply short, and it does not cover reading the body anyway (the transport has its own backstop).
        services.AddHttpClient(HttpRemoteTransport.HttpClientName)
            .ConfigureHttpClient(static client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(static (handler, _) => DisableRedirects(handler))
            .RedactLoggedHeaders(static _ => true);

        services.TryAddSingleton(static sp => new HttpRemoteTransport(
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<IOptions<HttpRemoteTransportOptions>>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<ILogger<HttpRemoteTransport>>()));
        services.Replace(ServiceDescriptor.Singleton<IRemoteTransport>(static sp => sp.GetRequiredService<HttpRemoteTransport>()));
        return builder;
    }

    // A redirect would carry X-RemoteCluster-Token to wherever the peer points: answer it as a refusal instead.
    private static void DisableRedirects(HttpMessageHandler handler)
    {
        switch (handler)
        {
            case SocketsHttpHandler sockets:
                sockets.AllowAutoRedirect = false;
                break;
            case HttpClientHandler client:
                client.AllowAutoRedirect = false;
                break;
        }
    }
}

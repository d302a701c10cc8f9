using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SharedChannels.Http.Internal;
using SharedChannels.Testing;
using SharedChannels.Transport;

namespace SharedChannels.Http.Tests.Contracts;

/// <summary>
/// <see cref="HttpRemoteTransport"/> passes the contract every transport must, against a real Kestrel server on
/// 127.0.0.1. The receiving end reads requests with the SDK's own endpoint code (<see cref="RemoteClusterRequestHandler"/>)
/// and hands them to the test's handler instead of a dispatcher.
/// </summary>
public sealed class HttpRemoteTransportContractTests : RemoteTransportContractTests<HttpRemoteTransport>
{
    private const int MaxBodyBytes = 16 * 1024 * 1024;

    private ServiceProvider? _services;
    private WebApplication? _receiver;
    private Uri? _receiverUrl;
    private volatile Func<RemoteRequest, CancellationToken, Task<RemoteResponse>>? _handler;

    [OneTimeSetUp]
    public async Task StartReceiverServerAsync()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSharedChannels().UseHttpTransport();
        _services = services.BuildServiceProvider();

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _receiver = builder.Build();
        RouteGroupBuilder group = _receiver.MapGroup(RemoteClusterPaths.Prefix);
        group.MapPost(RemoteClusterPaths.Ping, context => ReceiveAsync(context, RemoteEndpoint.Ping));
        group.MapPost(RemoteClusterPaths.Message, context => ReceiveAsync(context, RemoteEndpoint.Message));
        group.MapPost(RemoteClusterPaths.ConfirmInvitation, context => ReceiveAsync(context, RemoteEndpoint.ConfirmInvitation));
        group.MapPost(RemoteClusterPaths.Upload, context => ReceiveAsync(context, RemoteEndpoint.Upload));
        group.MapPost(RemoteClusterPaths.ProfileImage, context => ReceiveAsync(context, RemoteEndpoint.ProfileImage));
        await _receiver.StartAsync();
        string bound = _receiver.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        _receiverUrl = new Uri(bound);
    }

    [OneTimeTearDown]
    public async Task StopReceiverServerAsync()
    {
        if (_receiver is not null)
        {
            await _receiver.StopAsync();
            await _receiver.DisposeAsync();
        }

        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
    }

    [TearDown]
    public void ForgetHandler() => _handler = null;

    protected override Task<HttpRemoteTransport> CreateTransportAsync() =>
        Task.FromResult(_services!.GetRequiredService<HttpRemoteTransport>());

    protected override Task<Uri> StartReceiverAsync(Func<RemoteRequest, CancellationToken, Task<RemoteResponse>> handler)
    {
        _handler = handler;
        return Task.FromResult(_receiverUrl!);
    }

    protected override Task<Uri> GetUnreachableSiteUrlAsync()
    {
        // A port that was free a moment ago and has no listener: the connection is refused.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return Task.FromResult(new Uri($"http://127.0.0.1:{port}"));
    }

    private async Task ReceiveAsync(HttpContext context, RemoteEndpoint endpoint)
    {
        CancellationToken aborted = context.RequestAborted;
        RemoteRequest request = await RemoteClusterRequestHandler.ReadRequestAsync(context, endpoint, MaxBodyBytes)
            ?? throw new InvalidOperationException("The test request is larger than the receiver's limit.");
        if (endpoint is RemoteEndpoint.Upload or RemoteEndpoint.ProfileImage && RemoteClusterRequestHandler.IsMultipart(context.Request, out string? boundary))
        {
            string? field = endpoint == RemoteEndpoint.ProfileImage ? RemoteClusterPaths.ProfileImageField : null;
            ReadOnlyMemory<byte> part = await RemoteClusterRequestHandler.ReadPartAsync(request.Body, boundary, field, aborted)
                ?? throw new InvalidOperationException("The multipart body has no part to read.");
            request = new RemoteRequest
            {
                Endpoint = request.Endpoint,
                RemoteId = request.RemoteId,
                Token = request.Token,
                UploadId = request.UploadId,
                UserId = request.UserId,
                Body = part,
                Signature = request.Signature,
                SignatureTimestamp = request.SignatureTimestamp,
            };
        }

        Func<RemoteRequest, CancellationToken, Task<RemoteResponse>> handler = _handler
            ?? throw new InvalidOperationException("No test is receiving.");
        RemoteResponse response = await handler(request, aborted);
        context.Response.StatusCode = response.StatusCode;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(response.Body, aborted);
    }
}

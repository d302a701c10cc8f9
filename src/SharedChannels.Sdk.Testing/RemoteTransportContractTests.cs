using System.Text;
using NUnit.Framework;
using SharedChannels.Transport;

namespace SharedChannels.Testing;

/// <summary>
/// The contract every <see cref="IRemoteTransport"/> must meet: a request reaches the peer with its endpoint, ids,
/// token, body and signature; the peer's status and body come back, error statuses included; an unreachable peer is
/// an exception; cancellation is honoured. Derive a fixture from it, implement the abstract members, and the tests run
/// against your transport.
/// </summary>
/// <typeparam name="TTransport">The implementation under test.</typeparam>
/// <remarks>
/// The fixture stands up the receiving end with <see cref="StartReceiverAsync"/>: a workspace, reachable by the
/// transport, whose inbound requests (as the receiving side of the transport turns them back into
/// <see cref="RemoteRequest"/>s) are answered by a handler instead of the SDK's dispatcher. Stop what it started in a
/// <c>[TearDown]</c> method of the derived fixture.
/// </remarks>
public abstract class RemoteTransportContractTests<TTransport>
    where TTransport : class, IRemoteTransport
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private TTransport? _transport;

    /// <summary>Gets the transport under test, created before each test.</summary>
    /// <exception cref="InvalidOperationException">Read outside a test.</exception>
    protected TTransport Transport => _transport ?? throw new InvalidOperationException("The transport is created before each test; read it inside a test.");

    /// <summary>Creates the transport under test before each test.</summary>
    /// <returns>A task that completes when the transport exists.</returns>
    [SetUp]
    public async Task CreateTransportBeforeEachTestAsync() => _transport = await CreateTransportAsync().ConfigureAwait(false);

    /// <summary>A message reaches the peer with its endpoint, connection id, token, body and signature.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task SendAsync_Message_DeliversEndpointIdsTokenBodyAndSignature()
    {
        RemoteRequest? received = null;
        Uri site = await StartReceiverAsync((request, _) =>
        {
            received = request;
            return Task.FromResult(Ok());
        });
        var sent = new RemoteRequest
        {
            Endpoint = RemoteEndpoint.Message,
            RemoteId = ContractData.Id("remote", 1),
            Token = ContractData.Id("token", 1),
            Body = Encoding.UTF8.GetBytes("{\"topic\":\"sharedchannel_sync\",\"payload\":\"Grüße ✨\"}"),
            Signature = "v1=0a1b2c3d4e5f",
            SignatureTimestamp = 1_773_480_413_589,
        };

        await Transport.SendAsync(site, sent);

        Assert.That(received, Is.Not.Null, "the peer received nothing");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(received!.Endpoint, Is.EqualTo(RemoteEndpoint.Message));
            Assert.That(received.RemoteId, Is.EqualTo(sent.RemoteId));
            Assert.That(received.Token, Is.EqualTo(sent.Token));
            Assert.That(received.Body.ToArray(), Is.EqualTo(sent.Body.ToArray()));
            Assert.That(received.Signature, Is.EqualTo(sent.Signature));
            Assert.That(received.SignatureTimestamp, Is.EqualTo(sent.SignatureTimestamp));
        }
    }

    /// <summary>Each JSON endpoint reaches the peer as itself.</summary>
    /// <param name="endpoint">The endpoint.</param>
    /// <returns>A task that completes with the test.</returns>
    [TestCase(RemoteEndpoint.Ping)]
    [TestCase(RemoteEndpoint.ConfirmInvitation)]
    [TestCase(RemoteEndpoint.Message)]
    public async Task SendAsync_JsonEndpoint_ReachesThatEndpoint(RemoteEndpoint endpoint)
    {
        RemoteRequest? received = null;
        Uri site = await StartReceiverAsync((request, _) =>
        {
            received = request;
            return Task.FromResult(Ok());
        });

        await Transport.SendAsync(site, new RemoteRequest { Endpoint = endpoint, RemoteId = ContractData.Id("remote", 1), Token = "t", Body = "{}"u8.ToArray() });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(received?.Endpoint, Is.EqualTo(endpoint));
            Assert.That(received?.Body.ToArray(), Is.EqualTo("{}"u8.ToArray()));
        }
    }

    /// <summary>An upload reaches the peer with its upload id and its raw bytes, every byte value included.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task SendAsync_Upload_DeliversTheUploadIdAndTheRawBytes()
    {
        RemoteRequest? received = null;
        Uri site = await StartReceiverAsync((request, _) =>
        {
            received = request;
            return Task.FromResult(Ok());
        });
        byte[] content = [.. Enumerable.Range(0, 70_000).Select(i => (byte)(i * 31))];

        await Transport.SendAsync(site, new RemoteRequest { Endpoint = RemoteEndpoint.Upload, RemoteId = ContractData.Id("remote", 1), Token = "t", UploadId = ContractData.Id("upload", 1), Body = content });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(received?.Endpoint, Is.EqualTo(RemoteEndpoint.Upload));
            Assert.That(received?.UploadId, Is.EqualTo(ContractData.Id("upload", 1)));
            Assert.That(received?.Body.ToArray(), Is.EqualTo(content));
        }
    }

    /// <summary>A profile image reaches the peer with the user's id and the image bytes.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task SendAsync_ProfileImage_DeliversTheUserIdAndTheImageBytes()
    {
        RemoteRequest? received = null;
        Uri site = await StartReceiverAsync((request, _) =>
        {
            received = request;
            return Task.FromResult(Ok());
        });
        byte[] image = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Enumerable.Range(0, 5000).Select(i => (byte)(i * 13))];

        await Transport.SendAsync(site, new RemoteRequest { Endpoint = RemoteEndpoint.ProfileImage, RemoteId = ContractData.Id("remote", 1), Token = "t", UserId = ContractData.Id("user", 1), Body = image });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(received?.Endpoint, Is.EqualTo(RemoteEndpoint.ProfileImage));
            Assert.That(received?.UserId, Is.EqualTo(ContractData.Id("user", 1)));
            Assert.That(received?.Body.ToArray(), Is.EqualTo(image));
        }
    }

    /// <summary>The peer's answer comes back as it was given: status code and body, for success and for refusal alike.</summary>
    /// <param name="status">The status the peer answers with.</param>
    /// <returns>A task that completes with the test.</returns>
    [TestCase(200)]
    [TestCase(401)]
    [TestCase(503)]
    public async Task SendAsync_PeerAnswers_ReturnsItsStatusAndBody(int status)
    {
        byte[] body = Encoding.UTF8.GetBytes("{\"status\":\"answer " + status + "\",\"err\":\"ü\"}");
        Uri site = await StartReceiverAsync((_, _) => Task.FromResult(new RemoteResponse(status, body)));

        RemoteResponse response = await Transport.SendAsync(site, Ping());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.StatusCode, Is.EqualTo(status));
            Assert.That(response.Body.ToArray(), Is.EqualTo(body));
        }
    }

    /// <summary>A peer that cannot be reached is an exception, and not a cancellation.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task SendAsync_UnreachablePeer_Throws()
    {
        Uri site = await GetUnreachableSiteUrlAsync();

        Task<RemoteResponse> send = Transport.SendAsync(site, Ping());
        try
        {
            await send.WaitAsync(Patience);
        }
        catch (Exception) when (send.IsCompleted)
        {
            // Examined below; a send still running after Patience fails the test with the TimeoutException.
        }

        using (Assert.EnterMultipleScope())
        {
            Assert.That(send.IsFaulted, Is.True, "the send to an unreachable peer did not throw");
            Assert.That(send.Exception?.InnerException, Is.Not.InstanceOf<OperationCanceledException>());
        }
    }

    /// <summary>Cancelling while the peer has not answered ends the send with an <see cref="OperationCanceledException"/>.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task SendAsync_CancelledWhileThePeerWorks_ThrowsOperationCanceled()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Uri site = await StartReceiverAsync(async (_, cancellationToken) =>
        {
            entered.TrySetResult();
            await Task.WhenAny(released.Task, Task.Delay(Timeout.Infinite, cancellationToken));
            return Ok();
        });
        try
        {
            using var cancellation = new CancellationTokenSource();
            Task<RemoteResponse> send = Transport.SendAsync(site, Ping(), cancellation.Token);
            await entered.Task.WaitAsync(Patience);

            await cancellation.CancelAsync();

            Assert.That(async () => await send.WaitAsync(Patience), Throws.InstanceOf<OperationCanceledException>());
        }
        finally
        {
            released.TrySetResult();
        }
    }

    /// <summary>A send with a token cancelled beforehand throws an <see cref="OperationCanceledException"/> and delivers nothing.</summary>
    /// <returns>A task that completes with the test.</returns>
    [Test]
    public async Task SendAsync_AlreadyCancelled_ThrowsOperationCanceledAndDeliversNothing()
    {
        int delivered = 0;
        Uri site = await StartReceiverAsync((_, _) =>
        {
            Interlocked.Increment(ref delivered);
            return Task.FromResult(Ok());
        });

        Assert.That(async () => await Transport.SendAsync(site, Ping(), new CancellationToken(canceled: true)).WaitAsync(Patience), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(Volatile.Read(ref delivered), Is.Zero);
    }

    /// <summary>Creates the transport under test. Called once before each test.</summary>
    /// <returns>The transport.</returns>
    protected abstract Task<TTransport> CreateTransportAsync();

    /// <summary>
    /// Starts a receiving workspace that <see cref="Transport"/> can reach, whose inbound requests are answered by
    /// <paramref name="handler"/> (given the request and a token cancelled when the sender gives up, where the
    /// transport can tell).
    /// </summary>
    /// <param name="handler">Answers each inbound request.</param>
    /// <returns>The receiving workspace's site URL.</returns>
    protected abstract Task<Uri> StartReceiverAsync(Func<RemoteRequest, CancellationToken, Task<RemoteResponse>> handler);

    /// <summary>Gets a site URL at which no workspace can be reached (for example: a closed port).</summary>
    /// <returns>The site URL.</returns>
    protected abstract Task<Uri> GetUnreachableSiteUrlAsync();

    private static RemoteResponse Ok() => new(200, "{\"status\":\"OK\"}"u8.ToArray());

    private static RemoteRequest Ping() => new() { Endpoint = RemoteEndpoint.Ping, RemoteId = ContractData.Id("remote", 1), Token = "t", Body = "{}"u8.ToArray() };
}

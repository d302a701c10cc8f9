using System.Buffers.Binary;
using System.Text;
using SharedChannels.Transport;

namespace SharedChannels.Scenarios;

/// <summary>
/// A's <see cref="IRemoteTransport"/>: the SDK's HTTP transport, with two additions for the scenarios.
/// <list type="bullet">
/// <item>The link to the peer can be cut: every request then fails as a refused connection does, pings included, until
/// it is restored. B keeps running, so nothing but the link changes (a restarted B would also bring new code to compile
/// into the measured time).</item>
/// <item>While capturing, the body of every <c>sharedchannel_sync</c> request the peer accepted is appended to a file.
/// The floor scenario replays exactly those bytes, without access to the SDK's internal wire types; the file keeps
/// them out of the measured working set.</item>
/// </list>
/// </summary>
internal sealed class ControlledTransport(IRemoteTransport inner) : IRemoteTransport, IDisposable
{
    private static readonly byte[] SyncTopic = Encoding.UTF8.GetBytes("\"topic\":\"sharedchannel_sync\"");

    private readonly object _gate = new();
    private FileStream? _file;
    private volatile bool _linkDown;

    /// <summary>Gets the number of bodies captured since <see cref="StartCapture"/>.</summary>
    public int Captured { get; private set; }

    /// <summary>Gets the total size of the bodies captured since <see cref="StartCapture"/>.</summary>
    public long CapturedBytes { get; private set; }

    public async Task<RemoteResponse> SendAsync(Uri siteUrl, RemoteRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_linkDown)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError, $"Connection refused ({siteUrl?.Authority}): the scenario cut the link.");
        }

        RemoteResponse response = await inner.SendAsync(siteUrl, request, cancellationToken);
        if (_file is not null && request.Endpoint == RemoteEndpoint.Message && response.IsSuccessStatusCode && request.Body.Span.IndexOf(SyncTopic) >= 0)
        {
            Append(request.Body.Span);
        }

        return response;
    }

    /// <summary>Cuts the link to the peer: requests fail until <see cref="RestoreLink"/>.</summary>
    public void CutLink() => _linkDown = true;

    public void RestoreLink() => _linkDown = false;

    /// <summary>Starts appending accepted sync bodies to <paramref name="path"/> (each preceded by its length, 4 bytes little-endian).</summary>
    public void StartCapture(string path)
    {
        lock (_gate)
        {
            _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1 << 16);
            Captured = 0;
            CapturedBytes = 0;
        }
    }

    public void StopCapture()
    {
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
        }
    }

    public void Dispose() => StopCapture();

    /// <summary>Reads back what <see cref="StartCapture"/> wrote, one body at a time.</summary>
    public static IEnumerable<byte[]> ReadCaptured(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        byte[] length = new byte[4];
        while (file.Read(length) == 4)
        {
            byte[] body = new byte[BinaryPrimitives.ReadInt32LittleEndian(length)];
            file.ReadExactly(body);
            yield return body;
        }
    }

    private void Append(ReadOnlySpan<byte> body)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, body.Length);
        lock (_gate)
        {
            if (_file is null)
            {
                return;
            }

            _file.Write(length);
            _file.Write(body);
            Captured++;
            CapturedBytes += body.Length;
        }
    }
}

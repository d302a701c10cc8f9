using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace SharedChannels.Http.Tests.TestSupport;

/// <summary>An <see cref="HttpMessageHandler"/> that records each request as sent on the wire and answers from a delegate.</summary>
internal sealed class CapturingHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> respond) : HttpMessageHandler
{
    private readonly ConcurrentQueue<CapturedRequest> _requests = new();

    public CapturingHandler()
        : this((_, _) => Task.FromResult(Json(HttpStatusCode.OK, """{"status":"OK"}""")))
    {
    }

    public IReadOnlyCollection<CapturedRequest> Requests => _requests;

    public CapturedRequest Single => _requests.Single();

    public static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        byte[] body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, IEnumerable<string>> header in request.Headers)
        {
            headers[header.Key] = [.. header.Value];
        }

        if (request.Content is not null)
        {
            foreach (KeyValuePair<string, IEnumerable<string>> header in request.Content.Headers)
            {
                headers[header.Key] = [.. header.Value];
            }
        }

        _requests.Enqueue(new CapturedRequest(request.Method, request.RequestUri!, headers, body));
        return await respond(request, cancellationToken);
    }
}

/// <summary>One request as the handler saw it.</summary>
internal sealed record CapturedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string[]> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out string[]? values) ? string.Join(",", values) : null;
}

using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SharedChannels.Transport.Internal;

/// <summary>
/// Signed frames between two SDK hosts: HMAC-SHA256 over <c>timestamp "." endpoint "." body</c>, keyed by the token the
/// receiver expects, checked within a replay window. Only used when both sides announced
/// <see cref="Feature"/> during confirmation; Mattermost peers never see it.
/// </summary>
internal sealed class FrameSignature(TimeProvider timeProvider)
{
    /// <summary>The feature name announced in the confirmation (<c>sdk_features</c>).</summary>
    public const string Feature = "signed-frames";

    /// <summary>How far a signature's timestamp may be from this clock, either way.</summary>
    public static readonly TimeSpan ReplayWindow = TimeSpan.FromMinutes(5);

    /// <summary>The reason a replayed request is refused.</summary>
    public const string ReplayedReason = "the signed request was replayed";

    private static readonly byte[] KeyLabel = Encoding.UTF8.GetBytes("sharedchannels/frame-signature/v1:");

    private readonly ConcurrentDictionary<string, long> _seen = new(StringComparer.Ordinal);
    private long _lastSweep;

    public static string Sign(string token, long timestamp, RemoteEndpoint endpoint, ReadOnlySpan<byte> body)
    {
        byte[] key = DeriveKey(token);
        try
        {
            using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            // The endpoint is covered so a signed body cannot be replayed to another endpoint.
            hmac.AppendData(Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "." + endpoint.ToString() + "."));
            hmac.AppendData(body);
            return Convert.ToBase64String(hmac.GetHashAndReset());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Checks a request's signature; returns the reason it is refused, or <see langword="null"/>.</summary>
    public string? Verify(string token, RemoteRequest request)
    {
        if (request.Signature is not { Length: > 0 } signature || request.SignatureTimestamp is not { } timestamp)
        {
            return "the request is not signed, but this connection requires signed frames";
        }

        long now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        // Compared without subtracting the peer's value: a timestamp near long.MinValue must not overflow.
        long window = (long)ReplayWindow.TotalMilliseconds;
        if (timestamp < now - window || timestamp > now + window)
        {
            return "the signature is stale (its timestamp is outside the replay window)";
        }

        byte[] expected = Encoding.ASCII.GetBytes(Sign(token, timestamp, request.Endpoint, request.Body.Span));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature)))
        {
            return "the signature does not match";
        }

        SweepExpired(now);
        return _seen.TryAdd(request.RemoteId + "/" + signature, timestamp) ? null : ReplayedReason;
    }

    private void SweepExpired(long now)
    {
        long last = Interlocked.Read(ref _lastSweep);
        if (now - last < 10_000 || Interlocked.CompareExchange(ref _lastSweep, now, last) != last)
        {
            return;
        }

        long horizon = now - (2 * (long)ReplayWindow.TotalMilliseconds);
        foreach (KeyValuePair<string, long> entry in _seen)
        {
            if (entry.Value < horizon)
            {
                _seen.TryRemove(entry.Key, out _);
            }
        }
    }

    private static byte[] DeriveKey(string token)
    {
        byte[] material = [.. KeyLabel, .. Encoding.UTF8.GetBytes(token)];
        try
        {
            return SHA256.HashData(material);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(material);
        }
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using SharedChannels.Tests.TestSupport;
using SharedChannels.Transport;
using SharedChannels.Wire;
using static SharedChannels.Tests.Corpus.CorpusWorld;

namespace SharedChannels.Tests.Corpus;

/// <summary>
/// Property tests over randomly mutated frames (seeded: the seed is printed and replays the run). The dispatcher never
/// throws, answers only 200, 400, 401, 413 or 503, and changes nothing unless it answers OK; the wire decoders only
/// ever fail with <see cref="JsonException"/>. <c>SHAREDCHANNELS_FUZZ_ITERATIONS</c> and <c>SHAREDCHANNELS_FUZZ_SEED</c>
/// select a longer run or another seed.
/// </summary>
[TestFixture]
public sealed class FrameFuzzTests
{
    private const int DefaultIterations = 3000;
    private const int DefaultSeed = 424242;
    private static readonly int[] AllowedStatuses = [200, 400, 401, 413, 503];

    private CorpusWorld _world = null!;

    [OneTimeSetUp]
    public async Task StartWorld() => _world = await StartAsync();

    [OneTimeTearDown]
    public async Task StopWorld() => await _world.DisposeAsync();

    [Test]
    public async Task DispatchAsync_RandomlyMutatedFrames_NeverThrowAnswerKnownStatusesAndChangeNothingUnlessOk()
    {
        (int iterations, int seed) = Settings();
        await TestContext.Out.WriteLineAsync($"fuzz seed {seed}, {iterations} iterations (replay with SHAREDCHANNELS_FUZZ_SEED={seed})");
        var random = new Random(seed);
        var mutator = new FrameMutator(random);
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();

        // The state an iteration found unchanged is the next one's starting state: nothing touches the home in between.
        IReadOnlyList<object>? unchanged = null;
        for (int i = 0; i < iterations && failures.Count < 25; i++)
        {
            (string frame, RemoteEndpoint endpoint, bool signed) = SeedFrame(random, i);
            (byte[] body, string mutation) = mutator.Mutate(frame);
            RemoteRequest request = await RequestAsync(endpoint, body, signed, random);
            IReadOnlyList<object> before = unchanged ?? await StateAsync(_world.Home);
            unchanged = null;
            string replay = $"iteration {i} (seed {seed}): {endpoint} {mutation}; body {Preview(body)}";

            RemoteResponse response;
            try
            {
                response = await _world.Home.Dispatcher.DispatchAsync(request);
            }
            catch (Exception ex)
            {
                failures.Add($"{replay} threw {ex.GetType().Name}: {ex.Message}");
                continue;
            }

            await _world.SettleAsync();
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
            ReplyDto? reply = endpoint == RemoteEndpoint.Ping && response.StatusCode == 200 ? null : WireFormat.TryReadReply(response.Body.Span);
            bool ok = response.StatusCode == 200 && (endpoint == RemoteEndpoint.Ping || reply?.IsOk == true);
            if (!AllowedStatuses.Contains(response.StatusCode))
            {
                failures.Add($"{replay} answered {response.StatusCode}: {Preview(response.Body.ToArray())}");
            }
            else if (!ok)
            {
                IReadOnlyList<object> after = await StateAsync(_world.Home);
                if (Equivalent(after, before))
                {
                    unchanged = after;
                }
                else
                {
                    failures.Add($"{replay} answered {response.StatusCode} {reply?.Status} but changed the home's state");
                }
            }
        }

        await TestContext.Out.WriteLineAsync("statuses: " + string.Join(", ", statuses.Select(s => $"{s.Key}={s.Value}")));
        foreach (string failure in failures)
        {
            await TestContext.Out.WriteLineAsync("FAILED " + failure);
        }

        Assert.That(failures, Is.Empty, $"fuzz seed {seed}: {failures.Count} failing iterations");
        FrameCorpusTests.AssertNoSecretLogged(_world);
    }

    [Test]
    public void WireDecoders_RandomlyMutatedFrames_OnlyEverThrowJsonException()
    {
        (int iterations, int seed) = Settings();
        var random = new Random(seed);
        var mutator = new FrameMutator(random);
        var failures = new List<string>();

        for (int i = 0; i < iterations * 2 && failures.Count < 10; i++)
        {
            (string frame, _, _) = SeedFrame(random, i);
            (byte[] body, string mutation) = mutator.Mutate(frame);
            string replay = $"iteration {i} (seed {seed}): {mutation}; body {Preview(body)}";
            Try("WireFormat.ReadFrame", () => WireFormat.ReadFrame(body));
            Try("WireFormat.TryReadReply", () => WireFormat.TryReadReply(body), jsonExceptionAllowed: false);
            JsonElement? payload = PayloadOf(body);
            if (payload is not { } element)
            {
                continue;
            }

            Try("SyncMsgDto", () => Map(Decode(element, WireJsonContext.Default.SyncMsgDto)));
            Try("ChannelInviteDto", () => Decode(element, WireJsonContext.Default.ChannelInviteDto));
            Try("ChannelUnshareDto", () => Decode(element, WireJsonContext.Default.ChannelUnshareDto));
            Try("InvitationDto", () => Decode(element, WireJsonContext.Default.InvitationDto));
            Try("PingDto", () => Decode(element, WireJsonContext.Default.PingDto));
            Try("ConnectionRemovedDto", () => Decode(element, WireJsonContext.Default.ConnectionRemovedDto));
            Try("SyncResponseDto", () => Decode(element, WireJsonContext.Default.SyncResponseDto));

            void Try(string decoder, Func<object?> decode, bool jsonExceptionAllowed = true)
            {
                try
                {
                    decode();
                }
                catch (JsonException) when (jsonExceptionAllowed)
                {
                    // The one documented failure.
                }
                catch (Exception ex)
                {
                    failures.Add($"{decoder}, {replay}: {ex.GetType().Name}: {ex.Message}");
                }
            }
        }

        Assert.That(failures, Is.Empty, $"fuzz seed {seed}: {failures.Count} failing decodes");
    }

    private static (int Iterations, int Seed) Settings()
    {
        int iterations = Environment.GetEnvironmentVariable("SHAREDCHANNELS_FUZZ_ITERATIONS") is { Length: > 0 } n ? int.Parse(n, CultureInfo.InvariantCulture) : DefaultIterations;
        int seed = Environment.GetEnvironmentVariable("SHAREDCHANNELS_FUZZ_SEED") is { Length: > 0 } s ? int.Parse(s, CultureInfo.InvariantCulture) : DefaultSeed;
        return (iterations, seed);
    }

    /// <summary>A valid frame to start from: what an SDK peer really sends on each topic, with fresh ids.</summary>
    private (string Frame, RemoteEndpoint Endpoint, bool Signed) SeedFrame(Random random, int iteration)
    {
        string id = "fuzz" + iteration.ToString("D22", CultureInfo.InvariantCulture);
        return random.Next(6) switch
        {
            0 => (Frame(_world.ToR1, "ping", """{"sent_at":1234}"""), RemoteEndpoint.Ping, true),
            1 => (Frame(_world.ToR1, "sharedchannel_invite", $$"""{"channel_id":"{{id}}","team_id":"t","read_only":false,"name":"fuzz","display_name":"Fuzz","header":"","purpose":"","type":"O","creator_id":"{{Bob}}"}"""), RemoteEndpoint.Message, true),
            2 => (Frame(_world.FreshPending.RemoteId, "invitation", $$"""{"remote_id":"{{_world.FreshPending.RemoteId}}","remote_team_id":"","site_url":"https://fuzz.test","token":"t2t2t2t2t2t2t2t2t2t2t2t2t2","refreshed_token":"t3t3t3t3t3t3t3t3t3t3t3t3t3","version":3}"""), RemoteEndpoint.ConfirmInvitation, false),
            _ => (Frame(_world.ToR1, "sharedchannel_sync", $$"""
                {"id":"{{id}}","channel_id":"{{Channel}}",
                 "users":{"{{Bob}}":{"id":"{{Bob}}","username":"bob","update_at":5,"props":{"RemoteUsername":"bob"} } },
                 "posts":[{"id":"{{id}}","create_at":10,"update_at":10,"edit_at":0,"delete_at":0,"user_id":"{{Bob}}","channel_id":"{{Channel}}","root_id":"{{BobPost}}","message":"fuzz @bob {{BodyMarker}}","type":"","file_ids":["f1"]}],
                 "reactions":[{"user_id":"{{Bob}}","post_id":"{{AlicePost}}","emoji_name":"smile","create_at":10,"update_at":10,"delete_at":0,"channel_id":"{{Channel}}"}],
                 "acknowledgements":[{"user_id":"{{Bob}}","post_id":"{{AlicePost}}","acknowledged_at":10,"channel_id":"{{Channel}}"}],
                 "statuses":[{"user_id":"{{Bob}}","status":"away","manual":false,"last_activity_at":10,"dnd_end_time":0}],
                 "membership_changes":[{"channel_id":"{{Channel}}","user_id":"{{Bob}}","is_add":true,"change_time":10}],
                 "mention_transforms":{"bob":"{{Bob}}"} }
                """), RemoteEndpoint.Message, true),
        };
    }

    private async Task<RemoteRequest> RequestAsync(RemoteEndpoint endpoint, byte[] body, bool signed, Random random)
    {
        if (endpoint == RemoteEndpoint.ConfirmInvitation)
        {
            return new RemoteRequest { Endpoint = endpoint, RemoteId = _world.FreshPending.RemoteId, Token = _world.FreshPending.Token, Body = body };
        }

        RemoteRequest request = await _world.AuthenticRequestAsync(_world.R1, _world.ToR1, string.Empty, endpoint);
        var unsigned = new RemoteRequest { Endpoint = endpoint, RemoteId = request.RemoteId, Token = request.Token, Body = body };

        // Mostly authentic, so the mutation reaches the decoders and handlers; sometimes not.
        return signed && random.Next(10) > 0 ? unsigned.Signed(_world.Time) : unsigned;
    }

    private static T? Decode<T>(JsonElement payload, JsonTypeInfo<T> type) => payload.Deserialize(type);

    /// <summary>Also runs the wire-to-model mapping, which must reject bad values by returning null.</summary>
    private static SyncMsgDto? Map(SyncMsgDto? message)
    {
        foreach (PostDto? post in message?.Posts ?? [])
        {
            _ = post is null ? null : SyncMapping.FromDto(post, "r");
        }

        foreach (ReactionDto? reaction in message?.Reactions ?? [])
        {
            _ = reaction is null ? null : SyncMapping.FromDto(reaction, Channel, "r");
        }

        foreach (StatusDto? status in message?.Statuses ?? [])
        {
            _ = status is null ? null : SyncMapping.FromDto(status);
        }

        foreach (MembershipChangeDto? change in message?.MembershipChanges ?? [])
        {
            _ = change is null ? null : SyncMapping.FromDto(change, Channel, "r");
        }

        foreach (AcknowledgementDto? ack in message?.Acknowledgements ?? [])
        {
            _ = ack is null ? null : SyncMapping.FromDto(ack, Channel, "r");
        }

        return message;
    }

    private static JsonElement? PayloadOf(byte[] body)
    {
        try
        {
            if (WireFormat.ReadFrame(body) is not { Payload.IsEmpty: false } frame)
            {
                return null;
            }

            using JsonDocument payload = JsonDocument.Parse(frame.Payload);
            return payload.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// NUnit's verdict on whether the states are equal. Most iterations change nothing, so a plain item-by-item
    /// <see cref="object.Equals(object?, object?)"/> walk answers first: when it finds them equal, so would NUnit (which
    /// also uses the items' own equality), and only a difference it sees is left to NUnit's slower, more lenient comparison.
    /// </summary>
    private static bool Equivalent(IReadOnlyList<object> after, IReadOnlyList<object> before) =>
        SameItems(after, before) || Is.EqualTo(before).ApplyTo(after).IsSuccess;

    private static bool SameItems(object? a, object? b)
    {
        if (a is System.Collections.IEnumerable left and not string && b is System.Collections.IEnumerable right and not string)
        {
            System.Collections.IEnumerator l = left.GetEnumerator();
            System.Collections.IEnumerator r = right.GetEnumerator();
            while (true)
            {
                bool moreLeft = l.MoveNext();
                if (moreLeft != r.MoveNext())
                {
                    return false;
                }

                if (!moreLeft)
                {
                    return true;
                }

                if (!SameItems(l.Current, r.Current))
                {
                    return false;
                }
            }
        }

        return Equals(a, b);
    }

    private static string Preview(byte[] body)
    {
        string text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300));
        return $"({body.Length} bytes) " + new string([.. text.Select(c => char.IsControl(c) ? '·' : c)]);
    }
}

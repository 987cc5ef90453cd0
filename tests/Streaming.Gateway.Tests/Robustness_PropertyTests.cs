using System.Net;
using System.Text;
using CsCheck;
using Grpc.Core;
using Streaming.Contracts.Ingest;

namespace Streaming.Gateway.Tests;

/// <summary>Random and malformed JSON thrown at both APIs never gets a 5xx and never takes the host down.</summary>
[Collection(GatewayCollection.Name)]
public sealed class Robustness_PropertyTests(GatewayFixture host)
{
    private static readonly string[] Keys =
    [
        "type", "event", "userId", "anonymousId", "messageId", "name", "properties", "traits", "context", "integrations",
        "timestamp", "originalTimestamp", "sentAt", "previousId", "groupId", "writeKey", "batch", "x", "",
    ];

    private static readonly string[] Values =
    [
        "null", "true", "0", "-1", "1e999", "-0.0", "12345678901234567890123", "\"\"", "\"track\"", "\"identify\"", "\"alias\"",
        "\"group\"", "\"u1\"", "\"anonymous\"", "\"[object Object]\"", "\"\\ud800\"", "\"\\u0000\"", "\"2024-05-01T12:00:00Z\"",
        "\"2024-13-45T99:99:99Z\"", "\"9999-12-31T23:59:59Z\"", "\"0001-01-01T00:00:00Z\"", "[]", "{}", "[1,{\"a\":[null]}]",
        "{\"email\":\"a@b.c\",\"phone\":7}", "{\"userAgent\":\"Googlebot\",\"ip\":\"not-an-ip\",\"traits\":{\"email\":null}}",
        new string('[', 70) + new string(']', 70), "\"" + new string('z', 5_000) + "\"",
    ];

    private static readonly Gen<string> Member =
        Gen.Select(Gen.OneOf(Keys), Gen.OneOf(Values), (k, v) => $"\"{k}\":{v}");

    private static readonly Gen<string> EventObject = Member.Array[0, 8].Select(m => "{" + string.Join(",", m) + "}");

    private static readonly Gen<string> Structured = Gen.OneOf(
        EventObject,
        EventObject.Array[0, 6].Select(events => "{\"batch\":[" + string.Join(",", events) + "]}"),
        Gen.Select(EventObject.Array[0, 4], Gen.OneOf(Values), (events, sentAt) => $"{{\"sentAt\":{sentAt},\"batch\":[{string.Join(",", events)}]}}"));

    /// <summary>Structured payloads, the same cut short or with a byte flipped, and plain noise.</summary>
    private static readonly Gen<string> Payload = Gen.OneOf(
        Structured,
        Gen.Select(Structured, Gen.Double[0, 1], (json, cut) => json[..(int)(json.Length * cut)]),
        Gen.Select(Structured, Gen.Double[0, 1], Gen.Char, (json, at, c) => json.Length == 0 ? json : json.Remove((int)((json.Length - 1) * at), 1).Insert((int)((json.Length - 1) * at), c.ToString())),
        Gen.String);

    [Fact]
    public async Task Random_and_malformed_json_over_http_never_gets_a_5xx()
    {
        var source = await host.CreateSourceAsync();
        string[] paths = ["/v1/batch", "/v1/track", "/v1/identify", "/v1/alias", "/v1/t"];

        await Gen.Select(Payload, Gen.OneOf(paths)).SampleAsync(async (payload, path) =>
        {
            var response = await host.PostAsync(path, payload, source.WriteKey);
            Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {path} {payload}: {await response.Content.ReadAsStringAsync()}");
        }, iter: 300, threads: 1);

        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("healthz")).StatusCode);
    }

    [Fact]
    public async Task Random_events_over_grpc_never_get_an_internal_error()
    {
        var source = await host.CreateSourceAsync();
        var text = Gen.OneOf(Gen.OneOf(Values), Gen.OneOf(Values).Select(v => v.Trim('"')), Gen.String);
        var eventGen = Gen.Select(Gen.OneOf("track", "identify", "page", "group", "alias", "", "x"), text, text, text, Gen.Select(text, text, text, text),
            (type, name, id, time, more) => new Event
            {
                Type = type, Event_ = name, UserId = id, AnonymousId = more.Item1, Timestamp = time, SentAt = more.Item2,
                PropertiesJson = more.Item3, ContextJson = more.Item4, GroupId = name, PreviousId = id,
            });

        await eventGen.Array[0, 5].SampleAsync(async events =>
        {
            var batch = new Batch { BatchId = "fuzz" };
            batch.Events.AddRange(events);
            try
            {
                var result = await host.Grpc.SendAsync(batch, GatewayFixture.GrpcAuth(source.WriteKey));
                Assert.Equal(events.Length, result.Accepted + result.Rejected.Count + CountDropped(result));
            }
            catch (RpcException ex)
            {
                Assert.True(ex.StatusCode is StatusCode.InvalidArgument or StatusCode.ResourceExhausted, $"{ex.StatusCode}: {ex.Status.Detail}");
            }
        }, iter: 200, threads: 1);

        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("healthz")).StatusCode);
    }

    private static int CountDropped(BatchResult result) => result.Warnings.Count(w => w.Contains("bot_dropped", StringComparison.Ordinal));

    [Fact]
    public async Task Non_utf8_and_binary_bodies_are_400_not_5xx()
    {
        var source = await host.CreateSourceAsync();
        // Noise, an invalid UTF-8 sequence inside a string value, and one inside a property name.
        byte[][] bodies =
        [
            [0xFF, 0xFE, 0x00],
            [.. Encoding.UTF8.GetBytes("{\"event\":\""), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\",\"userId\":\"u1\"}")],
            [0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D],
        ];
        foreach (var body in bodies)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/track") { Content = new ByteArrayContent(body) };
            request.Headers.Authorization = GatewayFixture.Basic(source.WriteKey);
            var response = await host.Http.SendAsync(request);
            Assert.True((int)response.StatusCode is >= 200 and < 500, $"{(int)response.StatusCode}");
        }
    }
}

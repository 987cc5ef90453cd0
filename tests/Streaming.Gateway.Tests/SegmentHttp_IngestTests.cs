using System.Net;
using System.Text;
using System.Text.Json;
using Streaming.Contracts;

namespace Streaming.Gateway.Tests;

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}

[Collection(GatewayCollection.Name)]
public sealed class SegmentHttp_IngestTests(GatewayFixture host)
{
    [Theory]
    [InlineData("track", """{"event": "Signed Up", "userId": "u1", "properties": {"plan": "pro"}}""")]
    [InlineData("identify", """{"userId": "u1", "traits": {"name": "Ada"}}""")]
    [InlineData("page", """{"anonymousId": "a1", "name": "Home", "properties": {"path": "/"}}""")]
    [InlineData("screen", """{"userId": "u1", "name": "Settings"}""")]
    [InlineData("group", """{"userId": "u1", "groupId": "acme", "traits": {"plan": "enterprise"}}""")]
    [InlineData("alias", """{"userId": "u1", "previousId": "a1"}""")]
    public async Task Single_call_endpoint_accepts_the_event_and_it_is_on_events_raw_when_answered(string call, string body)
    {
        var source = await host.CreateSourceAsync();

        var response = await host.PostAsync($"/v1/{call}", body, source.WriteKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, answer.RootElement.GetProperty("accepted").GetInt32());
        Assert.Empty(answer.RootElement.GetProperty("rejected").EnumerateArray());
        var stored = Assert.Single(host.ReadRaw(source.Tenant));
        Assert.Equal(call, stored.Event.Type);
        Assert.Equal("web", stored.Event.Source);
        var person = stored.Event.UserId ?? stored.Event.AnonymousId!;
        Assert.Equal(PartitionKey.For(source.Tenant, person), stored.Key);
        Assert.False(string.IsNullOrEmpty(stored.Event.MessageId));
    }

    [Fact]
    public async Task Batch_endpoint_accepts_every_type_and_keys_each_event_by_user_else_anonymous_id()
    {
        var source = await host.CreateSourceAsync();
        const string body = """
            {"batch": [
              {"type": "track", "event": "Viewed", "anonymousId": "anon-1", "messageId": "m1"},
              {"type": "identify", "anonymousId": "anon-1", "userId": "user-1", "messageId": "m2"},
              {"type": "page", "userId": "user-1", "name": "Pricing", "messageId": "m3"}
            ], "context": {"library": {"name": "analytics-node", "version": "6.0.0"}}}
            """;

        var response = await host.PostAsync("/v1/batch", body, source.WriteKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var events = host.ReadRaw(source.Tenant).ToDictionary(e => e.Event.MessageId);
        Assert.Equal(3, events.Count);
        Assert.Equal(PartitionKey.For(source.Tenant, "anon-1"), events["m1"].Key);
        Assert.Equal(PartitionKey.For(source.Tenant, "user-1"), events["m2"].Key);
        Assert.Equal(PartitionKey.For(source.Tenant, "user-1"), events["m3"].Key);
        // Batch-level context is each event's default.
        Assert.Contains("analytics-node", events["m1"].Event.Context, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Analytics_js_payload_with_write_key_in_a_text_plain_body_is_accepted_as_is()
    {
        var source = await host.CreateSourceAsync();
        // What analytics.js (analytics-next) posts to /v1/t: text/plain, writeKey inside, no Authorization header.
        var body = $$$"""
            {"timestamp":"2024-05-01T12:00:00.000Z","integrations":{},"type":"track","event":"Button Clicked",
             "properties":{"label":"Buy"},"context":{"page":{"path":"/","referrer":"","search":"","title":"Shop","url":"https://shop.example/"},
             "userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
             "locale":"en-US","library":{"name":"analytics.js","version":"next-1.70.0"}},
             "messageId":"ajs-next-1714564800000-5b3e","anonymousId":"5b3e2f7a-0c1d-4e8b-9a6f-1f2e3d4c5b6a","userId":null,
             "writeKey":"{{{source.WriteKey}}}","sentAt":"2024-05-01T12:00:00.050Z","_metadata":{"bundled":["Segment.io"],"unbundled":[]}}
            """;
        using var content = new StringContent(body, Encoding.UTF8, "text/plain");

        var response = await host.Http.PostAsync("v1/t", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var stored = Assert.Single(host.ReadRaw(source.Tenant)).Event;
        Assert.Equal("Button Clicked", stored.Event);
        Assert.Equal("ajs-next-1714564800000-5b3e", stored.MessageId);
        using var context = JsonDocument.Parse(stored.Context);
        Assert.Equal("Chrome", context.RootElement.GetProperty("browser").GetProperty("name").GetString());
        Assert.Equal("Windows", context.RootElement.GetProperty("os").GetProperty("name").GetString());
        Assert.Equal("desktop", context.RootElement.GetProperty("device").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Segment_server_sdk_batch_payload_is_accepted_as_is()
    {
        var source = await host.CreateSourceAsync();
        // analytics-python / analytics-node style: Basic auth, sentAt on the batch, originalTimestamp per event.
        const string body = """
            {"batch":[
              {"type":"identify","userId":"019mr8mf4r","traits":{"plan":"Enterprise","friends":42},"context":{"library":{"name":"analytics-python","version":"2.3.2"}},
               "timestamp":"2024-05-01T12:00:00.000000+00:00","integrations":{},"messageId":"b6ac3f2e-9c2a-4b57-8d4e-7f1a3c5e6d70","anonymousId":null},
              {"type":"track","event":"Purchased an Item","userId":"019mr8mf4r","properties":{"revenue":39.95,"shippingMethod":"2-day"},
               "context":{"library":{"name":"analytics-python","version":"2.3.2"}},"timestamp":"2024-05-01T12:00:01.000000+00:00",
               "integrations":{},"messageId":"c7bd4a3f-ad3b-4c68-9e5f-8a2b4d6f7e81"}
            ],"sentAt":"2024-05-01T12:00:02.000000+00:00"}
            """;

        var response = await host.PostAsync("/v1/batch", body, source.WriteKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stored = host.ReadRaw(source.Tenant);
        Assert.Equal(2, stored.Count);
        Assert.All(stored, e => Assert.Equal("019mr8mf4r", e.Event.UserId));
    }

    [Fact]
    public async Task Request_without_write_key_is_401_saying_how_to_send_it()
    {
        var response = await host.PostAsync("/v1/track", """{"event": "x", "userId": "u1"}""", writeKey: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("missing_write_key", answer.RootElement.GetProperty("error").GetString());
        Assert.Contains("Basic", answer.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_with_an_unknown_write_key_is_401_and_nothing_is_stored()
    {
        var source = await host.CreateSourceAsync();

        var response = await host.PostAsync("/v1/track", $$"""{"event": "x", "userId": "u1", "writeKey": "{{source.WriteKey}}"}""", "wrong-key-0123456789");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("unknown_write_key", answer.RootElement.GetProperty("error").GetString());
        Assert.Empty(host.ReadRaw(source.Tenant));
    }

    [Fact]
    public async Task Admin_api_creates_a_source_whose_write_key_works_and_lists_it_without_the_key()
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, "api/sources")
        {
            Content = new StringContent("""{"id": "ios-app", "name": "iOS app"}""", Encoding.UTF8, "application/json"),
        };
        var tenant = "admin" + Guid.NewGuid().ToString("N")[..8];
        create.Headers.Authorization = new("Bearer", GatewayFixture.AdminKey);
        create.Headers.Add("X-Tenant", tenant);

        var created = await host.Http.SendAsync(create);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var createdBody = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var writeKey = createdBody.RootElement.GetProperty("writeKey").GetString()!;
        var tracked = await host.PostAsync("/v1/track", """{"event": "Opened", "userId": "u1"}""", writeKey);
        Assert.Equal(HttpStatusCode.OK, tracked.StatusCode);
        Assert.Equal("ios-app", Assert.Single(host.ReadRaw(tenant)).Event.Source);

        using var list = new HttpRequestMessage(HttpMethod.Get, "api/sources");
        list.Headers.Authorization = new("Bearer", GatewayFixture.AdminKey);
        list.Headers.Add("X-Tenant", tenant);
        var listed = await (await host.Http.SendAsync(list)).Content.ReadAsStringAsync();
        Assert.Contains("ios-app", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(writeKey, listed, StringComparison.Ordinal);

        using var anonymous = new HttpRequestMessage(HttpMethod.Get, "api/sources");
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Http.SendAsync(anonymous)).StatusCode);
    }
}

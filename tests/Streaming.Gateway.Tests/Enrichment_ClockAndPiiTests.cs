using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Streaming.Contracts.Topics;
using Streaming.Gateway.Enrichment;

namespace Streaming.Gateway.Tests;

[Collection(GatewayCollection.Name)]
public sealed class Enrichment_ClockAndPiiTests(GatewayFixture host)
{
    [Fact]
    public async Task Clock_skew_is_corrected_from_sent_at_when_the_device_clock_is_wrong()
    {
        var source = await host.CreateSourceAsync();
        // The device clock is a year behind; the event happened 10 s before the batch was sent.
        const string body = """
            {"batch": [{"type": "track", "event": "Tapped", "userId": "u1",
                        "originalTimestamp": "2023-05-01T12:00:00.000Z", "sentAt": "2023-05-01T12:00:10.000Z"}]}
            """;

        await host.PostAsync("/v1/batch", body, source.WriteKey);

        var stored = Assert.Single(host.ReadRaw(source.Tenant)).Event;
        Assert.Equal(stored.ReceivedAt - 10_000, stored.Timestamp);
        Assert.Equal(DateTimeOffset.Parse("2023-05-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(), stored.OriginalTimestamp);
        Assert.True(Math.Abs(stored.ReceivedAt - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()) < 60_000);
    }

    [Fact]
    public async Task Event_far_in_the_future_is_kept_flagged_and_warned_about()
    {
        var source = await host.CreateSourceAsync();
        var future = DateTimeOffset.UtcNow.AddDays(2).ToString("O");

        var response = await host.PostAsync("/v1/track", $$"""{"event": "Later", "userId": "u1", "timestamp": "{{future}}"}""", source.WriteKey);

        var answer = await response.Content.ReadAsStringAsync();
        Assert.Contains("future_timestamp", answer, StringComparison.Ordinal);
        var stored = Assert.Single(host.ReadRaw(source.Tenant)).Event;
        Assert.Contains("\"futureTimestamp\":true", stored.Context, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pii_is_hashed_before_kafka_and_the_raw_values_appear_nowhere_in_either_topic()
    {
        var source = await host.CreateSourceAsync();
        const string email = "Ada.Lovelace@Example.com";
        const string phone = "+44 20 7946 0958";
        var body = $$$$"""
            {"batch": [
              {"type": "identify", "userId": "u1", "traits": {"email": "{{{{email}}}}", "phone": "{{{{phone}}}}", "name": "Ada"}},
              {"type": "track", "event": "Bought", "userId": "u1", "context": {"traits": {"email": "{{{{email}}}}"}}},
              {"type": "track", "userId": "u1", "traits": {"email": "{{{{email}}}}"}}
            ]}
            """;

        var response = await host.PostAsync("/v1/batch", body, source.WriteKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var raw = host.ReadRaw(source.Tenant);
        Assert.Equal(2, raw.Count);
        var rejectedBytes = ReadAllBytes(TopicCatalog.EventsRejected.Name, TopicCatalog.EventsRejected.Partitions);
        var everything = string.Join("\n", raw.Select(r => Encoding.UTF8.GetString(r.Bytes)).Append(rejectedBytes));
        Assert.DoesNotContain("Lovelace", everything, StringComparison.OrdinalIgnoreCase);
        // The phone as sent and as digits (a short run like "7946" turns up in hex hashes by chance).
        Assert.DoesNotContain(phone, everything, StringComparison.Ordinal);
        Assert.DoesNotContain("2079460958", everything, StringComparison.Ordinal);

        var hasher = host.Services.GetRequiredService<PiiHasher>();
        var emailHash = hasher.Hash(source.Tenant, "ada.lovelace@example.com");
        var identify = raw.Single(r => r.Event.Type == "identify").Event;
        using var traits = JsonDocument.Parse(identify.Traits);
        Assert.Equal(emailHash, traits.RootElement.GetProperty("email_hash").GetString());
        Assert.Equal(hasher.Hash(source.Tenant, "+442079460958"), traits.RootElement.GetProperty("phone_hash").GetString());
        Assert.Equal("Ada", traits.RootElement.GetProperty("name").GetString());
        Assert.Contains(emailHash, raw.Single(r => r.Event.Type == "track").Event.Context, StringComparison.Ordinal);
        // The refused event keeps its raw JSON, with the PII hashed there too.
        var dead = Assert.Single(host.ReadRejected(source.Tenant));
        Assert.Contains(emailHash, dead.RawPayload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Source_that_keeps_raw_pii_stores_the_values_as_sent()
    {
        var source = await host.CreateSourceAsync(keepRawPii: true);

        await host.PostAsync("/v1/identify", """{"userId": "u1", "traits": {"email": "grace@example.com"}}""", source.WriteKey);

        var stored = Assert.Single(host.ReadRaw(source.Tenant)).Event;
        Assert.Contains("grace@example.com", stored.Traits, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pii_hash_is_equal_for_equal_values_in_a_tenant_and_differs_across_tenants()
    {
        var a = await host.CreateSourceAsync();
        var b = await host.CreateSourceAsync();
        const string body = """{"userId": "u1", "traits": {"email": "same@example.com"}}""";

        await host.PostAsync("/v1/identify", body, a.WriteKey);
        await host.PostAsync("/v1/identify", body.Replace("same@", " SAME@", StringComparison.Ordinal), a.WriteKey);
        await host.PostAsync("/v1/identify", body, b.WriteKey);

        var hashesA = host.ReadRaw(a.Tenant).Select(e => JsonDocument.Parse(e.Event.Traits).RootElement.GetProperty("email_hash").GetString()).Distinct().ToList();
        var hashB = JsonDocument.Parse(Assert.Single(host.ReadRaw(b.Tenant)).Event.Traits).RootElement.GetProperty("email_hash").GetString();
        Assert.Single(hashesA);
        Assert.NotEqual(hashesA[0], hashB);
    }

    [Fact]
    public async Task Bot_is_flagged_and_dropped_with_a_warning_only_when_the_source_drops_bots()
    {
        var keeps = await host.CreateSourceAsync();
        var drops = await host.CreateSourceAsync(dropBots: true);
        const string body = """{"event": "Crawled", "anonymousId": "a1", "context": {"userAgent": "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}}""";

        await host.PostAsync("/v1/track", body, keeps.WriteKey);
        var dropped = await host.PostAsync("/v1/track", body, drops.WriteKey);

        Assert.Contains("\"bot\":true", Assert.Single(host.ReadRaw(keeps.Tenant)).Event.Context, StringComparison.Ordinal);
        var answer = await dropped.Content.ReadAsStringAsync();
        Assert.Contains("bot_dropped", answer, StringComparison.Ordinal);
        Assert.Empty(host.ReadRaw(drops.Tenant));
        Assert.Empty(host.ReadRejected(drops.Tenant));
    }

    [Fact]
    public async Task Missing_message_id_is_generated_the_same_for_a_retried_event_so_downstream_can_deduplicate()
    {
        var source = await host.CreateSourceAsync();
        const string body = """{"event": "Retried", "userId": "u1", "originalTimestamp": "2024-05-01T12:00:00Z"}""";

        await host.PostAsync("/v1/track", body, source.WriteKey);
        await host.PostAsync("/v1/track", body, source.WriteKey);

        var ids = host.ReadRaw(source.Tenant).Select(e => e.Event.MessageId).ToList();
        Assert.Equal(2, ids.Count);
        Assert.False(string.IsNullOrEmpty(ids[0]));
        Assert.Equal(ids[0], ids[1]);
    }

    [Fact]
    public async Task Client_ip_is_the_connection_peer_and_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored()
    {
        var source = await host.CreateSourceAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/track")
        {
            Content = new StringContent("""{"event": "Seen", "userId": "u1"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = GatewayFixture.Basic(source.WriteKey);
        request.Headers.Add("X-Forwarded-For", "203.0.113.9");

        await host.Http.SendAsync(request);

        using var context = JsonDocument.Parse(Assert.Single(host.ReadRaw(source.Tenant)).Event.Context);
        Assert.Equal("127.0.0.1", context.RootElement.GetProperty("ip").GetString());
    }

    private string ReadAllBytes(string topic, int partitions)
    {
        return string.Join("\n", host.ReadValues(topic, partitions).Select(b => Encoding.UTF8.GetString(b)));
    }
}

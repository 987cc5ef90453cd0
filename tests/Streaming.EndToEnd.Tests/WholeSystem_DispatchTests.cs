using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Dispatch.Tests.Providers;
using Streaming.ServiceDefaults.Kafka;

namespace Streaming.EndToEnd.Tests;

/// <summary>
/// A message through the whole standalone host: an identify with a phone number from a source that captures
/// contacts → a DispatchRequest → the SMS rendered to that number at a real provider server (the number
/// reached dispatch only sealed) → a <c>sent</c> receipt → the person clicks the tracked link on the gateway
/// → <c>Message Clicked</c> through identity onto the person's profile and into ClickHouse (analytics).
/// </summary>
public sealed class WholeSystem_DispatchTests
{
    private static readonly TimeSpan Limit = Eventually.Limit;

    [Fact]
    public async Task Identify_with_a_phone_then_a_dispatch_request_becomes_an_sms_to_that_number_and_a_click_on_the_profile_and_in_ClickHouse()
    {
        await using var provider = await ProviderServer.StartAsync((_, c) => ProviderServer.Accept(c));
        await using var system = await RunningSystem.StartAsync("dispatch", new Dictionary<string, string>
        {
            ["Dispatch:Providers:sms-main:Kind"] = "sms-http",
            ["Dispatch:Providers:sms-main:Url"] = provider.Url,
        });
        var userId = "buyer-" + Guid.NewGuid().ToString("N")[..12];
        var at = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O", CultureInfo.InvariantCulture);
        // The shop's app is a source that captures contacts: its identify's phone is sealed before it is hashed.
        var source = await system.PostAdminAsync("/api/sources", """{"id": "shop-app", "captureContacts": true}""");
        using var app = new HttpClient { BaseAddress = system.Host.HttpUrl };
        app.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(source["writeKey"]!.GetValue<string>() + ":")));
        var identify = $$"""{"userId": "{{userId}}", "traits": {"phone": "+49 151 9999-0000", "consent_sms": true}, "messageId": "{{userId}}-0", "timestamp": "{{at}}"}""";
        using (var response = await app.PostAsync("v1/identify", new StringContent(identify, System.Text.Encoding.UTF8, "application/json")))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using (var response = await system.SendAsync("v1/track", $$"""{"userId": "{{userId}}", "event": "Cart Abandoned", "messageId": "{{userId}}-1", "timestamp": "{{at}}"}"""))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var person = await Eventually.Async("identity knows the person", async () => await system.GetAsync($"/api/identity/lookup?type=userId&value={userId}"), Limit);
        var personId = person["personId"]!.GetValue<long>();

        await system.SendAdminAsync(HttpMethod.Put, "/api/definitions/templates/cart-reminder",
            """{"channel": "sms", "variants": {"en": {"text": "Your cart is waiting: https://shop.example/cart?c={{ vars.cart }}"}}}""");
        var producer = system.Host.Services.GetRequiredService<IEventProducer>();
        var request = new DispatchRequest
        {
            RequestId = "e2e-" + userId,
            Tenant = "default",
            PersonId = personId,
            Channel = "sms",
            TemplateId = "cart-reminder",
            Variables = """{"cart": "42"}""",
            JourneyId = "abandoned-cart",
            RequestedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        };
        // Dispatch learns the person's phone_hash trait from profiles.changes: send once it has, else the
        // request would rightly be suppressed for having no address.
        var traits = system.Host.Services.GetRequiredService<Streaming.Dispatch.Traits.PersonTraits>();
        await Eventually.Async("dispatch knows the person's phone hash", async () => (await traits.GetAsync("default", personId))["phone_hash"], Limit);
        await producer.ProduceAsync(TopicCatalog.Dispatch("sms"), PartitionKey.For("default", personId), request);

        var sms = await Eventually.Async("the provider received the SMS", () => Task.FromResult(provider.Received.FirstOrDefault()), Limit);
        using var body = JsonDocument.Parse(sms.Body);
        Assert.Equal("+4915199990000", body.RootElement.GetProperty("to").GetString());
        // The number reached Kafka only sealed: nowhere on events.raw, events.identified or contacts.sealed in clear.
        await AssertNotOnKafkaAsync(system, "4915199990000", "9999-0000");
        var text = body.RootElement.GetProperty("text").GetString()!;
        Assert.StartsWith("Your cart is waiting: ", text);
        var link = new Uri(text["Your cart is waiting: ".Length..]);
        Assert.StartsWith("/m/c/", link.AbsolutePath);

        // The person clicks: the gateway (on the host's own port) redirects to the shop and records the click.
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = system.Host.HttpUrl };
        using (var click = await browser.GetAsync(link.AbsolutePath))
        {
            Assert.Equal(HttpStatusCode.Redirect, click.StatusCode);
            Assert.Equal("https://shop.example/cart?c=42", click.Headers.Location!.ToString());
        }

        var profile = await Eventually.Async("the profile counts the click", async () =>
        {
            var p = await system.GetAsync($"/api/profiles/{personId}");
            return p?["metrics"]?["events"]?["Message Clicked"] is not null ? p : null;
        }, Limit);
        Assert.NotNull(profile["metrics"]!["events"]!["Message Clicked"]);
        var from = DateTimeOffset.UtcNow.AddHours(-1).ToString("O", CultureInfo.InvariantCulture);
        var to = DateTimeOffset.UtcNow.AddHours(1).ToString("O", CultureInfo.InvariantCulture);
        await Eventually.Async("ClickHouse holds the click", async () =>
        {
            var f = await system.PostAdminAsync("/api/analytics/funnel", $$"""
                {"steps": [{"event": "Cart Abandoned"}, {"event": "Message Clicked"}], "windowSeconds": 3600, "from": "{{from}}", "to": "{{to}}"}
                """);
            return f["steps"]![1]!["persons"]!.GetValue<long>() == 1 ? f : null;
        }, Limit);
        Assert.Equal(1, provider.Count);
    }

    /// <summary>Reads every message of the topics a phone number passes (or whose events carry its hash) and finds none with it in clear.</summary>
    private static Task AssertNotOnKafkaAsync(RunningSystem system, params string[] raws) => Task.Run(() =>
    {
        string[] topics = ["events.raw", "events.identified", "profiles.changes", "contacts.sealed", "events.rejected"];
        using var consumer = new Confluent.Kafka.ConsumerBuilder<byte[], byte[]>(new Confluent.Kafka.ConsumerConfig
        {
            BootstrapServers = system.Host.KafkaBootstrapServers,
            GroupId = "pii-reader-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
        }).Build();
        var ends = new Dictionary<(string, int), long>();
        var start = new List<Confluent.Kafka.TopicPartitionOffset>();
        foreach (var topic in topics)
        {
            for (var p = 0; p < TopicCatalog.All.Single(t => t.Name == topic).Partitions; p++)
            {
                var marks = consumer.QueryWatermarkOffsets(new Confluent.Kafka.TopicPartition(topic, p), TimeSpan.FromSeconds(10));
                if (marks.High > marks.Low)
                {
                    ends[(topic, p)] = marks.High;
                    start.Add(new Confluent.Kafka.TopicPartitionOffset(topic, p, marks.Low));
                }
            }
        }
        Assert.Contains(start, s => s.Topic == "contacts.sealed");
        consumer.Assign(start);
        var deadline = DateTime.UtcNow + Limit;
        while (ends.Count > 0 && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is not { } result)
                continue;
            var text = System.Text.Encoding.UTF8.GetString(result.Message.Value ?? []);
            foreach (var raw in raws)
                Assert.False(text.Contains(raw, StringComparison.Ordinal), $"{result.Topic} holds '{raw}' in clear");
            if (result.Offset.Value + 1 >= ends.GetValueOrDefault((result.Topic, result.Partition.Value), long.MaxValue))
                ends.Remove((result.Topic, result.Partition.Value));
        }
        Assert.Empty(ends);
    });
}

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
/// A message through the whole standalone host: a DispatchRequest → the rendered SMS at a real provider
/// server → a <c>sent</c> receipt → the person clicks the tracked link on the gateway → <c>Message Clicked</c>
/// on the person's profile and in ClickHouse (analytics), and the click's receipt in <c>bi.messages</c>.
/// </summary>
public sealed class WholeSystem_DispatchTests
{
    private static readonly TimeSpan Limit = Eventually.Limit;

    [Fact]
    public async Task Dispatch_request_becomes_an_sms_a_sent_receipt_and_a_click_on_the_profile_and_in_ClickHouse()
    {
        await using var provider = await ProviderServer.StartAsync((_, c) => ProviderServer.Accept(c));
        await using var system = await RunningSystem.StartAsync("dispatch", new Dictionary<string, string>
        {
            ["Dispatch:Providers:sms-main:Kind"] = "sms-http",
            ["Dispatch:Providers:sms-main:Url"] = provider.Url,
        });
        var userId = "buyer-" + Guid.NewGuid().ToString("N")[..12];
        var at = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O", CultureInfo.InvariantCulture);
        using (var response = await system.SendAsync("v1/track", $$"""{"userId": "{{userId}}", "event": "Cart Abandoned", "messageId": "{{userId}}-1", "timestamp": "{{at}}"}"""))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var person = await Eventually.Async("identity knows the person", async () => await system.GetAsync($"/api/identity/lookup?type=userId&value={userId}"), Limit);
        var personId = person["personId"]!.GetValue<long>();

        await system.SendAdminAsync(HttpMethod.Put, "/api/definitions/templates/cart-reminder",
            """{"channel": "sms", "variants": {"en": {"text": "Your cart is waiting: https://shop.example/cart?c={{ vars.cart }}"}}}""");
        await system.SendAdminAsync(HttpMethod.Put, $"/api/dispatch/contacts/{personId}", """{"phone": "+4915199990000"}""");
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
        await producer.ProduceAsync(TopicCatalog.Dispatch("sms"), PartitionKey.For("default", personId), request);

        var sms = await Eventually.Async("the provider received the SMS", () => Task.FromResult(provider.Received.FirstOrDefault()), Limit);
        using var body = JsonDocument.Parse(sms.Body);
        Assert.Equal("+4915199990000", body.RootElement.GetProperty("to").GetString());
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
}

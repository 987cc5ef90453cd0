using System.Net;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Messaging;

namespace Streaming.Gateway.Tests;

/// <summary>
/// A click on a tracked message link becomes a receipt and a <c>Message Clicked</c> event on events.raw,
/// the normal path through identity, naming the person in the streaming-person header.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class TrackedLinks_EventPathTests(GatewayFixture host)
{
    [Fact]
    public async Task Click_redirects_and_puts_a_receipt_and_a_Message_Clicked_event_for_the_person_on_the_normal_event_path()
    {
        var tenant = "t" + Guid.NewGuid().ToString("N")[..10];
        var token = new TrackingToken(TrackingToken.Click, tenant, "req-1", 4242, "sms", "j1", "https://shop.example/cart").Sign(GatewayFixture.TrackingKey);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.HttpUrl };

        using var click = await browser.GetAsync($"m/c/{token}");
        using var forged = await browser.GetAsync($"m/c/{token[..^2]}xx");

        Assert.Equal(HttpStatusCode.Redirect, click.StatusCode);
        Assert.Equal("https://shop.example/cart", click.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        var raw = host.ReadAll(TopicCatalog.EventsRaw.Name, TopicCatalog.EventsRaw.Partitions)
            .Select(m => (Message: m, Event: SharedSchemaRegistry.Serdes.Deserialize(TopicCatalog.EventsRaw, m.Value)))
            .Single(x => x.Event.Tenant == tenant);
        Assert.Equal("Message Clicked", raw.Event.Event);
        Assert.Null(raw.Event.UserId);
        Assert.Null(raw.Event.AnonymousId);
        Assert.Equal(4242, PersonHeader.Read(raw.Message.Headers));
        Assert.Contains("https://shop.example/cart", raw.Event.Properties, StringComparison.Ordinal);
        var receipt = host.ReadAll(TopicCatalog.MessagesReceipts.Name, TopicCatalog.MessagesReceipts.Partitions)
            .Select(m => SharedSchemaRegistry.Serdes.Deserialize(TopicCatalog.MessagesReceipts, m.Value))
            .Single(r => r.Tenant == tenant);
        Assert.Equal(ReceiptStatus.Clicked, receipt.Status);
        Assert.Equal(4242, receipt.PersonId);
        // Nothing of it bypasses identity any more.
        Assert.DoesNotContain(host.ReadAll(TopicCatalog.EventsIdentified.Name, TopicCatalog.EventsIdentified.Partitions),
            m => SharedSchemaRegistry.Serdes.Deserialize(TopicCatalog.EventsIdentified, m.Value).Event.Tenant == tenant);
    }
}

using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Consumers;

namespace Streaming.Analytics.Tests;

/// <summary>messages.receipts lands in <c>messages</c>; <c>bi.messages</c> shows each receipt once, replays and re-announcements included.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class MessagesSink_ReceiptsTests(ClickHouseFixture fixture)
{
    [Fact]
    public async Task MessagesSink_stores_each_receipt_once_when_the_topic_is_replayed_and_a_receipt_announced_again()
    {
        var db = await fixture.NewDatabaseAsync();
        var sink = db.MessageReceiptsSink();
        var at = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var receipts = new List<MessageReceipt>
        {
            Receipt("r1-sent", "r1", ReceiptStatus.Sent, at, "pm-1"),
            Receipt("r1-clicked", "r1", ReceiptStatus.Clicked, at + 1000),
            Receipt("r2-suppressed", "r2", ReceiptStatus.Suppressed, at, error: "expired"),
            Receipt("r1-sent", "r1", ReceiptStatus.Sent, at, "pm-1"), // re-announced after a redelivery
        };
        var batch = receipts.Select((r, i) => new InboundMessage<MessageReceipt>("messages.receipts", 0, i, "k", r, DateTimeOffset.UtcNow, [])).ToList();

        await sink.HandleAsync(batch, CancellationToken.None);
        await sink.HandleAsync(batch, CancellationToken.None);

        var bi = db.Session.BiDatabase;
        Assert.Equal(3, await db.ScalarAsync($"SELECT count() FROM {bi}.messages WHERE tenant = 't'"));
        Assert.Equal(1, await db.ScalarAsync($"SELECT count() FROM {bi}.messages WHERE tenant = 't' AND status = 'sent' AND provider_message_id = 'pm-1' AND journey_id = 'j1'"));
        Assert.Equal(1, await db.ScalarAsync($"SELECT count() FROM {bi}.messages WHERE tenant = 't' AND status = 'suppressed' AND error = 'expired'"));
    }

    private static MessageReceipt Receipt(string id, string request, string status, long at, string? providerMessageId = null, string? error = null) => new()
    {
        ReceiptId = id,
        RequestId = request,
        Tenant = "t",
        PersonId = 7,
        Channel = "sms",
        Status = status,
        ProviderMessageId = providerMessageId,
        Error = error,
        JourneyId = "j1",
        At = at,
    };
}

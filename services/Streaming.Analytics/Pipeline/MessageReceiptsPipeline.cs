using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Consumers;

namespace Streaming.Analytics.Pipeline;

/// <summary>
/// messages.receipts -> <c>messages</c>: one row per receipt, keyed by its receipt id
/// (ReplacingMergeTree), inserted with an offset-range token, so a replay stores nothing twice.
/// </summary>
internal sealed class MessageReceiptsPipeline(InsertBatchStep writer) : IConsumerHandler<MessageReceipt>
{
    private static readonly string[] Columns = ["tenant", "receipt_id", "request_id", "person_id", "channel", "status", "journey_id", "error", "at", "provider_message_id"];

    public async Task<IReadOnlyList<HandlerOutcome>> HandleAsync(IReadOnlyList<InboundMessage<MessageReceipt>> batch, CancellationToken cancellationToken)
    {
        var rows = new List<object[]>(batch.Count);
        foreach (var message in batch)
        {
            var r = message.Value;
            rows.Add([r.Tenant, r.ReceiptId, r.RequestId, r.PersonId, r.Channel, r.Status, r.JourneyId ?? "", r.Error ?? "", MapEventRowStep.Time(r.At), r.ProviderMessageId ?? ""]);
        }
        var first = batch[0];
        await writer.InsertAsync("messages", Columns, rows, InsertBatchStep.TokenFor(first.FenceKey, first.Offset, batch[^1].Offset), cancellationToken);
        return [.. batch.Select(_ => HandlerOutcome.Done)];
    }
}

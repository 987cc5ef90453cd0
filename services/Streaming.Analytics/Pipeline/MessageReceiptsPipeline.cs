using Streaming.Contracts.Records;

namespace Streaming.Analytics.Pipeline;

/// <summary>messages.receipts -> <c>messages</c>: one row per receipt, keyed by its receipt id.</summary>
internal sealed class MessageReceiptsPipeline(InsertBatchStep writer)
    : RowSinkPipeline<MessageReceipt>(writer, "messages", ["tenant", "receipt_id", "request_id", "person_id", "channel", "status", "journey_id", "error", "at", "provider_message_id"])
{
    protected override object[] Row(MessageReceipt r) =>
        [r.Tenant, r.ReceiptId, r.RequestId, r.PersonId, r.Channel, r.Status, r.JourneyId ?? "", r.Error ?? "", MapEventRowStep.Time(r.At), r.ProviderMessageId ?? ""];
}

using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Consumers;

namespace Streaming.Dispatch.Suppression;

/// <summary>
/// What the receipts tell the dispatchers: an <c>unsubscribed</c> receipt (the gateway's unsubscribe
/// link) puts the person on the channel's unsubscribed list, so no later request of that channel is sent.
/// Adding to a set twice changes nothing, so a replay is harmless.
/// </summary>
public sealed class ReceiptFeedbackHandler(SuppressionLists lists) : MessageHandler<MessageReceipt>
{
    protected override async ValueTask<HandlerOutcome> HandleAsync(InboundMessage<MessageReceipt> message, CancellationToken cancellationToken)
    {
        var receipt = message.Value;
        if (receipt.Status == ReceiptStatus.Unsubscribed)
            await lists.UnsubscribeAsync(receipt.Tenant, receipt.Channel, receipt.PersonId);
        return HandlerOutcome.Done;
    }
}

using Streaming.Contracts.Records;
using Streaming.Journeys.Engine;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Journeys.Pipeline;

/// <summary>messages.receipts → engagement (opened, clicked, ...) of the instance that requested the message.</summary>
public sealed class ReceiptsPipeline(PersonUpdater updater, JourneyEngine engine) : PersonInputHandler<MessageReceipt>(updater)
{
    protected override string? Lane(InboundMessage<MessageReceipt> message) => PersonLane(message.Value.Tenant, message.Value.PersonId);

    protected override async Task<(HandlerOutcome, AppliedInput?)> ApplyAsync(InboundMessage<MessageReceipt> message)
    {
        var receipt = message.Value;
        if (string.IsNullOrEmpty(receipt.Tenant) || receipt.PersonId == 0 || string.IsNullOrEmpty(receipt.Status))
            return (HandlerOutcome.Of(StepResult.DeadLetter("a receipt needs a tenant, a person id and a status")), null);
        if (receipt.JourneyId is null)
            return (HandlerOutcome.Done, null);
        var applied = await Updater.ApplyAsync(receipt.Tenant, receipt.PersonId, InputFence.Of(message, receipt.ReceiptId), message.Position, t => engine.OnReceipt(t, receipt));
        return (HandlerOutcome.Done, applied);
    }
}

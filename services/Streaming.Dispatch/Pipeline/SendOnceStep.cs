using Streaming.Contracts.Records;
using Streaming.Dispatch.Delivery;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Dispatch.Pipeline;

/// <summary>
/// The send: records the attempt in the ledger first (only the one caller that records it sends),
/// hands the message to the channel's providers with failover, then records the result. Sent: a
/// <c>sent</c> receipt. Every provider failed: the attempt is forgotten (nothing went out, so a redrive
/// may send), a spent WeChat credit is given back, a <c>failed</c> receipt, and the request is dead-lettered.
/// </summary>
public sealed class SendOnceStep(SendLedger ledger, FailoverSender sender, WeChatCredits credits, TimeProvider time)
{
    public async ValueTask<StepResult> RunAsync(DispatchWork work, CancellationToken cancellationToken)
    {
        var request = work.Request;
        if (await ledger.TryBeginAsync(request.Tenant, request.RequestId) is { } existing)
        {
            if (work.SpentCredit)
                await credits.RefundAsync(request.Tenant, request.PersonId, work.Message!.ProviderTemplateId!);
            return ReadLedgerStep.Decide(work, existing);
        }
        var result = await sender.SendAsync(work.Message!, cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (result.Sent)
        {
            await ledger.RecordSentAsync(request.Tenant, request.RequestId, result.Provider!, result.ProviderMessageId, now);
            work.Receipts.Add(Receipts.For(request, ReceiptStatus.Sent, now, providerMessageId: result.ProviderMessageId));
            return StepResult.Continue;
        }
        await ledger.ReleaseAsync(request.Tenant, request.RequestId);
        if (work.SpentCredit)
            await credits.RefundAsync(request.Tenant, request.PersonId, work.Message!.ProviderTemplateId!);
        work.Receipts.Add(Receipts.For(request, ReceiptStatus.Failed, now, result.Error));
        return StepResult.DeadLetter($"every provider failed: {result.Error}");
    }
}

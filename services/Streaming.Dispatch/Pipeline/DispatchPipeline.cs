using System.Diagnostics.Metrics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.ServiceDefaults.Admin;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Pipeline;
using Streaming.ServiceDefaults.Telemetry;

namespace Streaming.Dispatch.Pipeline;

/// <summary>
/// dispatch.&lt;channel&gt; → a send and messages.receipts, top to bottom:
/// <list type="number">
/// <item><see cref="ReadLedgerStep"/>: a request already sent (or in doubt) is announced again, not sent again.</item>
/// <item><see cref="SuppressExpiredStep"/>: past <c>ExpiresAt</c> → suppressed (expired).</item>
/// <item><see cref="CheckConsentStep"/>: unsubscribed, suppression list, no consent → suppressed.</item>
/// <item><see cref="ResolveAddressStep"/>: the raw address from the contact vault; none or bounced → suppressed.</item>
/// <item><see cref="RenderMessageStep"/>: the template's locale variant rendered, links tracked; unknown template → failed + dead letter.</item>
/// <item><see cref="SpendCreditStep"/>: WeChat's one-send-per-authorisation credit.</item>
/// <item><see cref="SendOnceStep"/>: attempt recorded, providers with retries and failover, result recorded; all failed → failed + dead letter.</item>
/// </list>
/// The messages of a batch are sent concurrently (each request is independent; order among a person's
/// messages is not promised by any provider). The receipts are the outputs, produced before the offset
/// is committed; a dead-lettered request's failed receipt is produced before it is dead-lettered.
/// </summary>
public sealed class DispatchPipeline(
    ReadLedgerStep readLedger,
    CheckConsentStep checkConsent,
    ResolveAddressStep resolveAddress,
    RenderMessageStep render,
    SpendCreditStep spendCredit,
    SendOnceStep sendOnce,
    IEventProducer producer,
    TimeProvider time) : IConsumerHandler<DispatchRequest>
{
    private static readonly ServiceMetrics Metrics = ServiceMetrics.For("dispatch");

    private static readonly Counter<long> Requests = Metrics.Counter(
        "requests", "{request}", "Dispatch requests handled, by channel and receipt status (sent, failed, suppressed).");

    public async Task<IReadOnlyList<HandlerOutcome>> HandleAsync(IReadOnlyList<InboundMessage<DispatchRequest>> batch, CancellationToken cancellationToken)
    {
        var outcomes = new HandlerOutcome[batch.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, batch.Count), new ParallelOptions { MaxDegreeOfParallelism = 256, CancellationToken = cancellationToken },
            async (i, token) => outcomes[i] = await HandleOneAsync(batch[i], token));
        return outcomes;
    }

    private async Task<HandlerOutcome> HandleOneAsync(InboundMessage<DispatchRequest> message, CancellationToken cancellationToken)
    {
        var request = message.Value;
        var work = new DispatchWork(request, time.GetUtcNow().ToUnixTimeMilliseconds());
        var result = await RunStepsAsync(work, cancellationToken);
        var outputs = work.Receipts
            .Select(r => OutboundMessage.Create(TopicCatalog.MessagesReceipts, PartitionKey.For(r.Tenant, r.PersonId), r) with { Cause = message.Position })
            .ToList();
        foreach (var receipt in work.Receipts)
            Requests.Add(1, new KeyValuePair<string, object?>("channel", request.Channel), new KeyValuePair<string, object?>("status", receipt.Status));
        if (result.Verdict != StepVerdict.DeadLetter)
            return HandlerOutcome.Continue(outputs);
        // The failed receipt must not wait for a redrive: produce it now, then dead-letter the request.
        await producer.ProduceAllAsync(outputs, cancellationToken);
        return HandlerOutcome.DeadLetter(result.Reason!);
    }

    private async Task<StepResult> RunStepsAsync(DispatchWork work, CancellationToken cancellationToken)
    {
        var request = work.Request;
        if (!AdminAuthorization.IsValidTenant(request.Tenant))
            return StepResult.DeadLetter($"tenant '{request.Tenant}' is not valid: use 1-64 letters, digits, '-' or '_'.");
        if (ParseVariables(request.Variables) is not { } vars)
        {
            var problem = "variables: not a JSON object; send Variables as a JSON object, e.g. {\"coupon\": \"X1\"}";
            work.Receipts.Add(Receipts.For(request, ReceiptStatus.Failed, work.Now, problem));
            return StepResult.DeadLetter(problem);
        }
        StepResult result;
        if (!(result = await readLedger.RunAsync(work)).Continues
            || !(result = SuppressExpiredStep.Run(work)).Continues
            || !(result = await checkConsent.RunAsync(work)).Continues
            || !(result = await resolveAddress.RunAsync(work, vars)).Continues
            || !(result = await render.RunAsync(work, vars)).Continues
            || !(result = await spendCredit.RunAsync(work)).Continues)
        {
            return result;
        }
        return await sendOnce.RunAsync(work, cancellationToken);
    }

    private static JsonObject? ParseVariables(string text)
    {
        try
        {
            return JsonNode.Parse(string.IsNullOrWhiteSpace(text) ? "{}" : text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

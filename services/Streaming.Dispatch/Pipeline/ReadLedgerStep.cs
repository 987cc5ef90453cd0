using Streaming.Contracts.Records;
using Streaming.Dispatch.Delivery;
using Streaming.ServiceDefaults.Consumers;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Dispatch.Pipeline;

/// <summary>
/// A request already handled is not handled again: a recorded send is announced again (the same
/// <c>sent</c> receipt), an attempt of a live process is waited for (retry), and an attempt left by a
/// process that died between calling the provider and recording its answer stays in doubt: a
/// <c>failed</c> receipt saying so, never a second send.
/// </summary>
public sealed class ReadLedgerStep(SendLedger ledger)
{
    /// <summary>An attempt older than this is taken as abandoned (longer than any provider's whole retry budget).</summary>
    public static readonly TimeSpan InDoubtAfter = TimeSpan.FromMinutes(5);

    public async ValueTask<StepResult> RunAsync(DispatchWork work)
    {
        var record = await ledger.ReadAsync(work.Request.Tenant, work.Request.RequestId);
        return Decide(work, record);
    }

    public static StepResult Decide(DispatchWork work, SendRecord? record)
    {
        switch (record)
        {
            case null:
                return StepResult.Continue;
            case { State: SendState.Sent }:
                work.Receipts.Add(Receipts.For(work.Request, ReceiptStatus.Sent, record.At, providerMessageId: record.ProviderMessageId));
                return StepResult.Drop("already sent");
            case { State: SendState.Attempting } when work.Now - record.At < InDoubtAfter.TotalMilliseconds:
                throw new DependencyUnavailableException($"request {work.Request.RequestId} is being sent by {record.Instance}; waiting for its answer");
            default:
                work.Receipts.Add(Receipts.For(work.Request, ReceiptStatus.Failed, work.Now,
                    $"in-doubt: an attempt began at {DateTimeOffset.FromUnixTimeMilliseconds(record.At):O} and its answer was never recorded; not sent again (at most once)"));
                return StepResult.Drop("in doubt");
        }
    }
}

using Streaming.Contracts.Records;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Dispatch.Pipeline;

/// <summary>A request past its <c>ExpiresAt</c> is not sent: a <c>suppressed</c> receipt, reason <c>expired</c>.</summary>
public static class SuppressExpiredStep
{
    public const string Reason = "expired";

    public static StepResult Run(DispatchWork work)
    {
        if (work.Request.ExpiresAt is not { } expiresAt || expiresAt > work.Now)
            return StepResult.Continue;
        work.Receipts.Add(Receipts.For(work.Request, ReceiptStatus.Suppressed, work.Now, Reason));
        return StepResult.Drop(Reason);
    }
}

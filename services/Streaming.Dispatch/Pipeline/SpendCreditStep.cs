using Streaming.Contracts.Records;
using Streaming.Dispatch.Delivery;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Dispatch.Pipeline;

/// <summary>WeChat only: one authorisation allows one send of that template. No credit: <c>suppressed</c>, reason <c>no wechat credit</c>.</summary>
public sealed class SpendCreditStep(WeChatCredits credits)
{
    public const string Reason = "no wechat credit";

    public async ValueTask<StepResult> RunAsync(DispatchWork work)
    {
        if (work.Request.Channel != "wechat")
            return StepResult.Continue;
        if (await credits.TrySpendAsync(work.Request.Tenant, work.Request.PersonId, work.Message!.ProviderTemplateId!))
        {
            work.SpentCredit = true;
            return StepResult.Continue;
        }
        work.Receipts.Add(Receipts.For(work.Request, ReceiptStatus.Suppressed, work.Now, Reason));
        return StepResult.Drop(Reason);
    }
}

using Streaming.Contracts.Records;
using Streaming.Dispatch.Contacts;
using Streaming.Dispatch.Suppression;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Dispatch.Pipeline;

/// <summary>
/// The raw address of the channel's contact point, from the contact vault (the person's own entry, else
/// the one the gateway captured for the person's phone/email hash trait; webhooks fall back to the
/// request's <c>vars.target</c>). None: <c>suppressed</c>, reason <c>no address</c>; a hard-bounced
/// address: <c>suppressed</c>, reason <c>hard-bounced address</c>.
/// </summary>
public sealed class ResolveAddressStep(ContactVault vault, SuppressionLists lists)
{
    public async ValueTask<StepResult> RunAsync(DispatchWork work, System.Text.Json.Nodes.JsonObject vars)
    {
        var request = work.Request;
        var kind = ContactKinds.ForChannel(request.Channel);
        var address = vault.Enabled ? await vault.GetAsync(request.Tenant, request.PersonId, kind, work.Traits) : null;
        if (address is null && request.Channel == "webhook" && vars["target"]?.GetValue<string>() is { } target)
            address = target;
        string? reason = null;
        if (string.IsNullOrWhiteSpace(address))
            reason = $"no address: the contact vault has no {kind} for this person";
        else if (await lists.IsBouncedAsync(request.Tenant, address))
            reason = "hard-bounced address";
        if (reason is not null)
        {
            work.Receipts.Add(Receipts.For(request, ReceiptStatus.Suppressed, work.Now, reason));
            return StepResult.Drop(reason);
        }
        work.Address = address;
        return StepResult.Continue;
    }
}

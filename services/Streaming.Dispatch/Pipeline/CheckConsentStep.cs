using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Streaming.Contracts.Records;
using Streaming.Dispatch.Suppression;
using Streaming.Dispatch.Traits;
using Streaming.ServiceDefaults.Pipeline;

namespace Streaming.Dispatch.Pipeline;

/// <summary>
/// Consent and suppression, before anything is rendered or sent: unsubscribed from the channel, on the
/// tenant's suppression list, or without consent (trait <c>consent_&lt;channel&gt;</c> false, or missing
/// when <see cref="DispatchOptions.RequireConsent"/>). Each is a <c>suppressed</c> receipt with its reason.
/// Loads the person's traits for the steps after.
/// </summary>
public sealed class CheckConsentStep(PersonTraits traits, SuppressionLists lists, IOptions<DispatchOptions> options)
{
    public async ValueTask<StepResult> RunAsync(DispatchWork work)
    {
        var request = work.Request;
        // Three independent reads: one round trip's wait instead of three.
        var personTraits = traits.GetAsync(request.Tenant, request.PersonId);
        var unsubscribed = lists.IsUnsubscribedAsync(request.Tenant, request.Channel, request.PersonId);
        var suppressed = lists.IsSuppressedAsync(request.Tenant, request.PersonId);
        work.Traits = await personTraits;
        string? reason = null;
        if (await unsubscribed)
            reason = "unsubscribed";
        else if (await suppressed)
            reason = "suppression list";
        else if (!HasConsent(work.Traits, request.Channel))
            reason = "no consent";
        if (reason is null)
            return StepResult.Continue;
        work.Receipts.Add(Receipts.For(request, ReceiptStatus.Suppressed, work.Now, reason));
        return StepResult.Drop(reason);
    }

    private bool HasConsent(JsonObject personTraits, string channel)
    {
        var prefix = options.Value.ConsentTraitPrefix;
        if (prefix.Length == 0)
            return true;
        var consent = personTraits[prefix + channel];
        if (consent is JsonValue value && value.TryGetValue<bool>(out var given))
            return given;
        return !options.Value.RequireConsent;
    }
}

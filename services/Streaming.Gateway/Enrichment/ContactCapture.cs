using System.Text.Json;
using Microsoft.Extensions.Options;
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Gateway.Ingestion;
using Streaming.Gateway.Pipeline;
using Streaming.ServiceDefaults.Messaging;

namespace Streaming.Gateway.Enrichment;

/// <summary>
/// The contact vault's intake: for a source with <c>captureContacts</c>, the <c>phone</c> and <c>email</c>
/// of an identify event's traits are sealed (AES-256-GCM, Gateway:VaultKey; associated data tenant, kind
/// and hash) before <see cref="PiiHasher"/> replaces them by their hashes. The sealed value goes to
/// <c>contacts.sealed</c> keyed by that hash, the same hash the person's <c>phone_hash</c>/<c>email_hash</c>
/// trait carries, which is how the dispatchers find whose it is. The raw value is never written anywhere
/// in clear: not to Kafka, not to a log, not to an answer.
/// </summary>
public sealed class ContactCapture(IOptions<GatewayOptions> options, PiiHasher hasher, TimeProvider time)
{
    private readonly ContactSeal? _seal = options.Value.VaultKey is { } key ? new ContactSeal(key) : null;

    /// <summary>Whether the gateway can capture at all (Gateway:VaultKey is set).</summary>
    public bool Enabled => _seal is not null;

    public void Run(EventDraft draft, RequestScope scope)
    {
        if (_seal is null || !scope.Source.Settings.CaptureContacts || draft.Type != "identify" || draft.Traits is not { } traits)
            return;
        var tenant = scope.Source.Tenant;
        // The member whose hash becomes the phone_hash / email_hash trait (PiiHasher's choice): the one
        // spelled 'phone' / 'email', else the first named like one.
        JsonProperty? phone = null, email = null;
        foreach (var member in traits.OriginalMembers())
        {
            if (!JsonText.TryGetName(member, out var name))
                continue;
            switch (PiiNames.Classify(name))
            {
                case PiiKind.Phone when phone is null || PiiNames.Is(name, "phone"):
                    phone = PiiNames.Is(phone?.Name ?? "", "phone") ? phone : member;
                    break;
                case PiiKind.Email when email is null || PiiNames.Is(name, "email"):
                    email = PiiNames.Is(email?.Name ?? "", "email") ? email : member;
                    break;
            }
        }
        Add(draft, tenant, PiiKind.Phone, "phone", phone);
        Add(draft, tenant, PiiKind.Email, "email", email);
    }

    private void Add(EventDraft draft, string tenant, PiiKind kind, string contactKind, JsonProperty? member)
    {
        if (member is not { } found || !TryText(found.Value, out var text) || hasher.HashOf(tenant, kind, text, out var normalized, out _) is not { } hash)
            return;
        (draft.Contacts ??= []).Add(new SealedContact
        {
            Tenant = tenant,
            Kind = contactKind,
            Hash = hash,
            Sealed = Convert.ToBase64String(_seal!.Seal(normalized, ContactSeal.Associated(tenant, contactKind, hash))),
            At = time.GetUtcNow().ToUnixTimeMilliseconds(),
        });
    }

    /// <summary>The record's key on the compacted topic: one live value per tenant, kind and hash.</summary>
    public static string KeyOf(SealedContact contact) => PartitionKey.For(contact.Tenant, contact.Kind + ":" + contact.Hash);

    private static bool TryText(JsonElement value, out string text)
    {
        text = "";
        if (value.ValueKind == JsonValueKind.Number)
        {
            text = value.GetRawText();
            return true;
        }
        return value.ValueKind == JsonValueKind.String && JsonText.TryGetString(value, out text);
    }
}

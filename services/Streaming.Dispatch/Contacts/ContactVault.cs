using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Dispatch.Traits;
using Streaming.ServiceDefaults.Kafka;
using Streaming.ServiceDefaults.Messaging;

namespace Streaming.Dispatch.Contacts;

/// <summary>
/// The raw contact points a send needs (phone, e-mail, push token, WeChat openid), sealed with
/// AES-256-GCM under <see cref="DispatchOptions.VaultKey"/> (<see cref="ContactSeal"/>). Two ways in:
/// <list type="bullet">
/// <item>per person through the contacts API; associated data tenant, person and kind, so a ciphertext
/// moved to another person does not open;</item>
/// <item>captured by the gateway from identify traits (<c>contacts.sealed</c>), kept by tenant, kind and
/// PII hash (associated data tenant, kind and hash) and found through the person's <c>phone_hash</c> /
/// <c>email_hash</c> trait.</item>
/// </list>
/// A person's own entry wins. Values are never logged; only the dispatchers read them; a deletion
/// request removes both.
/// </summary>
public sealed class ContactVault(IConnectionMultiplexer redis, IOptions<DispatchOptions> options, PersonTraits traits, IEventProducer producer, TimeProvider time)
{
    private readonly ContactSeal? _seal = options.Value.VaultKey is { } key ? new ContactSeal(key) : null;

    /// <summary>The kinds the gateway captures, each found through the person's <c>&lt;kind&gt;_hash</c> trait.</summary>
    public static readonly IReadOnlyList<string> CapturedKinds = [ContactKinds.Phone, ContactKinds.Email];

    public bool Enabled => _seal is not null;

    public Task PutAsync(string tenant, long personId, string kind, string address) =>
        redis.GetDatabase().HashSetAsync(PersonKey(tenant, personId), kind, Seal().Seal(address, PersonData(tenant, personId, kind)));

    /// <summary>
    /// The person's address of this kind, or null when there is none (or what is stored does not open).
    /// <paramref name="personTraits"/> are the person's traits when the caller has them already.
    /// </summary>
    public async Task<string?> GetAsync(string tenant, long personId, string kind, JsonObject? personTraits = null)
    {
        var db = redis.GetDatabase();
        var own = await db.HashGetAsync(PersonKey(tenant, personId), kind);
        if (!own.IsNull)
            return Seal().Open(own!, PersonData(tenant, personId, kind));
        if (!CapturedKinds.Contains(kind))
            return null;
        personTraits ??= await traits.GetAsync(tenant, personId);
        if (HashOf(personTraits, kind) is not { } hash)
            return null;
        var captured = await db.StringGetAsync(CapturedKey(tenant, kind, hash));
        return captured.IsNull ? null : Seal().Open(captured!, ContactSeal.Associated(tenant, kind, hash));
    }

    /// <summary>Keeps (or, for a forgotten one, removes) a contact point the gateway captured. Replays change nothing.</summary>
    public Task KeepCapturedAsync(SealedContact contact)
    {
        var key = CapturedKey(contact.Tenant, contact.Kind, contact.Hash);
        return contact.Sealed.Length == 0
            ? redis.GetDatabase().KeyDeleteAsync(key)
            : redis.GetDatabase().StringSetAsync(key, Convert.FromBase64String(contact.Sealed));
    }

    /// <summary>
    /// Removes every contact point of the person (a deletion request): the own entry, the captured ones its
    /// hash traits lead to, and, on the compacted <c>contacts.sealed</c>, a forgotten record that replaces
    /// the captured one (so a replay of the topic does not bring it back).
    /// </summary>
    public async Task ForgetAsync(string tenant, long personId, CancellationToken cancellationToken = default)
    {
        var personTraits = await traits.GetAsync(tenant, personId);
        var forgotten = new List<OutboundMessage>();
        foreach (var kind in CapturedKinds)
        {
            if (HashOf(personTraits, kind) is not { } hash)
                continue;
            var record = new SealedContact { Tenant = tenant, Kind = kind, Hash = hash, Sealed = "", At = time.GetUtcNow().ToUnixTimeMilliseconds() };
            forgotten.Add(OutboundMessage.Create(TopicCatalog.ContactsSealed, PartitionKey.For(tenant, kind + ":" + hash), record));
        }
        if (forgotten.Count > 0)
            await producer.ProduceAllAsync(forgotten, cancellationToken);
        foreach (var message in forgotten)
            await KeepCapturedAsync((SealedContact)message.Payload!);
        await redis.GetDatabase().KeyDeleteAsync(PersonKey(tenant, personId));
    }

    /// <summary>The raw bytes as stored (for the test that shows nothing readable is kept).</summary>
    internal async Task<byte[]?> StoredAsync(string tenant, long personId, string kind) =>
        await redis.GetDatabase().HashGetAsync(PersonKey(tenant, personId), kind) is { IsNull: false } value ? (byte[])value! : null;

    private ContactSeal Seal() => _seal ?? throw new InvalidOperationException("The contact vault has no key: set Dispatch:VaultKey (base64 of 32 bytes).");

    private static string? HashOf(JsonObject personTraits, string kind) =>
        personTraits[kind + "_hash"] is JsonValue value && value.TryGetValue<string>(out var hash) && hash.Length > 0 ? hash : null;

    private static byte[] PersonData(string tenant, long personId, string kind) =>
        ContactSeal.Associated(tenant, personId.ToString(System.Globalization.CultureInfo.InvariantCulture), kind);

    private static RedisKey PersonKey(string tenant, long personId) => $"dispatch:vault:{{{tenant}}}:{personId}";

    private static RedisKey CapturedKey(string tenant, string kind, string hash) => $"dispatch:vault:{{{tenant}}}:{kind}:{hash}";
}

using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Streaming.Dispatch.Contacts;

/// <summary>
/// The raw contact points a send needs (phone, e-mail, push token, WeChat openid), kept per person
/// encrypted with AES-256-GCM under <see cref="DispatchOptions.VaultKey"/>. The tenant, person and
/// kind are the associated data, so a ciphertext moved to another person does not decrypt. Values are
/// never logged; only the dispatchers read them; a deletion request removes the person's entry.
/// Stored as nonce (12) | tag (16) | ciphertext.
/// </summary>
public sealed class ContactVault(IConnectionMultiplexer redis, IOptions<DispatchOptions> options)
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly byte[]? _key = options.Value.VaultKey is { } key ? Convert.FromBase64String(key) : null;

    public bool Enabled => _key is not null;

    public async Task PutAsync(string tenant, long personId, string kind, string address)
    {
        var plain = Encoding.UTF8.GetBytes(address);
        var sealedValue = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedValue.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(Key(), TagBytes))
            aes.Encrypt(nonce, plain, sealedValue.AsSpan(NonceBytes + TagBytes), sealedValue.AsSpan(NonceBytes, TagBytes), Associated(tenant, personId, kind));
        await redis.GetDatabase().HashSetAsync(RedisKeyOf(tenant, personId), kind, sealedValue);
    }

    /// <summary>The person's address of this kind, or null when there is none.</summary>
    public async Task<string?> GetAsync(string tenant, long personId, string kind)
    {
        var stored = await redis.GetDatabase().HashGetAsync(RedisKeyOf(tenant, personId), kind);
        if (stored.IsNull)
            return null;
        byte[] sealedValue = stored!;
        var plain = new byte[sealedValue.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(Key(), TagBytes);
        aes.Decrypt(sealedValue.AsSpan(0, NonceBytes), sealedValue.AsSpan(NonceBytes + TagBytes), sealedValue.AsSpan(NonceBytes, TagBytes), plain, Associated(tenant, personId, kind));
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>Removes every contact point of the person (a deletion request).</summary>
    public Task<bool> ForgetAsync(string tenant, long personId) => redis.GetDatabase().KeyDeleteAsync(RedisKeyOf(tenant, personId));

    /// <summary>The raw bytes as stored (for the test that shows nothing readable is kept).</summary>
    internal async Task<byte[]?> StoredAsync(string tenant, long personId, string kind) =>
        await redis.GetDatabase().HashGetAsync(RedisKeyOf(tenant, personId), kind) is { IsNull: false } value ? (byte[])value! : null;

    private byte[] Key() => _key ?? throw new InvalidOperationException("The contact vault has no key: set Dispatch:VaultKey (base64 of 32 bytes).");

    private static byte[] Associated(string tenant, long personId, string kind) =>
        Encoding.UTF8.GetBytes(FormattableString.Invariant($"{tenant}\u001f{personId}\u001f{kind}"));

    private static RedisKey RedisKeyOf(string tenant, long personId) => $"dispatch:vault:{{{tenant}}}:{personId}";
}

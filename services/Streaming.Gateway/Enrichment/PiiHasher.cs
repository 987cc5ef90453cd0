using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Streaming.Gateway.Ingestion;

namespace Streaming.Gateway.Enrichment;

/// <summary>
/// Replaces PII values by <c>HMAC-SHA256(tenantKey, normalized value)</c> in lower-case hex, where
/// tenantKey = HMAC-SHA256(Gateway:PiiSalt, tenant): equal values give equal hashes within a tenant
/// (so they still join people), differ across tenants, and cannot be reversed without the salt.
/// Normalisation: e-mail addresses are trimmed and lower-cased; phone numbers keep only digits and
/// a leading '+'; other values are trimmed.
/// </summary>
public sealed class PiiHasher
{
    private readonly byte[] _salt;
    private readonly ConcurrentDictionary<string, byte[]> _tenantKeys = new(StringComparer.Ordinal);

    public PiiHasher(IOptions<GatewayOptions> options)
    {
        _salt = Encoding.UTF8.GetBytes(options.Value.PiiSalt);
        Fields = [.. options.Value.PiiFields.Select(f => PiiField.TryParse(f, out var field) ? field : throw new ArgumentException($"Bad PII field '{f}'."))];
    }

    public IReadOnlyList<PiiField> Fields { get; }

    /// <summary>Hashes the configured fields of <paramref name="scope"/> found in <paramref name="target"/>; true when one was there.</summary>
    public bool HashFields(string tenant, JsonObjectDraft target, PiiScope scope)
    {
        var changed = false;
        foreach (var field in Fields)
        {
            if (field.Scope != scope || !target.TryGetOriginal(field.Name, out var value))
                continue;
            target.Remove(field.Name);
            changed = true;
            var text = value.ValueKind switch
            {
                JsonValueKind.String => JsonText.TryGetString(value, out var s) ? s : value.GetRawText(),
                JsonValueKind.Null => null,
                _ => value.GetRawText(),
            };
            var normalized = text is null ? "" : Normalize(field.Name, text);
            if (normalized.Length > 0)
                target.SetString(field.HashName, Hash(tenant, normalized));
        }
        return changed;
    }

    public string Hash(string tenant, string normalizedValue)
    {
        // One reusable HMAC per thread and tenant: the one-shot API sets up a new OpenSSL MAC context
        // on every call, which cost more than everything else the gateway does to an event.
        var macs = _macs ??= new Dictionary<(PiiHasher, string), IncrementalHash>();
        if (!macs.TryGetValue((this, tenant), out var mac))
        {
            var key = _tenantKeys.GetOrAdd(tenant, t => HMACSHA256.HashData(_salt, Encoding.UTF8.GetBytes(t)));
            if (macs.Count >= 1024)
                macs.Clear();
            macs[(this, tenant)] = mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        }
        var max = Encoding.UTF8.GetMaxByteCount(normalizedValue.Length);
        var bytes = max <= 512 ? stackalloc byte[max] : new byte[max];
        mac.AppendData(bytes[..Encoding.UTF8.GetBytes(normalizedValue, bytes)]);
        Span<byte> hash = stackalloc byte[32];
        mac.GetHashAndReset(hash);
        return Convert.ToHexStringLower(hash);
    }

    [ThreadStatic]
    private static Dictionary<(PiiHasher, string), IncrementalHash>? _macs;

    public static string Normalize(string fieldName, string value)
    {
        if (fieldName.Contains("email", StringComparison.OrdinalIgnoreCase))
            return value.Trim().ToLowerInvariant();
        if (fieldName.Contains("phone", StringComparison.OrdinalIgnoreCase) || fieldName.Contains("mobile", StringComparison.OrdinalIgnoreCase))
        {
            var builder = new StringBuilder(value.Length);
            foreach (var c in value.Trim())
            {
                if (char.IsAsciiDigit(c) || (c == '+' && builder.Length == 0))
                    builder.Append(c);
            }
            return builder.ToString();
        }
        return value.Trim();
    }
}

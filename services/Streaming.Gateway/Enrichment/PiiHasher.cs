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
        var key = _tenantKeys.GetOrAdd(tenant, t => HMACSHA256.HashData(_salt, Encoding.UTF8.GetBytes(t)));
        return Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(normalizedValue)));
    }

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

using System.Collections.Frozen;

namespace Streaming.Identity.Rules;

/// <summary>
/// Identifier values that are never an identity: SDK placeholders, serialisation accidents and
/// the hash of nothing. They must never link two events, so they are removed before stitching,
/// whatever the gateway did. Compared trimmed and case-insensitively.
/// </summary>
public static class Junk
{
    public const int MaxLength = 256;

    public static readonly FrozenSet<string> BuiltIn = new[]
    {
        "", "null", "undefined", "nil", "none", "nan", "0", "-1", "true", "false",
        "[object object]", "{}", "[]", "\"\"", "''", "n/a", "na",
        "anonymous", "anon", "guest", "unknown", "default", "test", "user", "id",
        "distinct_id", "distinctid", "not_authenticated", "email", "phone", "undefined_user",
        // all-zero device/advertising id (iOS with tracking limited, Android opt-out)
        "00000000-0000-0000-0000-000000000000",
        // SHA-256 and MD5 of the empty string: what hashing an empty phone or email gives
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "d41d8cd98f00b204e9800998ecf8427e",
    }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Why <paramref name="value"/> is junk, or null when it may identify someone.</summary>
    public static string? Reason(string value, IReadOnlySet<string> tenantBlocklist)
    {
        var trimmed = value.AsSpan().Trim();
        if (trimmed.Length == 0)
            return "empty";
        if (value.Length > MaxLength)
            return $"longer than {MaxLength} characters";
        foreach (var c in value)
        {
            if (char.IsControl(c))
                return "contains control characters";
        }
        var key = trimmed.Length == value.Length ? value : trimmed.ToString();
        if (BuiltIn.Contains(key))
            return "a known placeholder value";
        if (tenantBlocklist.Contains(key))
            return "on the tenant's blocklist";
        return null;
    }
}

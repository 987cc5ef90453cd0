using Streaming.Contracts.Identifiers;

namespace Streaming.Identity.Rules;

/// <summary>
/// Identifier values that are never an identity: the shared <see cref="Placeholders"/> (SDK
/// placeholders, serialisation accidents, the hash of nothing, invisible characters), values too
/// long to be an id, and the tenant's blocklist. They must never link two events, so they are
/// removed before stitching, whatever the gateway did.
/// </summary>
public static class Junk
{
    public const int MaxLength = 256;

    /// <summary>Why <paramref name="value"/> is junk, or null when it may identify someone.</summary>
    public static string? Reason(string value, IReadOnlySet<string> tenantBlocklist)
    {
        if (value.Length > MaxLength)
            return $"longer than {MaxLength} characters";
        if (Placeholders.Reason(value) is { } why)
            return why;
        var trimmed = value.AsSpan().Trim();
        var key = trimmed.Length == value.Length ? value : trimmed.ToString();
        if (tenantBlocklist.Contains(key))
            return "on the tenant's blocklist";
        return null;
    }
}

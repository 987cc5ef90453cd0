using System.Collections.Frozen;
using System.Globalization;

namespace Streaming.Contracts.Identifiers;

/// <summary>
/// Values that SDKs and careless code send where an identifier or a piece of PII belongs
/// ("undefined", "(null)", "-0.0", "test@test.com", a zero UUID...). Stitching on them would merge
/// strangers into one person. The one list and the one set of checks, used by the gateway (for ids
/// and for PII before it is hashed, when the value can still be seen) and by identity (for ids
/// and the types it reads from traits/context/properties).
/// </summary>
public static class Placeholders
{
    /// <summary>Compared after trimming, removing invisible characters, lower-casing and unwrapping quotes/brackets.</summary>
    public static readonly FrozenSet<string> BuiltIn = new[]
    {
        "null", "undefined", "nil", "none", "nan", "infinity", "-infinity", "true", "false",
        "[object object]", "object object", "{}", "[]", "n/a", "na", "-",
        "anonymous", "anon", "guest", "unknown", "default", "test", "user", "id", "userid", "user_id",
        "distinct_id", "distinctid", "not_authenticated", "email", "phone", "undefined_user", "no email", "noemail",
        // all-zero device/advertising id (iOS with tracking limited, Android opt-out)
        "00000000-0000-0000-0000-000000000000",
        // SHA-256 and MD5 of the empty string: what hashing an empty phone or email gives
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "d41d8cd98f00b204e9800998ecf8427e",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Domains of the addresses people type into forms to get past them.</summary>
    private static readonly FrozenSet<string> TestDomains = new[]
    {
        "test.com", "example.com", "example.org", "example.net", "email.com", "domain.com", "mail.com", "foo.com", "bar.com",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly FrozenSet<string> TestLocalParts = new[]
    {
        "test", "testing", "tester", "a", "aa", "aaa", "abc", "asdf", "qwerty", "foo", "bar", "xxx", "x", "none", "null",
        "noreply", "no-reply", "donotreply", "email", "mail", "user", "example", "fake", "nobody",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Top-level domains that can never hold a mailbox (RFC 2606, RFC 6761).</summary>
    private static readonly string[] ReservedTopLevel = ["test", "example", "invalid", "localhost"];

    /// <summary>Why <paramref name="value"/> can identify nobody, or null when it may identify someone.</summary>
    public static string? Reason(string value)
    {
        foreach (var c in value)
        {
            if (IsInvisible(c))
                return "contains invisible or control characters";
        }
        var core = Unwrap(value.AsSpan().Trim());
        if (core.Length == 0)
            return "empty";
        var key = core.ToString().ToLowerInvariant();
        if (BuiltIn.Contains(key))
            return "a known placeholder value";
        // -0.0, 0e0, 000, -1, 0x0: numbers that are what a missing id serialises to
        if (double.TryParse(key, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && (number is 0 or -1 || !double.IsFinite(number)))
            return "a zero or -1 number";
        if (key.AsSpan().IndexOfAnyExcept('0', '-') < 0)
            return "only zeros and dashes";
        return null;
    }

    /// <summary>Why a (lower-cased, trimmed) e-mail address identifies nobody: the checks of <see cref="Reason"/> plus test addresses.</summary>
    public static string? EmailReason(string normalized)
    {
        if (Reason(normalized) is { } why)
            return why;
        var at = normalized.LastIndexOf('@');
        if (at < 0)
            return null;
        var local = normalized[..at];
        var domain = normalized[(at + 1)..];
        if (local.Length == 0 || domain.Length == 0)
            return "an incomplete address";
        var topLevel = domain[(domain.LastIndexOf('.') + 1)..];
        if (ReservedTopLevel.Contains(topLevel))
            return "a test address (reserved domain)";
        // test@test.com, user@example.com, abc@abc.com: both halves are what people type to get past a form
        if (TestLocalParts.Contains(local) && (TestDomains.Contains(domain) || domain.StartsWith(local + ".", StringComparison.Ordinal)))
            return "a test address";
        return null;
    }

    /// <summary>Why a phone number reduced to its digits (and a leading '+') identifies nobody.</summary>
    public static string? PhoneReason(string normalized)
    {
        var digits = normalized.AsSpan().TrimStart('+');
        if (digits.Length == 0)
            return "no digits";
        if (digits.Length < MinPhoneDigits)
            return $"fewer than {MinPhoneDigits} digits";
        if (digits.IndexOfAnyExcept(digits[0]) < 0)
            return "one digit repeated";
        if ("12345678901234567890".AsSpan().StartsWith(digits) || "0123456789".AsSpan().StartsWith(digits))
            return "a counting sequence";
        return null;
    }

    /// <summary>The fewest digits a phone number has (shorter values are extensions, codes or placeholders).</summary>
    public const int MinPhoneDigits = 5;

    /// <summary>Control characters, zero-width and other format characters (U+200B, U+FEFF, U+2060...): never part of a real id.</summary>
    public static bool IsInvisible(char c) =>
        char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format;

    // "(null)", "<undefined>", "'null'", "\"\"", "[none]": the same placeholders wrapped by a formatter
    private static ReadOnlySpan<char> Unwrap(ReadOnlySpan<char> value)
    {
        while (value.Length >= 2 && IsPair(value[0], value[^1]))
            value = value[1..^1].Trim();
        return value;
    }

    private static bool IsPair(char open, char close) => (open, close) is ('(', ')') or ('<', '>') or ('[', ']') or ('{', '}') or ('"', '"') or ('\'', '\'') or ('`', '`');
}

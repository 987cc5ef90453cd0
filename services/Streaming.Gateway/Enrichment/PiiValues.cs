using System.Text;
using System.Text.RegularExpressions;

namespace Streaming.Gateway.Enrichment;

/// <summary>
/// What a PII value looks like and how it is normalised before hashing, so equal values written
/// differently give one hash: e-mail addresses trimmed and lower-cased; phone numbers reduced to
/// their digits and a leading '+'; anything else trimmed.
/// </summary>
public static partial class PiiValues
{
    /// <summary>A whole value that is one e-mail address (no spaces, no scheme or path: URLs with credentials do not match).</summary>
    public static bool LooksLikeEmail(string value) => value.Length <= 320 && Email().IsMatch(value);

    /// <summary>A whole value made of 7 to 15 digits (E.164's maximum) with the usual separators and an optional leading '+'.</summary>
    public static bool LooksLikePhone(string value)
    {
        if (value.Length > 32 || !Phone().IsMatch(value))
            return false;
        var digits = 0;
        foreach (var c in value)
        {
            if (char.IsAsciiDigit(c))
                digits++;
        }
        return digits is >= 7 and <= 15;
    }

    public static string Normalize(PiiKind kind, string value)
    {
        switch (kind)
        {
            case PiiKind.Email:
                return value.Trim().ToLowerInvariant();
            case PiiKind.Phone:
                var builder = new StringBuilder(value.Length);
                foreach (var c in value.Trim())
                {
                    if (char.IsAsciiDigit(c) || (c == '+' && builder.Length == 0))
                        builder.Append(c);
                }
                return builder.ToString();
            default:
                return value.Trim();
        }
    }

    [GeneratedRegex(@"^\s*[^\s@:/<>()\[\],;""]+@[^\s@:/<>()\[\],;""]+\.[^\s@:/<>()\[\],;"".]+\s*$")]
    private static partial Regex Email();

    [GeneratedRegex(@"^\s*\+?[0-9][0-9 ().\-]{5,30}\s*$")]
    private static partial Regex Phone();
}

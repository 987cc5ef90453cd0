using System.Buffers;
using System.Collections.Frozen;

namespace Streaming.Gateway.Enrichment;

public enum PiiKind { None, Email, Phone, FreeText }

/// <summary>
/// Which member names hold PII, whatever their spelling: a name is compared with its letters and
/// digits only, lower-cased (<c>Email</c>, <c>E-Mail</c>, <c>e_mail</c>, <c>emailAddress</c> all read
/// <c>email</c>/<c>emailaddress</c>). E-mail: <c>email</c>, <c>mail</c>, and names ending in
/// <c>email</c>/<c>emailaddress</c> (<c>workEmail</c>, <c>billing_email</c>). Phone: <c>phone</c>,
/// <c>mobile</c>, <c>tel</c>, <c>telephone</c>, <c>cell</c>, <c>msisdn</c>..., and names ending in
/// <c>phone</c>, <c>phonenumber</c>, <c>mobile</c>, <c>mobilenumber</c>, <c>telephone</c>. Free text
/// (<c>name</c>, <c>username</c>, <c>login</c>, <c>contact</c>...) is hashed only when its value looks
/// like an e-mail address or a phone number.
/// </summary>
public static class PiiNames
{
    /// <summary>Longer names are not compared (no PII name is that long; it bounds the work per name).</summary>
    public const int MaxNameLength = 64;

    private static readonly FrozenSet<string> EmailNames = new[]
    {
        "email", "mail", "emailaddress", "emailaddr", "mailaddress", "emailid",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly string[] EmailSuffixes = ["email", "emailaddress"];

    private static readonly FrozenSet<string> PhoneNames = new[]
    {
        "phone", "phonenumber", "phoneno", "phonenum", "mobile", "mobilenumber", "mobileno", "mobilephone",
        "cell", "cellphone", "cellnumber", "tel", "telno", "telephone", "telephonenumber", "msisdn",
    }.ToFrozenSet(StringComparer.Ordinal);

    private static readonly string[] PhoneSuffixes = ["phone", "phonenumber", "phoneno", "mobile", "mobilenumber", "telephone"];

    private static readonly FrozenSet<string> FreeTextNames = new[]
    {
        "name", "fullname", "firstname", "lastname", "givenname", "familyname", "surname", "displayname",
        "username", "nickname", "login", "contact", "account",
    }.ToFrozenSet(StringComparer.Ordinal);

    // Bytes that announce a PII name or an e-mail value inside a nested object, so objects without
    // any are not walked (most of context: device, os, app, library, screen).
    private static readonly SearchValues<string> Hints = SearchValues.Create(
        ["mail", "phone", "mobile", "tel", "cell", "msisdn", "@"], StringComparison.OrdinalIgnoreCase);

    public static PiiKind Classify(string name)
    {
        Span<char> buffer = stackalloc char[MaxNameLength];
        var key = Normalize(name, buffer);
        if (key.IsEmpty)
            return PiiKind.None;
        if (EmailNames.GetAlternateLookup<ReadOnlySpan<char>>().Contains(key) || EndsWithAny(key, EmailSuffixes))
            return PiiKind.Email;
        if (PhoneNames.GetAlternateLookup<ReadOnlySpan<char>>().Contains(key) || EndsWithAny(key, PhoneSuffixes))
            return PiiKind.Phone;
        if (FreeTextNames.GetAlternateLookup<ReadOnlySpan<char>>().Contains(key))
            return PiiKind.FreeText;
        return PiiKind.None;
    }

    /// <summary>True when two names are the same name for PII purposes (<c>E-Mail</c> and <c>email</c>).</summary>
    public static bool SameName(string a, string b)
    {
        Span<char> x = stackalloc char[MaxNameLength];
        Span<char> y = stackalloc char[MaxNameLength];
        var left = Normalize(a, x);
        return !left.IsEmpty && left.SequenceEqual(Normalize(b, y));
    }

    /// <summary>True when the normalised name is exactly <paramref name="canonical"/> (e.g. <c>E_MAIL</c> is <c>email</c>).</summary>
    public static bool Is(string name, string canonical)
    {
        Span<char> buffer = stackalloc char[MaxNameLength];
        return Normalize(name, buffer).SequenceEqual(canonical);
    }

    /// <summary>Whether a nested object's JSON text may hold PII (a PII-like name or an '@'); false means it is not walked.</summary>
    public static bool MayHold(ReadOnlySpan<byte> utf8Json)
    {
        if (utf8Json.Length <= 512)
        {
            Span<char> chars = stackalloc char[utf8Json.Length];
            var count = System.Text.Encoding.UTF8.GetChars(utf8Json, chars);
            return chars[..count].ContainsAny(Hints);
        }
        var rented = ArrayPool<char>.Shared.Rent(utf8Json.Length);
        try
        {
            var count = System.Text.Encoding.UTF8.GetChars(utf8Json, rented);
            return rented.AsSpan(0, count).ContainsAny(Hints);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    private static ReadOnlySpan<char> Normalize(string name, Span<char> buffer)
    {
        if (name.Length > MaxNameLength)
            return [];
        var length = 0;
        foreach (var c in name)
        {
            if (char.IsAsciiLetterOrDigit(c))
                buffer[length++] = char.ToLowerInvariant(c);
        }
        return buffer[..length];
    }

    private static bool EndsWithAny(ReadOnlySpan<char> key, string[] suffixes)
    {
        foreach (var suffix in suffixes)
        {
            if (key.EndsWith(suffix, StringComparison.Ordinal))
                return true;
        }
        return false;
    }
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Streaming.Profiles.Api;

/// <summary>
/// What an analyst key sees of a profile: behaviour, metrics and tags as they are; identifier values and
/// traits that identify a person (by name, whatever its spelling, or by a value that looks like an e-mail
/// address or a phone number) replaced by <see cref="Masked"/>. Trait names stay, so analysts see which exist.
/// </summary>
public static partial class AnalystProfileMask
{
    public const string Masked = "***";

    private static readonly HashSet<string> PersonalNames =
    [
        "email", "emailaddress", "mail", "phone", "phonenumber", "mobile", "mobilephone", "mobilenumber", "tel", "telephone", "cell",
        "name", "firstname", "lastname", "fullname", "username", "nickname", "address", "street", "postcode", "postalcode", "zip", "zipcode",
        "birthday", "birthdate", "dateofbirth", "dob", "ip", "ipaddress", "idcard", "idnumber", "passport", "ssn", "wechat", "openid", "unionid",
    ];

    public static ProfileView Mask(ProfileView view) => view with
    {
        Identifiers = [.. view.Identifiers.Select(i => i.IndexOf(':', StringComparison.Ordinal) is var colon and > 0 ? i[..(colon + 1)] + Masked : Masked)],
        Traits = MaskTraits(view.Traits),
    };

    private static JsonObject MaskTraits(JsonObject traits)
    {
        var masked = new JsonObject();
        foreach (var (name, value) in traits)
            masked[name] = IsPersonal(name, value) ? Masked : value?.DeepClone();
        return masked;
    }

    private static bool IsPersonal(string name, JsonNode? value)
    {
        // The gateway keeps PII as "<name>_hash": a hash still links one person across data sets.
        var normalised = Normalise(name);
        if (PersonalNames.Contains(normalised) || (normalised.Length > 4 && normalised.EndsWith("hash", StringComparison.Ordinal)))
            return true;
        return value is JsonValue scalar && scalar.TryGetValue<string>(out var text) && (EmailLike().IsMatch(text) || PhoneLike().IsMatch(text));
    }

    /// <summary>Lower case without separators: <c>Phone_Number</c>, <c>phone-number</c> and <c>phoneNumber</c> are one name.</summary>
    private static string Normalise(string name) =>
        string.Concat(name.Where(char.IsLetterOrDigit)).ToLowerInvariant();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailLike();

    [GeneratedRegex(@"^\+?[\d\s().-]{7,20}$")]
    private static partial Regex PhoneLike();
}

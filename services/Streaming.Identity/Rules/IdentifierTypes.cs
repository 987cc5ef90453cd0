namespace Streaming.Identity.Rules;

/// <summary>Names of the built-in identifier types. Extra types come from the rules' identifier sources.</summary>
public static class IdentifierTypes
{
    /// <summary>Device or cookie id the SDK generates before anyone logs in.</summary>
    public const string AnonymousId = "anonymousId";

    /// <summary>The tenant's member id.</summary>
    public const string UserId = "userId";

    public const string PhoneHash = "phone_hash";
    public const string EmailHash = "email_hash";

    /// <summary>
    /// An alias's previousId: a userId when a userId with that value is known, an anonymousId otherwise
    /// (Segment: "the id you referred to the user by before"). Resolved inside the graph script.
    /// </summary>
    internal const string PreviousId = "?previous";

    /// <summary>
    /// The person a platform event is already about (<c>streaming-person</c> header, e.g. a tracked link's
    /// click): resolved in the graph script to that person or whom it was merged into; never linked, never listed.
    /// </summary>
    internal const string KnownPerson = "?person";
}

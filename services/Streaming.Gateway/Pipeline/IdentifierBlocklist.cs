using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using Streaming.Contracts.Identifiers;
using Streaming.Contracts.Records;

namespace Streaming.Gateway.Pipeline;

/// <summary>
/// Placeholder values SDKs and careless code send as identifiers ("anonymous", "(null)", "-0.0",
/// "[object Object]", a zero UUID, "undefined" with a zero-width space...): the shared
/// <see cref="Placeholders"/> plus <c>Gateway:JunkIdentifiers</c>. Stitching on them would merge
/// strangers into one person.
/// </summary>
public sealed class IdentifierBlocklist
{
    public static readonly ValidationError MissingIdentifierError = new(ValidationCodes.MissingIdentifier, "userId",
        "No usable identifier: set \"userId\" (your id for a known user) or \"anonymousId\" (a stable device or browser id); placeholder values like \"anonymous\" or \"null\" do not count.");

    private readonly FrozenSet<string> _junk;

    public IdentifierBlocklist(IOptions<GatewayOptions> options) =>
        _junk = options.Value.JunkIdentifiers.Select(v => v.Trim()).ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public bool IsJunk(string value) => Reason(value) is not null;

    /// <summary>Why <paramref name="value"/> identifies nobody, or null.</summary>
    public string? Reason(string value)
    {
        if (Placeholders.Reason(value) is { } why)
            return why;
        return _junk.GetAlternateLookup<ReadOnlySpan<char>>().Contains(value.AsSpan().Trim()) ? "on Gateway:JunkIdentifiers" : null;
    }

    public bool IsUsable(string? value) => value is not null && !IsJunk(value);

    public bool HasUsableIdentifier(EventDraft draft) => IsUsable(draft.UserId) || IsUsable(draft.AnonymousId);
}

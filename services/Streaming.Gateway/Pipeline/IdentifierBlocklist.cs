using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using Streaming.Contracts.Records;

namespace Streaming.Gateway.Pipeline;

/// <summary>
/// Placeholder values SDKs and careless code send as identifiers ("anonymous", "null",
/// "[object Object]", a zero UUID...). Stitching on them would merge strangers into one person.
/// </summary>
public sealed class IdentifierBlocklist
{
    public static readonly ValidationError MissingIdentifierError = new(ValidationCodes.MissingIdentifier, "userId",
        "No usable identifier: set \"userId\" (your id for a known user) or \"anonymousId\" (a stable device or browser id); placeholder values like \"anonymous\" or \"null\" do not count.");

    private readonly FrozenSet<string> _junk;

    public IdentifierBlocklist(IOptions<GatewayOptions> options) =>
        _junk = options.Value.JunkIdentifiers.Select(v => v.Trim()).ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    public bool IsJunk(string value)
    {
        var trimmed = value.AsSpan().Trim();
        if (trimmed.IsEmpty || trimmed.IndexOfAnyExcept('0', '-') < 0)
            return true;
        return _junk.GetAlternateLookup<ReadOnlySpan<char>>().Contains(trimmed);
    }

    public bool IsUsable(string? value) => value is not null && !IsJunk(value);

    public bool HasUsableIdentifier(EventDraft draft) => IsUsable(draft.UserId) || IsUsable(draft.AnonymousId);
}

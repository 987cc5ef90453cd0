namespace Streaming.Identity.Rules;

/// <summary>
/// Where an extra identifier type is read from: dotted paths into the event's JSON fields, e.g.
/// <c>traits.phone_hash</c>, <c>context.traits.phone_hash</c>, <c>context.device.advertisingId</c>.
/// The first path that holds a string or number wins.
/// </summary>
public sealed record IdentifierSource(string Type, IReadOnlyList<string> Paths);

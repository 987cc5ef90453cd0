namespace Streaming.Conditions.Model;

/// <summary>Where a path points: inside a JSON object of the event, or at a computed attribute.</summary>
public enum FieldRoot
{
    Properties,
    Context,
    Traits,
    /// <summary>A computed attribute: <c>$name</c>, <c>$type</c>, <c>$source</c>, <c>$channel</c>, <c>$day</c>, <c>$hour</c>, <c>$userId</c>, <c>$anonymousId</c>.</summary>
    Attribute,
}

/// <summary>
/// A value of an event. Text form: <c>properties.a.b</c>, <c>context.a.b</c>, <c>traits.a</c>,
/// an attribute <c>$channel</c>, or a bare <c>a.b</c> meaning <c>properties.a.b</c>.
/// </summary>
public sealed record FieldPath(FieldRoot Root, IReadOnlyList<string> Segments)
{
    public const string Name = "$name";
    public const string Type = "$type";
    public const string Source = "$source";
    public const string Channel = "$channel";
    public const string Day = "$day";
    public const string Hour = "$hour";
    /// <summary>The event's userId / anonymousId (missing when the event has none): who the person was known as.</summary>
    public const string UserId = "$userId";
    public const string AnonymousId = "$anonymousId";

    public static readonly IReadOnlyList<string> Attributes = [Name, Type, Source, Channel, Day, Hour, UserId, AnonymousId];

    public static FieldPath Property(params string[] segments) => new(FieldRoot.Properties, segments);

    public static FieldPath Attribute(string name) => new(FieldRoot.Attribute, [name]);

    /// <summary>The attribute name (with <c>$</c>) when <see cref="Root"/> is an attribute.</summary>
    public string? AttributeName => Root == FieldRoot.Attribute ? Segments[0] : null;

    /// <summary>Canonical text: always with its root (<c>properties.revenue</c>, <c>$day</c>).</summary>
    public override string ToString() => Root switch
    {
        FieldRoot.Attribute => Segments[0],
        _ => $"{Root.ToString().ToLowerInvariant()}.{string.Join('.', Segments)}",
    };

    public bool Equals(FieldPath? other) => other is not null && Root == other.Root && Segments.SequenceEqual(other.Segments, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Root, ToString());
}

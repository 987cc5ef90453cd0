using Avro;
using Streaming.Contracts.Avro;

namespace Streaming.Embedded.SchemaRegistry;

/// <summary>The registry's compatibility levels: which earlier versions a new schema is checked against, and in which direction.</summary>
public enum CompatibilityLevel
{
    None,
    Backward,
    BackwardTransitive,
    Forward,
    ForwardTransitive,
    Full,
    FullTransitive,
}

/// <summary>Names on the wire (<c>BACKWARD_TRANSITIVE</c>) and the check each level makes.</summary>
public static class CompatibilityLevels
{
    public static string ToWire(this CompatibilityLevel level) => level switch
    {
        CompatibilityLevel.None => "NONE",
        CompatibilityLevel.Backward => "BACKWARD",
        CompatibilityLevel.BackwardTransitive => "BACKWARD_TRANSITIVE",
        CompatibilityLevel.Forward => "FORWARD",
        CompatibilityLevel.ForwardTransitive => "FORWARD_TRANSITIVE",
        CompatibilityLevel.Full => "FULL",
        CompatibilityLevel.FullTransitive => "FULL_TRANSITIVE",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, null),
    };

    /// <summary>Parses a level as clients send it (any case); null when it is none of them.</summary>
    public static CompatibilityLevel? FromWire(string? name) => name?.Trim().ToUpperInvariant() switch
    {
        "NONE" => CompatibilityLevel.None,
        "BACKWARD" => CompatibilityLevel.Backward,
        "BACKWARD_TRANSITIVE" => CompatibilityLevel.BackwardTransitive,
        "FORWARD" => CompatibilityLevel.Forward,
        "FORWARD_TRANSITIVE" => CompatibilityLevel.ForwardTransitive,
        "FULL" => CompatibilityLevel.Full,
        "FULL_TRANSITIVE" => CompatibilityLevel.FullTransitive,
        _ => null,
    };

    /// <summary>Whether the level checks every earlier version, not only the latest.</summary>
    public static bool IsTransitive(this CompatibilityLevel level) =>
        level is CompatibilityLevel.BackwardTransitive or CompatibilityLevel.ForwardTransitive or CompatibilityLevel.FullTransitive;

    /// <summary>
    /// Why <paramref name="candidate"/> may not follow <paramref name="earlier"/> (oldest first) at this level; empty when it may.
    /// Backward: the candidate reads data written with an earlier schema (consumers upgrade first). Forward: an earlier
    /// schema reads the candidate's data (producers upgrade first). Full: both.
    /// </summary>
    public static IReadOnlyList<string> Problems(this CompatibilityLevel level, Schema candidate, IReadOnlyList<(int Version, Schema Schema)> earlier)
    {
        if (level == CompatibilityLevel.None || earlier.Count == 0)
            return [];
        var checkedVersions = level.IsTransitive() ? earlier : [earlier[^1]];
        var backward = level is CompatibilityLevel.Backward or CompatibilityLevel.BackwardTransitive or CompatibilityLevel.Full or CompatibilityLevel.FullTransitive;
        var forward = level is CompatibilityLevel.Forward or CompatibilityLevel.ForwardTransitive or CompatibilityLevel.Full or CompatibilityLevel.FullTransitive;
        var problems = new List<string>();
        foreach (var (version, schema) in checkedVersions)
        {
            if (backward)
                problems.AddRange(AvroCompatibility.Problems(writer: schema, reader: candidate).Select(p => $"reading version {version}'s data: {p}"));
            if (forward)
                problems.AddRange(AvroCompatibility.Problems(writer: candidate, reader: schema).Select(p => $"version {version} reading the new schema's data: {p}"));
        }
        return problems;
    }
}

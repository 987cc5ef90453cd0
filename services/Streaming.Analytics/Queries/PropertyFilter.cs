namespace Streaming.Analytics.Queries;

/// <summary>A condition on one property of an event: <c>{"property":"category","op":"eq","value":"beauty"}</c>.</summary>
public sealed record PropertyFilter(string Property, string Op, string Value)
{
    public static readonly IReadOnlyList<string> Ops = ["eq", "neq", "gt", "gte", "lt", "lte", "contains"];

    public string? Problem(string field) =>
        string.IsNullOrWhiteSpace(Property) ? $"{field}.property is required (a key of the event's properties)."
        : RequestLimits.Name(Property, $"{field}.property") is { } tooLong ? tooLong
        : !Ops.Contains(Op) ? $"{field}.op '{Op}' is unknown: use one of {string.Join(", ", Ops)}."
        : Value is null ? $"{field}.value is required (the text or number compared with)."
        : RequestLimits.Value(Value, $"{field}.value") is { } tooLongValue ? tooLongValue
        : Op is "gt" or "gte" or "lt" or "lte" && !double.TryParse(Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _)
            ? $"{field}.value must be a number for op '{Op}'."
            : null;

    /// <summary>SQL over a <c>properties</c> column; values are parameters.</summary>
    internal string Sql(SqlParameters p, string properties = "properties")
    {
        var key = p.String(Property);
        return Op switch
        {
            "eq" => $"JSONExtractString({properties}, {key}) = {p.String(Value)}",
            "neq" => $"JSONExtractString({properties}, {key}) != {p.String(Value)}",
            "contains" => $"positionCaseInsensitiveUTF8(JSONExtractString({properties}, {key}), {p.String(Value)}) > 0",
            _ => $"JSONExtractFloat({properties}, {key}) {Op switch { "gt" => ">", "gte" => ">=", "lt" => "<", _ => "<=" }} {p.Float64(double.Parse(Value, System.Globalization.CultureInfo.InvariantCulture))}",
        };
    }
}

using System.Globalization;
using System.Text.Json;
using Streaming.Conditions.Model;

namespace Streaming.Conditions.Parsing;

/// <summary>
/// Reads condition documents (JSON, or YAML through <see cref="YamlDocuments"/>) into the model,
/// collecting every error with the path of the wrong part and what would be right. Never throws
/// for a bad document.
/// </summary>
public sealed class ConditionParser
{
    private const int MaxDepth = 24;
    private const int MaxNodes = 400;

    /// <summary>A compared text value (every value becomes a query parameter or a cached literal).</summary>
    public const int MaxTextLength = 1_000;

    /// <summary>An event or trait name.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Values of one 'in'/'notIn' list, and names of one event filter.</summary>
    public const int MaxListLength = 200;

    private static readonly string[] TagKeys = ["name", "description", "category", "timeZone", "condition"];
    private static readonly string[] DocumentKeys = ["timeZone", "condition"];
    private static readonly string[] MetricConditionKeys = ["metric", "op", "value"];
    private static readonly string[] TraitConditionKeys = ["trait", "op", "value"];
    private static readonly string[] TagMemberKeys = ["tag"];
    private static readonly string[] EventMetricKeys = ["fn", "event", "property", "window", "hours"];
    private static readonly string[] ScoreMetricKeys = ["fn", "of", "thresholds", "order"];
    private static readonly string[] FilterKeys = ["name", "type", "where"];
    private static readonly string[] PredicateKeys = ["path", "op", "value"];
    private static readonly string[] EventTypes = ["track", "identify", "page", "screen", "group", "alias"];

    private static readonly Dictionary<string, MetricFunction> Functions = new(StringComparer.Ordinal)
    {
        ["count"] = MetricFunction.Count,
        ["sum"] = MetricFunction.Sum,
        ["avg"] = MetricFunction.Avg,
        ["min"] = MetricFunction.Min,
        ["max"] = MetricFunction.Max,
        ["distinct"] = MetricFunction.Distinct,
        ["first"] = MetricFunction.First,
        ["last"] = MetricFunction.Last,
        ["shareOfHours"] = MetricFunction.ShareOfHours,
        ["share-of-hours"] = MetricFunction.ShareOfHours,
        ["daysSince"] = MetricFunction.DaysSince,
        ["days-since"] = MetricFunction.DaysSince,
        ["hoursSince"] = MetricFunction.HoursSince,
        ["hours-since"] = MetricFunction.HoursSince,
    };

    private readonly List<ConditionError> _errors = [];
    private readonly bool _tagMembers;
    private int _nodes;

    private ConditionParser(bool tagMembers)
    {
        _tagMembers = tagMembers;
    }

    /// <summary>A tag definition: <c>{ name, description?, category?, timeZone?, condition }</c>.</summary>
    public static ParseResult<TagDefinition> ParseTagDefinition(string json) =>
        WithJson(json, (parser, root) => parser.TagDefinition(root), tagMembers: false);

    public static ParseResult<TagDefinition> ParseTagDefinition(JsonElement root) =>
        Run(parser => parser.Unicode(root, "$") ? parser.TagDefinition(root) : null, tagMembers: false);

    /// <summary>A condition with its settings: <c>{ timeZone?, condition }</c> (journeys, audiences).</summary>
    public static ParseResult<ConditionDocument> ParseDocument(string json) =>
        WithJson(json, (parser, root) => parser.Document(root, "", DocumentKeys));

    public static ParseResult<ConditionDocument> ParseDocument(JsonElement root) =>
        Run(parser => parser.Unicode(root, "$") ? parser.Document(root, "", DocumentKeys) : null);

    /// <summary>A bare condition node (the value of a <c>condition</c> key); <paramref name="path"/> prefixes error paths.</summary>
    public static ParseResult<Condition> ParseCondition(JsonElement node, string path = "condition") =>
        Run(parser => parser.Unicode(node, path) ? parser.Condition(node, path, 0) : null);

    /// <summary>An event filter <c>{"name"?, "type"?, "where"?}</c> (journey triggers, waits and goals); <paramref name="path"/> prefixes error paths.</summary>
    public static ParseResult<EventFilter> ParseEventFilter(JsonElement node, string path) =>
        Run(parser => parser.Unicode(node, path) ? parser.Filter(node, path) : null);

    /// <summary>One event predicate <c>{"path": .., "op": .., "value": ..}</c> (an event filter's <c>where</c> item); <paramref name="path"/> prefixes error paths.</summary>
    public static ParseResult<PropertyPredicate> ParsePredicate(JsonElement node, string path) =>
        Run(parser => parser.Unicode(node, path) ? parser.Predicate(node, path) : null);

    private static ParseResult<T> WithJson<T>(string json, Func<ConditionParser, JsonElement, T?> parse, bool tagMembers = true) where T : class
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            return new ParseResult<T>(null, [new ConditionError("$", $"not valid JSON: {ex.Message}")]);
        }
        using (document)
            return Run(parser => parser.Unicode(document.RootElement, "$") ? parse(parser, document.RootElement) : null, tagMembers);
    }

    /// <summary>Every text of the document that is no .NET string becomes an error with its path; false when there is one (<see cref="JsonTexts"/>).</summary>
    private bool Unicode(JsonElement node, string path)
    {
        var ok = true;
        foreach (var (at, key) in JsonTexts.Unreadable(node, path))
        {
            Error(at, key
                ? "has a key that is not valid Unicode (a lone surrogate escape such as \\ud800)"
                : "is not valid Unicode (a lone surrogate escape such as \\ud800); send the text as UTF-8");
            ok = false;
        }
        return ok;
    }

    private static ParseResult<T> Run<T>(Func<ConditionParser, T?> parse, bool tagMembers = true) where T : class
    {
        var parser = new ConditionParser(tagMembers);
        var value = parse(parser);
        return parser._errors.Count == 0 && value is not null
            ? new ParseResult<T>(value, [])
            : new ParseResult<T>(null, parser._errors.Count > 0 ? parser._errors : [new ConditionError("$", "empty document")]);
    }

    private TagDefinition? TagDefinition(JsonElement root)
    {
        if (!ExpectObject(root, "$", TagKeys))
            return null;
        var name = OptionalString(root, "name", "name", required: true, maxLength: 200);
        var description = OptionalString(root, "description", "description", required: false, maxLength: 2000);
        var category = OptionalString(root, "category", "category", required: false, maxLength: 100);
        var document = Document(root, "", null);
        return name is null || document is null ? null : new TagDefinition(name, description, category, document);
    }

    private ConditionDocument? Document(JsonElement root, string path, string[]? keys)
    {
        if (keys is not null && !ExpectObject(root, path.Length == 0 ? "$" : path, keys))
            return null;
        var timeZone = TimeZoneInfo.Utc;
        if (root.TryGetProperty("timeZone", out var tz))
        {
            var tzPath = Join(path, "timeZone");
            if (tz.ValueKind != JsonValueKind.String)
                Error(tzPath, "must be an IANA time zone name such as \"Asia/Shanghai\" or \"UTC\"");
            else if (!TryFindTimeZone(tz.GetString()!, out timeZone))
                Error(tzPath, $"unknown time zone '{tz.GetString()}'; use an IANA name such as \"Europe/London\" or \"UTC\"");
        }
        var conditionPath = Join(path, "condition");
        if (!root.TryGetProperty("condition", out var node))
        {
            Error(conditionPath, "is required: the condition that must hold, e.g. {\"metric\": {\"fn\": \"count\", \"event\": {\"name\": \"Order Completed\"}, \"window\": \"30d\"}, \"op\": \"gte\", \"value\": 2}");
            return null;
        }
        var condition = Condition(node, conditionPath, 0);
        return condition is null ? null : new ConditionDocument(condition, timeZone);
    }

    public static bool TryFindTimeZone(string id, out TimeZoneInfo timeZone)
    {
        timeZone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(id))
            return false;
        if (id is "UTC" or "Etc/UTC")
            return true;
        try
        {
            timeZone = TimeZoneInfo.FindSystemTimeZoneById(id);
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    private Condition? Condition(JsonElement node, string path, int depth)
    {
        if (++_nodes > MaxNodes)
        {
            Error(path, $"the condition has more than {MaxNodes} nodes; split it into several tags");
            return null;
        }
        if (TooDeep(depth, path))
            return null;
        if (node.ValueKind != JsonValueKind.Object)
        {
            Error(path, "must be an object: {\"all\": [..]}, {\"any\": [..]}, {\"not\": {..}}, {\"metric\": {..}, \"op\": .., \"value\": ..}, {\"trait\": \"..\", \"op\": .., \"value\": ..} or {\"tag\": \"..\"}");
            return null;
        }
        if (node.TryGetProperty("all", out var all))
            return Only(node, path, "all") ? Children(all, Join(path, "all"), depth, list => new AllCondition(list)) : null;
        if (node.TryGetProperty("any", out var any))
            return Only(node, path, "any") ? Children(any, Join(path, "any"), depth, list => new AnyCondition(list)) : null;
        if (node.TryGetProperty("not", out var not))
        {
            if (!Only(node, path, "not"))
                return null;
            var inner = Condition(not, Join(path, "not"), depth + 1);
            return inner is null ? null : new NotCondition(inner);
        }
        if (node.TryGetProperty("metric", out _))
            return MetricCondition(node, path, depth);
        if (node.TryGetProperty("trait", out _))
            return TraitCondition(node, path);
        if (node.TryGetProperty("tag", out _))
            return TagMemberCondition(node, path);
        var keys = string.Join(", ", node.EnumerateObject().Select(p => $"'{p.Name}'"));
        Error(path, $"has none of the keys all, any, not, metric, trait, tag (found {(keys.Length == 0 ? "nothing" : keys)})");
        return null;
    }

    private bool Only(JsonElement node, string path, string key)
    {
        var extra = node.EnumerateObject().Where(p => p.Name != key).Select(p => p.Name).ToList();
        if (extra.Count == 0)
            return true;
        Error(path, $"a '{key}' node has no other keys; remove {string.Join(", ", extra.Select(e => $"'{e}'"))} (wrap several conditions in \"all\" or \"any\")");
        return false;
    }

    private Condition? Children(JsonElement array, string path, int depth, Func<IReadOnlyList<Condition>, Condition> build)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            Error(path, "must be a list of conditions");
            return null;
        }
        var children = new List<Condition>();
        var ok = true;
        var i = 0;
        foreach (var child in array.EnumerateArray())
        {
            var parsed = Condition(child, $"{path}[{i++}]", depth + 1);
            if (parsed is null)
                ok = false;
            else
                children.Add(parsed);
        }
        return ok ? build(children) : null;
    }

    private MetricCondition? MetricCondition(JsonElement node, string path, int depth)
    {
        if (!ExpectObject(node, path, MetricConditionKeys))
            return null;
        var metric = Metric(node.GetProperty("metric"), Join(path, "metric"), depth + 1);
        var op = Operator(node, path);
        if (metric is null || op is null)
            return null;
        var operands = Operands(node, path, op.Value, metric, depth);
        return operands is null ? null : new MetricCondition(metric, op.Value, operands);
    }

    private TraitCondition? TraitCondition(JsonElement node, string path)
    {
        if (!ExpectObject(node, path, TraitConditionKeys))
            return null;
        var trait = node.GetProperty("trait");
        string? name = null;
        if (trait.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(trait.GetString()) || trait.GetString()!.Length > MaxNameLength)
            Error(Join(path, "trait"), $"must be the name of a profile trait of at most {MaxNameLength} characters, e.g. \"plan\"");
        else
            name = trait.GetString()!;
        var op = Operator(node, path);
        if (name is null || op is null)
            return null;
        var values = Literals(node, path, op.Value, time: false);
        return values is null ? null : new TraitCondition(name, op.Value, values);
    }

    private TagMemberCondition? TagMemberCondition(JsonElement node, string path)
    {
        if (!ExpectObject(node, path, TagMemberKeys))
            return null;
        var tag = node.GetProperty("tag");
        var tagPath = Join(path, "tag");
        if (!_tagMembers)
        {
            Error(tagPath, "a tag definition cannot test another tag (live profiles evaluate each tag on its own); copy that tag's condition here instead");
            return null;
        }
        if (tag.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(tag.GetString()) || tag.GetString()!.Length > MaxNameLength)
        {
            Error(tagPath, $"must be a tag id of at most {MaxNameLength} characters, e.g. \"vip\"");
            return null;
        }
        return new TagMemberCondition(tag.GetString()!);
    }

    private ComparisonOperator? Operator(JsonElement node, string path)
    {
        var opPath = Join(path, "op");
        if (!node.TryGetProperty("op", out var op))
        {
            Error(opPath, $"is required; one of {string.Join(", ", ComparisonOperators.Names)}");
            return null;
        }
        if (op.ValueKind != JsonValueKind.String || !ComparisonOperators.TryParse(op.GetString()!, out var parsed))
        {
            Error(opPath, $"unknown operator {Shorten(op.GetRawText())}; use one of {string.Join(", ", ComparisonOperators.Names)}");
            return null;
        }
        return parsed;
    }

    /// <summary>The value(s) an operator takes, read from <c>value</c>: none, one, a pair, or a list.</summary>
    private List<JsonElement>? OperandElements(JsonElement node, string path, ComparisonOperator op)
    {
        var valuePath = Join(path, "value");
        var has = node.TryGetProperty("value", out var value);
        switch (op.Arity())
        {
            case 0:
                if (has)
                    Error(valuePath, $"'{op.Name()}' takes no value; remove it");
                return has ? null : [];
            case 1:
                if (!has)
                    Error(valuePath, $"is required for '{op.Name()}'");
                else if (value.ValueKind == JsonValueKind.Array)
                    Error(valuePath, $"'{op.Name()}' takes one value, not a list (use 'in' for a list, 'between' for a range)");
                else
                    return [value];
                return null;
            case 2:
                if (!has || value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 2)
                {
                    Error(valuePath, "'between' takes a list of two values [low, high], both inclusive");
                    return null;
                }
                return [.. value.EnumerateArray()];
            default:
                if (!has || value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
                {
                    Error(valuePath, $"'{op.Name()}' takes a non-empty list of values");
                    return null;
                }
                if (value.GetArrayLength() > MaxListLength)
                {
                    Error(valuePath, $"holds {value.GetArrayLength()} values; at most {MaxListLength} (keep long lists in a trait or a tag)");
                    return null;
                }
                return [.. value.EnumerateArray()];
        }
    }

    private List<Scalar>? Literals(JsonElement node, string path, ComparisonOperator op, bool time)
    {
        var elements = OperandElements(node, path, op);
        if (elements is null)
            return null;
        var values = new List<Scalar>(elements.Count);
        var ok = true;
        for (var i = 0; i < elements.Count; i++)
        {
            var elementPath = elements.Count == 1 && op.Arity() == 1 ? Join(path, "value") : $"{Join(path, "value")}[{i}]";
            var scalar = Literal(elements[i], elementPath, time);
            if (scalar is null)
                ok = false;
            else
                values.Add(scalar.Value);
        }
        if (ok && op == ComparisonOperator.Between && values[0].CompareTo(values[1]) is not <= 0)
        {
            Error(Join(path, "value"), "'between' needs [low, high] of the same kind with low <= high");
            ok = false;
        }
        return ok ? values : null;
    }

    private Scalar? Literal(JsonElement element, string path, bool time)
    {
        if (time && element.ValueKind == JsonValueKind.String)
        {
            if (DateTimeOffset.TryParse(element.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
                return Scalar.Of(at.ToUnixTimeMilliseconds());
            Error(path, $"the metric is a time: give an ISO-8601 time such as \"2025-01-31T00:00:00Z\", epoch milliseconds, or {{\"ago\": \"7d\"}} (got {Shorten(element.GetRawText())})");
            return null;
        }
        if (element.ValueKind == JsonValueKind.String && element.GetString()!.Length > MaxTextLength)
        {
            Error(path, $"is {element.GetString()!.Length} characters long; at most {MaxTextLength}");
            return null;
        }
        var scalar = Scalar.FromJson(element);
        if (scalar is null)
            Error(path, $"must be a number, string or boolean (got {Shorten(element.GetRawText())})");
        return scalar;
    }

    private List<Operand>? Operands(JsonElement node, string path, ComparisonOperator op, Metric metric, int depth)
    {
        var elements = OperandElements(node, path, op);
        if (elements is null)
            return null;
        var operands = new List<Operand>(elements.Count);
        var ok = true;
        var time = metric is EventMetric { IsTime: true };
        for (var i = 0; i < elements.Count; i++)
        {
            var element = elements[i];
            var elementPath = op.Arity() == 1 ? Join(path, "value") : $"{Join(path, "value")}[{i}]";
            Operand? operand = null;
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("ago", out var ago))
            {
                if (!ExpectObject(element, elementPath, ["ago"]))
                    ok = false;
                else if (!time)
                    Error(Join(elementPath, "ago"), "compares with a time: use it with first/last metrics without a property (for elapsed time use daysSince/hoursSince)");
                else if (ago.ValueKind != JsonValueKind.String || !Durations.TryParse(ago.GetString()!, out var duration))
                    Error(Join(elementPath, "ago"), $"must be a duration such as \"30m\", \"12h\", \"7d\" or \"2w\" (got {Shorten(ago.GetRawText())})");
                else
                    operand = new AgoOperand(duration);
            }
            else if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("metric", out _))
            {
                operand = MetricOperand(element, elementPath, depth);
            }
            else
            {
                var literal = Literal(element, elementPath, time);
                if (literal is not null)
                {
                    operand = new LiteralOperand(literal.Value);
                    if (metric is EventMetric { Function: MetricFunction.Distinct } && literal.Value.IsNumber && literal.Value.Number > Model.Metric.DistinctCap)
                    {
                        Error(elementPath, $"distinct counts are exact up to {Model.Metric.DistinctCap} values; use a threshold of at most {Model.Metric.DistinctCap}");
                        operand = null;
                    }
                }
            }
            if (operand is null)
                ok = false;
            else
                operands.Add(operand);
        }
        if (ok && op == ComparisonOperator.Between && operands is [LiteralOperand low, LiteralOperand high] && low.Value.CompareTo(high.Value) is not <= 0)
        {
            Error(Join(path, "value"), "'between' needs [low, high] of the same kind with low <= high");
            ok = false;
        }
        return ok ? operands : null;
    }

    private MetricOperand? MetricOperand(JsonElement element, string path, int depth)
    {
        if (!ExpectObject(element, path, ["metric", "times", "plus"]))
            return null;
        var metric = Metric(element.GetProperty("metric"), Join(path, "metric"), depth + 1);
        decimal times = 1, plus = 0;
        var ok = metric is not null;
        if (element.TryGetProperty("times", out var t))
        {
            if (t.ValueKind == JsonValueKind.Number && t.TryGetDecimal(out var d))
            {
                times = d;
            }
            else
            {
                Error(Join(path, "times"), "must be a number (the metric is multiplied by it)");
                ok = false;
            }
        }
        if (element.TryGetProperty("plus", out var p))
        {
            if (p.ValueKind == JsonValueKind.Number && p.TryGetDecimal(out var d))
            {
                plus = d;
            }
            else if (p.ValueKind == JsonValueKind.String && Durations.TryParse(p.GetString()!, out var duration))
            {
                plus = (decimal)duration.TotalMilliseconds;
            }
            else
            {
                Error(Join(path, "plus"), "must be a number, or a duration such as \"1d\" (added in milliseconds, for time metrics)");
                ok = false;
            }
        }
        return ok ? new MetricOperand(metric!, times, plus) : null;
    }

    private Metric? Metric(JsonElement node, string path, int depth)
    {
        if (TooDeep(depth, path))
            return null;
        if (node.ValueKind != JsonValueKind.Object)
        {
            Error(path, "must be an object such as {\"fn\": \"count\", \"event\": {\"name\": \"Order Completed\"}, \"window\": \"30d\"}");
            return null;
        }
        var fnPath = Join(path, "fn");
        if (!node.TryGetProperty("fn", out var fn) || fn.ValueKind != JsonValueKind.String)
        {
            Error(fnPath, $"is required; one of {FunctionNames}");
            return null;
        }
        var name = fn.GetString()!;
        if (name == "score")
            return ScoreMetric(node, path, depth);
        if (!Functions.TryGetValue(name, out var function))
        {
            Error(fnPath, $"unknown function '{name}'; use one of {FunctionNames}");
            return null;
        }
        if (!ExpectObject(node, path, EventMetricKeys))
            return null;

        var filter = node.TryGetProperty("event", out var e) ? Filter(e, Join(path, "event")) : EventFilter.AnyEvent;
        FieldPath? property = null;
        var propertyPath = Join(path, "property");
        if (node.TryGetProperty("property", out var prop))
            property = Path(prop, propertyPath);
        int? window = null;
        var windowPath = Join(path, "window");
        if (node.TryGetProperty("window", out var w))
            window = Window(w, windowPath);
        HourRange? hours = null;
        var hoursPath = Join(path, "hours");
        if (node.TryGetProperty("hours", out var h))
            hours = Hours(h, hoursPath);
        if (filter is null || (prop.ValueKind != JsonValueKind.Undefined && property is null)
            || (w.ValueKind != JsonValueKind.Undefined && window is null) || (h.ValueKind != JsonValueKind.Undefined && hours is null))
        {
            return null;
        }

        var ok = true;
        switch (function)
        {
            case MetricFunction.Count:
                ok &= Forbid(property, propertyPath, "count counts events; to count distinct values use \"fn\": \"distinct\"");
                ok &= Forbid(hours, hoursPath, "only shareOfHours takes hours");
                break;
            case MetricFunction.Sum or MetricFunction.Avg or MetricFunction.Min or MetricFunction.Max:
                if (property is null)
                {
                    Error(propertyPath, $"{name} needs the numeric property to aggregate, e.g. \"property\": \"revenue\"");
                    ok = false;
                }
                else if (property.Root == FieldRoot.Attribute)
                {
                    Error(propertyPath, $"{name} needs a numeric value of the event (properties.*, context.*, traits.*), not the attribute {property}");
                    ok = false;
                }
                ok &= Forbid(hours, hoursPath, "only shareOfHours takes hours");
                break;
            case MetricFunction.Distinct:
                ok &= Require(property, propertyPath, "distinct needs the property whose distinct values are counted, e.g. \"property\": \"$day\" (active days) or \"product_id\"");
                ok &= Forbid(hours, hoursPath, "only shareOfHours takes hours");
                break;
            case MetricFunction.First or MetricFunction.Last:
                ok &= Forbid(window, windowPath, $"{name} looks at the whole history; remove the window (compare with {{\"ago\": \"30d\"}} to bound the time)");
                ok &= Forbid(hours, hoursPath, "only shareOfHours takes hours");
                break;
            case MetricFunction.ShareOfHours:
                ok &= Require(hours, hoursPath, "shareOfHours needs the local hour range [from, to), e.g. \"hours\": [20, 24]");
                ok &= Forbid(property, propertyPath, "shareOfHours counts events; remove the property");
                break;
            case MetricFunction.DaysSince or MetricFunction.HoursSince:
                ok &= Forbid(property, propertyPath, $"{name} measures time since the latest matching event; remove the property");
                ok &= Forbid(window, windowPath, $"{name} looks at the whole history; remove the window");
                ok &= Forbid(hours, hoursPath, "only shareOfHours takes hours");
                break;
        }
        return ok ? new EventMetric(function, filter, property, window, hours) : null;
    }

    private static string FunctionNames => "count, sum, avg, min, max, distinct, first, last, shareOfHours, daysSince, hoursSince, score";

    /// <summary>Whether a node at <paramref name="depth"/> is past <see cref="MaxDepth"/> (recorded as an error at <paramref name="path"/>).</summary>
    private bool TooDeep(int depth, string path)
    {
        if (depth <= MaxDepth)
            return false;
        Error(path, $"nested deeper than {MaxDepth} levels");
        return true;
    }

    /// <summary>True when <paramref name="value"/> is there; otherwise records <paramref name="message"/> at <paramref name="path"/>.</summary>
    private bool Require(object? value, string path, string message)
    {
        if (value is not null)
            return true;
        Error(path, message);
        return false;
    }

    /// <summary>True when <paramref name="value"/> is absent; otherwise records <paramref name="message"/> at <paramref name="path"/>.</summary>
    private bool Forbid(object? value, string path, string message)
    {
        if (value is null)
            return true;
        Error(path, message);
        return false;
    }

    private ScoreMetric? ScoreMetric(JsonElement node, string path, int depth)
    {
        if (!ExpectObject(node, path, ScoreMetricKeys))
            return null;
        var ofPath = Join(path, "of");
        Metric? of = null;
        if (!node.TryGetProperty("of", out var ofNode))
            Error(ofPath, "is required: the metric to score, e.g. {\"fn\": \"daysSince\", \"event\": {\"name\": \"Order Completed\"}}");
        else
            of = Metric(ofNode, ofPath, depth + 1);
        var thresholdsPath = Join(path, "thresholds");
        List<decimal>? thresholds = null;
        if (node.TryGetProperty("thresholds", out var t) && t.ValueKind == JsonValueKind.Array && t.GetArrayLength() == 4
            && t.EnumerateArray().All(x => x.ValueKind == JsonValueKind.Number && x.TryGetDecimal(out _)))
        {
            thresholds = [.. t.EnumerateArray().Select(x => x.GetDecimal())];
            if (!thresholds.Zip(thresholds.Skip(1)).All(pair => pair.First < pair.Second))
            {
                Error(thresholdsPath, "must be strictly ascending, e.g. [14, 30, 60, 120]");
                thresholds = null;
            }
        }
        else
        {
            Error(thresholdsPath, "must be four ascending numbers t1..t4 that split the metric into scores 1..5, e.g. [2, 3, 5, 10]");
        }
        var descending = false;
        if (node.TryGetProperty("order", out var order))
        {
            if (order.ValueKind == JsonValueKind.String && order.GetString() is "ascending" or "descending")
            {
                descending = order.GetString() == "descending";
            }
            else
            {
                Error(Join(path, "order"), "must be \"ascending\" (higher is better, the default) or \"descending\" (lower is better, e.g. recency)");
                return null;
            }
        }
        return of is null || thresholds is null ? null : new ScoreMetric(of, thresholds, descending);
    }

    private EventFilter? Filter(JsonElement node, string path)
    {
        if (!ExpectObject(node, path, FilterKeys))
            return null;
        var names = StringList(node, "name", Join(path, "name"), "an event name such as \"Order Completed\" or a list of names");
        var types = StringList(node, "type", Join(path, "type"), $"an event type ({string.Join(", ", EventTypes)}) or a list of them");
        if (types is not null)
        {
            foreach (var type in types.Where(t => !EventTypes.Contains(t)))
            {
                Error(Join(path, "type"), $"unknown event type '{type}'; use {string.Join(", ", EventTypes)}");
                types = null;
                break;
            }
        }
        var predicates = new List<PropertyPredicate>();
        var ok = names is not null && types is not null;
        if (node.TryGetProperty("where", out var where))
        {
            var wherePath = Join(path, "where");
            if (where.ValueKind != JsonValueKind.Array)
            {
                Error(wherePath, "must be a list of predicates such as {\"path\": \"revenue\", \"op\": \"gte\", \"value\": 1000} (all must hold)");
                ok = false;
            }
            else
            {
                var i = 0;
                foreach (var p in where.EnumerateArray())
                {
                    var predicate = Predicate(p, $"{wherePath}[{i++}]");
                    if (predicate is null)
                        ok = false;
                    else
                        predicates.Add(predicate);
                }
            }
        }
        return ok ? new EventFilter(names!, types!, predicates) : null;
    }

    private PropertyPredicate? Predicate(JsonElement node, string path)
    {
        if (!ExpectObject(node, path, PredicateKeys))
            return null;
        var pathPath = Join(path, "path");
        FieldPath? field = null;
        if (!node.TryGetProperty("path", out var p))
            Error(pathPath, "is required: the value to test, e.g. \"revenue\" (= properties.revenue), \"context.app.version\" or \"$channel\"");
        else
            field = Path(p, pathPath);
        var op = Operator(node, path);
        if (field is null || op is null)
            return null;
        var values = Literals(node, path, op.Value, time: false);
        return values is null ? null : new PropertyPredicate(field, op.Value, values);
    }

    private List<string>? StringList(JsonElement node, string key, string path, string expected)
    {
        if (!node.TryGetProperty(key, out var value))
            return [];
        if (value.ValueKind == JsonValueKind.String && value.GetString()!.Length is > 0 and <= MaxNameLength)
            return [value.GetString()!];
        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() is > 0 and <= MaxListLength
            && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String && v.GetString()!.Length is > 0 and <= MaxNameLength))
        {
            return [.. value.EnumerateArray().Select(v => v.GetString()!).Distinct(StringComparer.Ordinal)];
        }

        Error(path, $"must be {expected} (at most {MaxListLength} names of at most {MaxNameLength} characters)");
        return null;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";

    private FieldPath? Path(JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            Error(path, FieldPaths.Help);
            return null;
        }
        if (!FieldPaths.TryParse(value.GetString()!, out var field, out var problem))
        {
            Error(path, problem!);
            return null;
        }
        return field;
    }

    private int? Window(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.String && value.GetString() is { } text && text.EndsWith('d')
            && int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var days)
            && days is >= 1 and <= Model.Metric.MaxWindowDays)
        {
            return days;
        }

        Error(path, $"must be whole days \"1d\"..\"{Model.Metric.MaxWindowDays}d\" (the current local day plus the days before it); omit it for the whole history (got {Shorten(value.GetRawText())})");
        return null;
    }

    private HourRange? Hours(JsonElement value, string path)
    {
        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 2
            && value[0].ValueKind == JsonValueKind.Number && value[1].ValueKind == JsonValueKind.Number
            && value[0].TryGetInt32(out var from) && value[1].TryGetInt32(out var to)
            && from is >= 0 and <= 23 && to is >= 1 and <= 24 && from != to)
        {
            return new HourRange(from, to);
        }

        Error(path, $"must be [from, to): local hours with from 0..23 and to 1..24, e.g. [20, 24] for 20:00-24:00 or [22, 6] across midnight (got {Shorten(value.GetRawText())})");
        return null;
    }

    private string? OptionalString(JsonElement node, string key, string path, bool required, int maxLength)
    {
        if (!node.TryGetProperty(key, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
                Error(path, "is required");
            return null;
        }
        if (value.ValueKind != JsonValueKind.String || (required && string.IsNullOrWhiteSpace(value.GetString())) || value.GetString()!.Length > maxLength)
        {
            Error(path, $"must be text of at most {maxLength} characters");
            return null;
        }
        return value.GetString();
    }

    private bool ExpectObject(JsonElement node, string path, IReadOnlyCollection<string> keys)
    {
        if (node.ValueKind != JsonValueKind.Object)
        {
            Error(path, $"must be an object with keys {string.Join(", ", keys)}");
            return false;
        }
        var ok = true;
        foreach (var property in node.EnumerateObject())
        {
            if (keys.Contains(property.Name))
                continue;
            Error(Join(path, property.Name), $"unknown key; allowed here: {string.Join(", ", keys)}");
            ok = false;
        }
        return ok;
    }

    private void Error(string path, string message) => _errors.Add(new ConditionError(path.Length == 0 ? "$" : path, message));

    private static string Join(string path, string key) => path.Length == 0 || path == "$" ? key : $"{path}.{key}";
}

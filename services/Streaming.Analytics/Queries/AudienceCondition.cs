using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Streaming.Analytics.Queries;

/// <summary>
/// An audience condition compiled to ClickHouse SQL. The language (JSON):
/// <c>{"all":[..]}</c>, <c>{"any":[..]}</c>, <c>{"not":{..}}</c>, and the leaves
/// <c>{"tag":"vip"}</c> (current member), <c>{"trait":"age","op":"gte","value":"25"}</c> (current
/// trait; ops as event filters), <c>{"event":"Order Completed","atLeast":3,"withinDays":30,"where":[filters]}</c>.
/// Every value becomes a query parameter. A condition needs at least one part that is not under
/// <c>not</c>: the persons are drawn from the positive parts and narrowed by the rest.
/// </summary>
internal sealed class AudienceCondition
{
    private readonly List<string> sets = [];
    private readonly List<int> positive = [];
    // Leaves that every match must satisfy (positive parts directly under a top-level "all", or the root leaf).
    private readonly List<int> required = [];
    private int depth;
    private int leaves;
    private readonly SqlParameters p;
    private readonly string database;
    private readonly string tenant;
    private readonly DateTimeOffset now;

    private AudienceCondition(SqlParameters p, string database, string tenant, DateTimeOffset now)
    {
        this.p = p;
        this.database = database;
        this.tenant = tenant;
        this.now = now;
    }

    /// <summary>SELECT person_id of the persons matching the condition, or a problem naming the part at fault.</summary>
    public static (string? Sql, string? Problem) Compile(JsonElement condition, SqlParameters p, string database, string tenant, DateTimeOffset now)
    {
        if (InvalidText(condition, "condition") is { } unreadable)
            return (null, unreadable);
        var compiler = new AudienceCondition(p, database, tenant, now);
        var (expression, problem) = compiler.Node(condition, "condition", negated: false);
        if (problem is not null)
            return (null, problem);
        if (compiler.positive.Count == 0)
            return (null, "condition needs at least one part outside 'not' (e.g. {\"all\":[{\"tag\":\"buyers\"},{\"not\":{\"tag\":\"churned\"}}]}).");
        if (TagBitmaps.Sql(condition, p, database, tenant) is { } tagsOnly)
            return (tagsOnly, null);
        var sql = new StringBuilder("WITH ");
        sql.AppendJoin(", ", compiler.sets.Select((s, i) => string.Create(CultureInfo.InvariantCulture, $"s{i} AS ({s})")));
        // Persons are drawn from one required set when there is one (an "all" needs no union), else from every positive part.
        var from = compiler.required.Count > 0 ? [compiler.required[0]] : compiler.positive;
        sql.Append(" SELECT DISTINCT person_id FROM (");
        sql.AppendJoin(" UNION ALL ", from.Select(i => string.Create(CultureInfo.InvariantCulture, $"SELECT person_id FROM s{i}")));
        sql.Append(") WHERE ").Append(expression);
        return (sql.ToString(), null);
    }

    private (string Sql, string? Problem) Node(JsonElement node, string path, bool negated)
    {
        if (node.ValueKind != JsonValueKind.Object)
            return ("", $"{path} must be an object such as {{\"tag\":\"vip\"}}, {{\"all\":[..]}}, {{\"any\":[..]}} or {{\"not\":{{..}}}}.");
        if (depth >= RequestLimits.MaxAudienceDepth)
            return ("", $"{path} is nested deeper than {RequestLimits.MaxAudienceDepth} levels of all/any/not; flatten the condition.");
        if (node.TryGetProperty("all", out var all) || node.TryGetProperty("any", out all))
        {
            var op = node.TryGetProperty("all", out _) ? " AND " : " OR ";
            var name = op == " AND " ? "all" : "any";
            if (all.ValueKind != JsonValueKind.Array || all.GetArrayLength() == 0)
                return ("", $"{path}.{name} must be a non-empty array of conditions.");
            var parts = new List<string>();
            var i = 0;
            var topLevelAll = depth == 0 && name == "all" && !negated;
            depth++;
            foreach (var child in all.EnumerateArray())
            {
                var before = sets.Count;
                var (sql, problem) = Node(child, $"{path}.{name}[{i++}]", negated);
                if (topLevelAll && sets.Count == before + 1 && positive.Contains(before) && !child.TryGetProperty("any", out _) && !child.TryGetProperty("not", out _))
                    required.Add(before);
                if (problem is not null)
                    return ("", problem);
                parts.Add(sql);
            }
            depth--;
            return ("(" + string.Join(op, parts) + ")", null);
        }
        if (node.TryGetProperty("not", out var inner))
        {
            depth++;
            var (sql, problem) = Node(inner, path + ".not", !negated);
            depth--;
            return problem is null ? ($"NOT ({sql})", null) : ("", problem);
        }
        if (++leaves > RequestLimits.MaxAudienceLeaves)
            return ("", $"{path}: the condition has more than {RequestLimits.MaxAudienceLeaves} parts (tag, trait, event); split it, or make a tag of a part.");
        var (set, leafProblem) = Leaf(node, path);
        if (leafProblem is not null)
            return ("", leafProblem);
        sets.Add(set!);
        var index = sets.Count - 1;
        if (!negated)
            positive.Add(index);
        if (depth == 0 && !negated)
            required.Add(index);
        return (string.Create(CultureInfo.InvariantCulture, $"person_id IN (SELECT person_id FROM s{index})"), null);
    }

    private (string? Sql, string? Problem) Leaf(JsonElement node, string path)
    {
        var tenantParam = p.String(tenant);
        if (node.TryGetProperty("tag", out var tag))
        {
            if (tag.ValueKind != JsonValueKind.String || tag.GetString() is not { Length: > 0 } tagId)
                return (null, $"{path}.tag must be a tag id.");
            if (RequestLimits.Name(tagId, $"{path}.tag") is { } tooLong)
                return (null, tooLong);
            return ($"SELECT person_id FROM {database}.tags_current FINAL WHERE tenant = {tenantParam} AND tag_id = {p.String(tagId)} AND member = 1", null);
        }
        if (node.TryGetProperty("trait", out var trait))
        {
            if (trait.ValueKind != JsonValueKind.String)
                return (null, $"{path}.trait must be the name of a trait, e.g. \"plan\" (got {Kind(trait)}).");
            if ((Scalar(node, "op", path) ?? Scalar(node, "value", path)) is { } typeProblem)
                return (null, typeProblem);
            var filter = new PropertyFilter(trait.GetString() ?? "", Text(node, "op") ?? "eq", Text(node, "value") ?? "");
            if (filter.Problem(path) is { } problem)
                return (null, problem.Replace(".property", ".trait", StringComparison.Ordinal));
            // Trait values are JSON; the filter reads them as a one-key object so the same SQL applies.
            var condition = new PropertyFilter("v", filter.Op, filter.Value).Sql(p, "concat('{\"v\":', v, '}')");
            return ($"SELECT person_id FROM (SELECT person_id, argMax(value, updated_at) AS v FROM {database}.person_traits WHERE tenant = {tenantParam} AND trait = {p.String(filter.Property)} GROUP BY person_id) WHERE {condition}", null);
        }
        if (node.TryGetProperty("event", out var ev))
        {
            if (ev.ValueKind != JsonValueKind.String || ev.GetString() is not { Length: > 0 } eventName)
                return (null, $"{path}.event must be an event name.");
            if (RequestLimits.Name(eventName, $"{path}.event") is { } tooLong)
                return (null, tooLong);
            if (node.TryGetProperty("atLeast", out var a) && a.ValueKind != JsonValueKind.Number || node.TryGetProperty("withinDays", out var d) && d.ValueKind != JsonValueKind.Number)
                return (null, $"{path}: atLeast and withinDays must be whole numbers.");
            var atLeast = a.ValueKind == JsonValueKind.Number ? a.TryGetInt32(out var n) ? n : 0 : 1;
            var days = d.ValueKind == JsonValueKind.Number ? d.TryGetInt32(out var w) ? w : 0 : 36_500;
            if (atLeast is < 1 or > 1_000_000 || days is < 1 or > 36_500)
                return (null, $"{path}: atLeast must be 1..1000000 and withinDays 1..36500.");
            var filters = new StringBuilder();
            if (node.TryGetProperty("where", out var where) && where.ValueKind != JsonValueKind.Array)
                return (null, $"{path}.where must be a list of filters such as {{\"property\": \"category\", \"op\": \"eq\", \"value\": \"beauty\"}}.");
            if (where.ValueKind == JsonValueKind.Array)
            {
                if (where.GetArrayLength() > RequestLimits.MaxFilters)
                    return (null, $"{path}.where holds {where.GetArrayLength()} filters; at most {RequestLimits.MaxFilters}.");
                var j = 0;
                foreach (var f in where.EnumerateArray())
                {
                    if (f.ValueKind != JsonValueKind.Object)
                        return (null, $"{path}.where[{j}] must be an object {{\"property\": .., \"op\": .., \"value\": ..}} (got {Kind(f)}).");
                    foreach (var key in (string[])["property", "op", "value"])
                    {
                        if (Scalar(f, key, $"{path}.where[{j}]") is { } typeProblem)
                            return (null, typeProblem);
                    }
                    var filter = new PropertyFilter(Text(f, "property") ?? "", Text(f, "op") ?? "eq", Text(f, "value") ?? "");
                    if (filter.Problem($"{path}.where[{j++}]") is { } problem)
                        return (null, problem);
                    filters.Append(" AND ").Append(filter.Sql(p));
                }
            }
            var events = ResolvedEvents.Sql(database, p, tenant, now.AddDays(-days), now.AddTicks(1), [eventName]);
            return ($"SELECT pid AS person_id FROM {events} WHERE 1{filters} GROUP BY pid HAVING count() >= {p.Int64(atLeast)}", null);
        }
        return (null, $"{path} is not a condition: use tag, trait, event, all, any or not.");
    }

    /// <summary>
    /// JSON may escape a lone surrogate ("\ud800"), which is no .NET string: the texts are checked
    /// once up front so the compiler can read them freely. The problem naming the first, or null.
    /// </summary>
    private static string? InvalidText(JsonElement node, string path)
    {
        switch (node.ValueKind)
        {
            case JsonValueKind.String:
                try
                {
                    _ = node.GetString();
                    return null;
                }
                catch (InvalidOperationException)
                {
                    return $"{path} is not valid Unicode (a lone surrogate escape such as \\ud800); send the text as UTF-8.";
                }
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in node.EnumerateArray())
                {
                    if (InvalidText(item, $"{path}[{i++}]") is { } problem)
                        return problem;
                }
                return null;
            case JsonValueKind.Object:
                foreach (var property in node.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = property.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        return $"{path} has a key that is not valid Unicode (a lone surrogate escape such as \\ud800).";
                    }
                    if (InvalidText(property.Value, $"{path}.{name}") is { } problem)
                        return problem;
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>A problem when <paramref name="name"/> is there but not a string, number or boolean.</summary>
    private static string? Scalar(JsonElement node, string name, string path) =>
        node.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Null
            ? $"{path}.{name} must be a string or a number (got {Kind(value)})."
            : null;

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.Null => "null",
        JsonValueKind.Number => "a number",
        JsonValueKind.String => "a string",
        _ => "a boolean",
    };

    private static string? Text(JsonElement node, string name) =>
        node.TryGetProperty(name, out var value)
            ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText()
            : null;
}

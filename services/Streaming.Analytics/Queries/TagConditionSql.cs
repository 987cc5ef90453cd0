using System.Globalization;
using System.Text;
using Streaming.Conditions.Evaluation;
using Streaming.Conditions.Model;

namespace Streaming.Analytics.Queries;

/// <summary>
/// Compiles a condition of the tag language (Streaming.Conditions, docs/conditions.md) to one
/// ClickHouse SELECT of <c>person_id</c>: the persons for whom the condition holds "as of" an
/// instant, over the stored history (events with merges applied, as <see cref="ResolvedEvents"/>;
/// current traits from <c>person_traits</c>). Every value is a query parameter.
/// </summary>
/// <remarks>
/// One aggregate per metric is computed per person in a single GROUP BY over the person's events
/// up to <c>asOf</c> (events dated after it are not counted); the condition is the WHERE over those
/// columns. The logic is two-valued as in the live evaluator: every comparison is wrapped in
/// <c>ifNull(.., 0)</c>, so a missing side is false and <c>not</c> turns it true. Numbers are
/// <c>Decimal128(9)</c>. Persons are every person of the tenant: a stored event up to <c>asOf</c>, a
/// trait or a current tag (as <c>bi.persons</c>). Only a condition that holds for a person with
/// nothing stored (<see cref="EmptyPerson"/>, e.g. <c>{"not": {"tag": "churned"}}</c>) needs them
/// all; any other reads the persons with an event, a trait it names or a tag it names. A condition
/// of tags only is answered from tag bitmaps instead (<see cref="TagBitmapSql"/>).
/// </remarks>
internal sealed class TagConditionSql
{
    private const string Dec = "Decimal128(9)";
    // The events table stores the name by the one rule (Contracts' EventNames), so `event` is `$name`.
    private const string NameSql = "event";
    private const string ChannelSql = "multiIf(JSONExtractString(context, 'channel') != '', JSONExtractString(context, 'channel'), JSONHas(context, 'miniprogram'), 'miniprogram', JSONHas(context, 'app'), 'app', JSONHas(context, 'page') OR JSONHas(context, 'userAgent'), 'web', 'server')";

    private readonly SqlParameters _p;
    private readonly string _zone;
    private readonly string _asOfMs;
    private readonly long _asOf;
    private readonly List<string> _aggregates = [];
    private readonly Dictionary<string, string> _traits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _tags = new(StringComparer.Ordinal);

    private TagConditionSql(SqlParameters p, TimeZoneInfo zone, DateTimeOffset asOf)
    {
        this._p = p;
        this._asOf = asOf.ToUnixTimeMilliseconds();
        _asOfMs = p.Int64(this._asOf);
        this._zone = p.String(zone == TimeZoneInfo.Utc ? "UTC" : zone.Id);
    }

    /// <summary>A condition with no SQL form, and where it is (a path such as <c>condition.all[1].metric</c>).</summary>
    public sealed class UnsupportedException(string path, string message) : Exception($"{path}: {message}")
    {
        public string Path { get; } = path;
    }

    /// <summary>
    /// SELECT person_id of the persons the condition holds for at <paramref name="asOf"/>, or a problem
    /// naming the part with no SQL form. <paramref name="bitmaps"/> false always takes the general
    /// form (tests compare the two).
    /// </summary>
    public static (string? Sql, string? Problem) Compile(ConditionDocument document, SqlParameters p, string database, string tenant, DateTimeOffset asOf, string path = "condition", bool bitmaps = true)
    {
        var everyone = EmptyPerson.Satisfies(document.Condition, asOf);
        if (bitmaps && !everyone && TagBitmapSql.Sql(document.Condition, p, database, tenant) is { } tagsOnly)
            return (tagsOnly, null);
        var compiler = new TagConditionSql(p, document.TimeZone, asOf);
        string where;
        try
        {
            where = compiler.Node(document.Condition, path);
        }
        catch (UnsupportedException e)
        {
            return (null, e.Message);
        }
        var tenantParam = p.String(tenant);
        var columns = new StringBuilder("pid AS person_id, 1 AS stored");
        for (var i = 0; i < compiler._aggregates.Count; i++)
            columns.Append(", ").Append(compiler._aggregates[i]).Append(" AS a").Append(i.ToString(CultureInfo.InvariantCulture));
        var events = $"""
            {ResolvedEvents.OverridesWith(database, tenantParam)}
            SELECT {ResolvedEvents.PersonColumn} AS pid, e.event AS event, e.type AS type, e.source AS source, e.message_id AS message_id,
                   e.timestamp AS ts, e.properties AS properties, e.context AS context, e.traits AS traits,
                   e.user_id AS user_id, e.anonymous_id AS anonymous_id
            FROM {database}.events AS e FINAL
            WHERE e.tenant = {tenantParam} AND e.timestamp <= fromUnixTimestamp64Milli({compiler._asOfMs}, 'UTC'){compiler.EventNames(document.Condition, everyone)}
            """;
        var aggregated = $"SELECT {columns} FROM ({events}) GROUP BY pid";
        if (compiler._traits.Count == 0 && compiler._tags.Count == 0 && !everyone)
            return ($"SELECT m.person_id AS person_id FROM ({aggregated}) AS m WHERE {where}", null);
        // Persons with a trait or tag but no event count too: FULL JOIN, so their metrics are the
        // defaults of an empty history (count 0, avg NULL, ...) and their traits read 'null' when missing.
        return ($"""
            SELECT if(m.stored = 1, m.person_id, t.person_id) AS person_id
            FROM ({aggregated}) AS m
            FULL OUTER JOIN ({compiler.Profile(database, tenantParam, everyone)}) AS t ON m.person_id = t.person_id
            WHERE {where}
            """, null);
    }

    /// <summary>
    /// <c> AND e.event IN (..)</c> when every metric looks at named events and the condition does not
    /// hold for a person with nothing stored: a person with none of those events then has the
    /// metrics of an empty history and is selected only through a trait or tag it has, so reading
    /// just those events (the table's key starts with the name) selects the same persons. The old
    /// audience language read only the named events too.
    /// </summary>
    private string EventNames(Condition condition, bool everyone)
    {
        var metrics = ConditionEvaluator.EventMetrics(condition).ToList();
        if (everyone || metrics.Any(m => m.Event.Names.Count == 0))
            return "";
        // No metric at all (traits and tags only): no event can make a difference.
        if (metrics.Count == 0)
            return " AND 0";
        return $" AND e.event IN {_p.Strings([.. metrics.SelectMany(m => m.Event.Names).Distinct(StringComparer.Ordinal)])}";
    }

    /// <summary>
    /// One row per person with a named trait or a current named tag (with <paramref name="everyone"/>:
    /// with any trait or current tag): per named trait its latest value (<c>'null'</c> when the person
    /// has none), per named tag 1 when a member.
    /// </summary>
    private string Profile(string database, string tenantParam, bool everyone)
    {
        var columns = _traits.Values.Select(param =>
            $", if(countIf(trait = {param}) = 0, 'null', argMaxIf(value, updated_at, trait = {param})) AS {Column(param, _traits)}")
            .Concat(_tags.Values.Select(param => $", countIf(tag = {param}) > 0 AS {TagColumn(param)}"));
        var rows = new List<string>();
        if (_traits.Count > 0 || everyone)
            rows.Add($"SELECT person_id, trait, value, updated_at, '' AS tag FROM {database}.person_traits WHERE tenant = {tenantParam}{(everyone ? "" : $" AND trait IN {_p.Strings([.. _traits.Keys])}")}");
        if (_tags.Count > 0 || everyone)
            rows.Add($"SELECT person_id, '' AS trait, '' AS value, at AS updated_at, toString(tag_id) AS tag FROM {database}.tags_current FINAL WHERE tenant = {tenantParam}{(everyone ? "" : $" AND tag_id IN {_p.Strings([.. _tags.Keys])}")} AND member = 1");
        return $"SELECT person_id{string.Concat(columns)} FROM ({string.Join(" UNION ALL ", rows)}) GROUP BY person_id";
    }

    private string TagColumn(string tagParam) =>
        "g" + _tags.Values.ToList().IndexOf(tagParam).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// One event predicate as SQL over a row with the columns <c>event</c>, <c>ts</c> and
    /// <c>properties</c> (<see cref="ResolvedEvents"/>), UTC: the filters of trends and funnel steps.
    /// </summary>
    public static string EventPredicate(PropertyPredicate predicate, SqlParameters p)
    {
        var compiler = new TagConditionSql(p, TimeZoneInfo.Utc, DateTimeOffset.UnixEpoch);
        return compiler.Holds(compiler.Path(predicate.Path, "filters"), predicate.Operator, [.. predicate.Values.Select(v => new Right(v, null))]);
    }

    private static string Column(string traitParam, Dictionary<string, string> traits) =>
        "t" + traits.Values.ToList().IndexOf(traitParam).ToString(CultureInfo.InvariantCulture);

    private string Node(Condition condition, string path) => condition switch
    {
        AllCondition all => all.Conditions.Count == 0 ? "1" : "(" + string.Join(" AND ", all.Conditions.Select((c, i) => Node(c, $"{path}.all[{i}]"))) + ")",
        AnyCondition any => any.Conditions.Count == 0 ? "0" : "(" + string.Join(" OR ", any.Conditions.Select((c, i) => Node(c, $"{path}.any[{i}]"))) + ")",
        NotCondition not => $"NOT {Node(not.Condition, path + ".not")}",
        TraitCondition t => Holds(Trait(t.Trait), t.Operator, [.. t.Values.Select(v => new Right(v, null))]),
        MetricCondition m => Holds(Metric(m.Metric, path + ".metric"), m.Operator, [.. m.Operands.Select(o => Operand(o, path + ".value"))]),
        TagMemberCondition member => $"(t.{TagColumn(Tag(member.Tag))} = 1)",
        _ => throw new UnsupportedException(path, $"'{condition.GetType().Name}' has no SQL form."),
    };

    // ---- values -------------------------------------------------------------------------------

    /// <summary>A value in SQL: a JSON value (a document and the keys to it), or a typed expression.</summary>
    private abstract record Value;

    /// <summary>The value at <c>keys</c> inside the JSON text <c>doc</c>.</summary>
    private sealed record JsonValue(string Doc, string Keys) : Value;

    /// <summary>A string attribute, present when <paramref name="Present"/> holds (always, for most).</summary>
    private sealed record TextValue(string Sql, string Present = "1") : Value;

    /// <summary>A number, NULL when missing.</summary>
    private sealed record NumberValue(string Sql) : Value;

    private sealed record Right(Scalar? Literal, string? Number);

    private string Tag(string id)
    {
        if (!_tags.TryGetValue(id, out var param))
            _tags[id] = param = _p.String(id);
        return param;
    }

    private JsonValue Trait(string name)
    {
        if (!_traits.TryGetValue(name, out var param))
            _traits[name] = param = _p.String(name);
        return RawJson("t." + Column(param, _traits));
    }

    // A raw JSON value (trait values, first/last of a property) is read as the one key of {"v": raw}.
    private static JsonValue RawJson(string raw) => new($"concat('{{\"v\":', if({raw} = '', 'null', {raw}), '}}')", "'v'");

    private Value Path(FieldPath path, string at)
    {
        switch (path.Root)
        {
            case FieldRoot.Attribute:
                return path.AttributeName switch
                {
                    FieldPath.Name => new TextValue(NameSql),
                    FieldPath.Type => new TextValue("type"),
                    FieldPath.Source => new TextValue("source"),
                    FieldPath.Channel => new TextValue(ChannelSql),
                    FieldPath.Day => new NumberValue($"toDecimal128(toUInt16(toDate(ts, {_zone})), 9)"),
                    FieldPath.Hour => new NumberValue($"toDecimal128(toHour(ts, {_zone}), 9)"),
                    FieldPath.UserId => new TextValue("user_id", "user_id != ''"),
                    FieldPath.AnonymousId => new TextValue("anonymous_id", "anonymous_id != ''"),
                    _ => throw new UnsupportedException(at, $"attribute {path} has no SQL form."),
                };
            default:
                var column = path.Root switch { FieldRoot.Properties => "properties", FieldRoot.Context => "context", _ => "traits" };
                return new JsonValue(column, string.Join(", ", path.Segments.Select(s => _p.String(s))));
        }
    }

    private static string IsScalar(Value v) => v switch
    {
        JsonValue j => $"JSONType({j.Doc}, {j.Keys}) IN ('Int64', 'UInt64', 'Double', 'String', 'Bool')",
        TextValue t => t.Present,
        NumberValue n => $"({n.Sql}) IS NOT NULL",
        _ => "0",
    };

    private static (string Is, string Value)? AsNumber(Value v) => v switch
    {
        JsonValue j => ($"JSONType({j.Doc}, {j.Keys}) IN ('Int64', 'UInt64', 'Double')", $"toDecimal128OrNull(JSONExtractRaw({j.Doc}, {j.Keys}), 9)"),
        NumberValue n => ($"({n.Sql}) IS NOT NULL", n.Sql),
        _ => null,
    };

    private static (string Is, string Value)? AsString(Value v) => v switch
    {
        JsonValue j => ($"JSONType({j.Doc}, {j.Keys}) = 'String'", $"JSONExtractString({j.Doc}, {j.Keys})"),
        TextValue t => (t.Present, t.Sql),
        _ => null,
    };

    private static (string Is, string Value)? AsBool(Value v) => v switch
    {
        JsonValue j => ($"JSONType({j.Doc}, {j.Keys}) = 'Bool'", $"JSONExtractBool({j.Doc}, {j.Keys})"),
        _ => null,
    };

    private string Decimal(decimal value) =>
        $"toDecimal128({_p.String(Math.Round(value, 9).ToString(CultureInfo.InvariantCulture))}, 9)";

    // ---- comparisons --------------------------------------------------------------------------

    private string Holds(Value left, ComparisonOperator op, IReadOnlyList<Right> values)
    {
        var sql = op switch
        {
            ComparisonOperator.Exists => IsScalar(left),
            ComparisonOperator.NotExists => $"NOT ({IsScalar(left)})",
            ComparisonOperator.Eq => Equal(left, values[0]),
            // A missing right side (a metric operand with no value) is false, as live.
            ComparisonOperator.Ne => $"{IsScalar(left)} AND {Present(values[0])} AND NOT {Equal(left, values[0])}",
            ComparisonOperator.Gt => Order(left, ">", values[0]),
            ComparisonOperator.Gte => Order(left, ">=", values[0]),
            ComparisonOperator.Lt => Order(left, "<", values[0]),
            ComparisonOperator.Lte => Order(left, "<=", values[0]),
            ComparisonOperator.Between => $"{Order(left, ">=", values[0])} AND {Order(left, "<=", values[1])}",
            ComparisonOperator.In => values.Count == 0 ? "0" : string.Join(" OR ", values.Select(v => Equal(left, v))),
            ComparisonOperator.NotIn => values.Count == 0 ? IsScalar(left) : $"{IsScalar(left)} AND NOT ({string.Join(" OR ", values.Select(v => Equal(left, v)))})",
            ComparisonOperator.Contains => Text(left, values[0], (s, v) => $"position({s}, {v}) > 0"),
            ComparisonOperator.StartsWith => Text(left, values[0], (s, v) => $"startsWith({s}, {v})"),
            _ => "0",
        };
        return $"ifNull(({sql}), 0)";
    }

    private static string Present(Right right) => right.Number is { } number ? $"({number}) IS NOT NULL" : "1";

    private string Equal(Value left, Right right)
    {
        if (right.Number is { } number)
            return AsNumber(left) is (string isN, string n) ? Wrap($"{isN} AND {n} = {number}") : "0";
        return right.Literal switch
        {
            { Kind: ScalarKind.Number } l => AsNumber(left) is (string isN, string n) ? Wrap($"{isN} AND {n} = {Decimal(l.Number)}") : "0",
            { Kind: ScalarKind.String } l => AsString(left) is (string isS, string s) ? Wrap($"{isS} AND {s} = {_p.String(l.Text!)}") : "0",
            { Kind: ScalarKind.Boolean } l => AsBool(left) is (string isB, string b) ? Wrap($"{isB} AND {b} = {_p.Int64(l.Boolean ? 1 : 0)}") : "0",
            _ => "0",
        };
    }

    private string Order(Value left, string op, Right right)
    {
        if (right.Number is { } number)
            return AsNumber(left) is (string isN, string n) ? Wrap($"{isN} AND {n} {op} {number}") : "0";
        return right.Literal switch
        {
            { Kind: ScalarKind.Number } l => AsNumber(left) is (string isN, string n) ? Wrap($"{isN} AND {n} {op} {Decimal(l.Number)}") : "0",
            { Kind: ScalarKind.String } l => AsString(left) is (string isS, string s) ? Wrap($"{isS} AND {s} {op} {_p.String(l.Text!)}") : "0",
            _ => "0",
        };
    }

    private string Text(Value left, Right right, Func<string, string, string> test) =>
        right.Literal is { Kind: ScalarKind.String } l && AsString(left) is (string isS, string s) ? Wrap($"{isS} AND {test(s, _p.String(l.Text!))}") : "0";

    private static string Wrap(string sql) => $"ifNull(({sql}), 0)";

    private Right Operand(Operand operand, string path) => operand switch
    {
        LiteralOperand l => new Right(l.Value, null),
        AgoOperand ago => new Right(Scalar.Of(_asOf - (long)ago.Duration.TotalMilliseconds), null),
        MetricOperand m => new Right(null, $"(({Number(Metric(m.Metric, path + ".metric"), path)}) * {Decimal(m.Times)} + {Decimal(m.Plus)})"),
        _ => throw new UnsupportedException(path, $"operand '{operand.GetType().Name}' has no SQL form."),
    };

    private static string Number(Value value, string path) => value is NumberValue n
        ? n.Sql
        : throw new UnsupportedException(path, "only numeric metrics can be compared with another metric in SQL.");

    // ---- metrics ------------------------------------------------------------------------------

    private string Aggregate(string sql)
    {
        _aggregates.Add(sql);
        return "m.a" + (_aggregates.Count - 1).ToString(CultureInfo.InvariantCulture);
    }

    private Value Metric(Metric metric, string path)
    {
        switch (metric)
        {
            case ScoreMetric score:
                var inner = Number(Metric(score.Of, path + ".of"), path + ".of");
                var reached = string.Join(" + ", score.Thresholds.Select(t => $"({inner} >= {Decimal(t)})"));
                var value = score.Descending ? $"5 - ({reached})" : $"1 + {reached}";
                return new NumberValue($"if(({inner}) IS NULL, NULL, toDecimal128({value}, 9))");
            case EventMetric e:
                return Event(e, path);
            default:
                throw new UnsupportedException(path, $"metric '{metric.GetType().Name}' has no SQL form.");
        }
    }

    private Value Event(EventMetric e, string path)
    {
        var match = Filter(e.Event, path + ".event");
        if (e.WindowDays is { } days)
            match += $" AND toDate(ts, {_zone}) BETWEEN toDate(fromUnixTimestamp64Milli({_asOfMs}, 'UTC'), {_zone}) - {_p.Int64(days - 1)} AND toDate(fromUnixTimestamp64Milli({_asOfMs}, 'UTC'), {_zone})";
        var any = $"countIf({match}) > 0";
        const string Ms = "toUnixTimestamp64Milli(ts)";
        (string Is, string Value) Numeric()
        {
            if (e.Property is null)
                throw new UnsupportedException(path, $"{e.Function} needs a property.");
            return AsNumber(Path(e.Property, path + ".property")) is { } n
                ? ($"{n.Is} AND {n.Value} IS NOT NULL", n.Value)
                : throw new UnsupportedException(path + ".property", $"{e.Property} is not a number.");
        }
        switch (e.Function)
        {
            case MetricFunction.Count:
                return new NumberValue(Aggregate($"toDecimal128(countIf({match}), 9)"));
            case MetricFunction.Sum:
            {
                var (isN, n) = Numeric();
                return new NumberValue(Aggregate($"sumIf(ifNull({n}, toDecimal128(0, 9)), {match} AND {isN})"));
            }
            case MetricFunction.Avg:
            {
                var (isN, n) = Numeric();
                return new NumberValue(Aggregate($"if(countIf({match} AND {isN}) = 0, NULL, sumIf(ifNull({n}, toDecimal128(0, 9)), {match} AND {isN}) / countIf({match} AND {isN}))"));
            }
            case MetricFunction.Min or MetricFunction.Max:
            {
                var (isN, n) = Numeric();
                var fn = e.Function == MetricFunction.Min ? "minIf" : "maxIf";
                return new NumberValue(Aggregate($"if(countIf({match} AND {isN}) = 0, NULL, {fn}(ifNull({n}, toDecimal128(0, 9)), {match} AND {isN}))"));
            }
            case MetricFunction.Distinct:
            {
                if (e.Property is null)
                    throw new UnsupportedException(path, "distinct needs a property.");
                var v = Path(e.Property, path + ".property");
                var keys = new List<string>();
                if (AsNumber(v) is (string isN, string n))
                    keys.Add($"{isN}, concat('n', toString({n}))");
                if (AsString(v) is (string isS, string s))
                    keys.Add($"{isS}, concat('s', {s})");
                if (AsBool(v) is (string isB, string b))
                    keys.Add($"{isB}, concat('b', toString({b}))");
                var key = $"multiIf({string.Join(", ", keys)}, NULL)";
                return new NumberValue(Aggregate($"toDecimal128(uniqExactIf({key}, {match} AND ({key}) IS NOT NULL), 9)"));
            }
            case MetricFunction.First or MetricFunction.Last when e.Property is null:
            {
                var fn = e.Function == MetricFunction.First ? "minIf" : "maxIf";
                return new NumberValue(Aggregate($"if({any}, toDecimal128({fn}({Ms}, {match}), 9), NULL)"));
            }
            case MetricFunction.First or MetricFunction.Last:
            {
                if (e.Property.Root == FieldRoot.Attribute)
                    throw new UnsupportedException(path + ".property", $"first/last of the attribute {e.Property} has no SQL form; use a properties/context/traits path.");
                var json = (JsonValue)Path(e.Property, path + ".property");
                var fn = e.Function == MetricFunction.First ? "argMinIf" : "argMaxIf";
                // Ties on time: the smaller / larger messageId wins, as live.
                return RawJson(Aggregate($"{fn}(JSONExtractRaw({json.Doc}, {json.Keys}), ({Ms}, message_id), {match})"));
            }
            case MetricFunction.ShareOfHours:
            {
                if (e.Hours is not { } hours)
                    throw new UnsupportedException(path, "shareOfHours needs hours.");
                var h = $"toHour(ts, {_zone})";
                var from = _p.Int64(hours.From);
                var to = _p.Int64(hours.To);
                var inHours = hours.From < hours.To ? $"({h} >= {from} AND {h} < {to})" : $"({h} >= {from} OR {h} < {to})";
                return new NumberValue(Aggregate($"if({any}, toDecimal128(countIf({match} AND {inHours}), 9) / countIf({match}), NULL)"));
            }
            case MetricFunction.DaysSince or MetricFunction.HoursSince:
            {
                var unit = _p.Int64(e.Function == MetricFunction.DaysSince ? 86_400_000 : 3_600_000);
                // Events are never after asOf here, so the difference is not negative and intDiv floors.
                return new NumberValue(Aggregate($"if({any}, toDecimal128(intDiv({_asOfMs} - maxIf({Ms}, {match}), {unit}), 9), NULL)"));
            }
            default:
                throw new UnsupportedException(path, $"metric function {e.Function} has no SQL form.");
        }
    }

    private string Filter(EventFilter filter, string path)
    {
        var parts = new List<string>();
        if (filter.Names.Count > 0)
            parts.Add($"{NameSql} IN {_p.Strings(filter.Names)}");
        if (filter.Types.Count > 0)
            parts.Add($"type IN {_p.Strings(filter.Types)}");
        for (var i = 0; i < filter.Where.Count; i++)
        {
            var predicate = filter.Where[i];
            parts.Add(Holds(Path(predicate.Path, $"{path}.where[{i}].path"), predicate.Operator, [.. predicate.Values.Select(v => new Right(v, null))]));
        }
        return parts.Count == 0 ? "1" : "(" + string.Join(" AND ", parts) + ")";
    }
}

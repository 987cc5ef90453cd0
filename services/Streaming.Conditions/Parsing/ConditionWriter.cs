using System.Text;
using System.Text.Json;
using Streaming.Conditions.Model;

namespace Streaming.Conditions.Parsing;

/// <summary>
/// Writes the model back as canonical JSON (the form <see cref="ConditionParser"/> reads): full
/// paths, canonical function names, defaults omitted. Equal metrics give equal text, which is
/// what live profiles use to share a metric between definitions.
/// </summary>
public static class ConditionWriter
{
    public static string Write(TagDefinition tag) => WriteJson(w =>
    {
        w.WriteStartObject();
        w.WriteString("name", tag.Name);
        if (tag.Description is not null)
            w.WriteString("description", tag.Description);
        if (tag.Category is not null)
            w.WriteString("category", tag.Category);
        WriteDocumentBody(w, tag.Document);
        w.WriteEndObject();
    });

    public static string Write(ConditionDocument document) => WriteJson(w =>
    {
        w.WriteStartObject();
        WriteDocumentBody(w, document);
        w.WriteEndObject();
    });

    public static string Write(Condition condition) => WriteJson(w => WriteCondition(w, condition));

    public static string Write(Metric metric) => WriteJson(w => WriteMetric(w, metric));

    public static string Write(EventFilter filter) => WriteJson(w => WriteFilter(w, filter));

    public static string Write(PropertyPredicate predicate) => WriteJson(w => WritePredicate(w, predicate));

    private static void WriteDocumentBody(Utf8JsonWriter w, ConditionDocument document)
    {
        if (document.TimeZone != TimeZoneInfo.Utc)
            w.WriteString("timeZone", document.TimeZone.Id);
        w.WritePropertyName("condition");
        WriteCondition(w, document.Condition);
    }

    private static string WriteJson(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(writer);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static void WriteCondition(Utf8JsonWriter w, Condition condition)
    {
        w.WriteStartObject();
        switch (condition)
        {
            case AllCondition all:
                WriteList(w, "all", all.Conditions);
                break;
            case AnyCondition any:
                WriteList(w, "any", any.Conditions);
                break;
            case NotCondition not:
                w.WritePropertyName("not");
                WriteCondition(w, not.Condition);
                break;
            case MetricCondition m:
                w.WritePropertyName("metric");
                WriteMetric(w, m.Metric);
                WriteComparison(w, m.Operator, m.Operands, WriteOperand);
                break;
            case TraitCondition t:
                w.WriteString("trait", t.Trait);
                WriteComparison(w, t.Operator, t.Values, (writer, v) => v.WriteTo(writer));
                break;
            case TagMemberCondition member:
                w.WriteString("tag", member.Tag);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(condition), condition.GetType().Name, "Unknown condition node.");
        }
        w.WriteEndObject();
    }

    private static void WriteList(Utf8JsonWriter w, string name, IReadOnlyList<Condition> conditions)
    {
        w.WritePropertyName(name);
        w.WriteStartArray();
        foreach (var c in conditions)
            WriteCondition(w, c);
        w.WriteEndArray();
    }

    /// <summary><c>"op"</c>, then <c>"value"</c>: none, one, or a list, as the operator takes.</summary>
    private static void WriteComparison<T>(Utf8JsonWriter w, ComparisonOperator op, IReadOnlyList<T> values, Action<Utf8JsonWriter, T> write)
    {
        w.WriteString("op", op.Name());
        if (op.Arity() == 0)
            return;
        w.WritePropertyName("value");
        if (op.Arity() == 1)
        {
            write(w, values[0]);
            return;
        }
        w.WriteStartArray();
        foreach (var v in values)
            write(w, v);
        w.WriteEndArray();
    }

    private static void WriteOperand(Utf8JsonWriter w, Operand operand)
    {
        switch (operand)
        {
            case LiteralOperand literal:
                literal.Value.WriteTo(w);
                break;
            case AgoOperand ago:
                w.WriteStartObject();
                w.WriteString("ago", Durations.Format(ago.Duration));
                w.WriteEndObject();
                break;
            case MetricOperand metric:
                w.WriteStartObject();
                w.WritePropertyName("metric");
                WriteMetric(w, metric.Metric);
                if (metric.Times != 1)
                    w.WriteNumber("times", metric.Times);
                if (metric.Plus != 0)
                    w.WriteNumber("plus", metric.Plus);
                w.WriteEndObject();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(operand), operand.GetType().Name, "Unknown operand.");
        }
    }

    public static void WriteMetric(Utf8JsonWriter w, Metric metric)
    {
        w.WriteStartObject();
        switch (metric)
        {
            case EventMetric e:
                w.WriteString("fn", FunctionName(e.Function));
                if (e.Event.Names.Count > 0 || e.Event.Types.Count > 0 || e.Event.Where.Count > 0)
                {
                    w.WritePropertyName("event");
                    WriteFilter(w, e.Event);
                }
                if (e.Property is not null)
                    w.WriteString("property", e.Property.ToString());
                if (e.WindowDays is not null)
                    w.WriteString("window", $"{e.WindowDays}d");
                if (e.Hours is not null)
                {
                    w.WriteStartArray("hours");
                    w.WriteNumberValue(e.Hours.From);
                    w.WriteNumberValue(e.Hours.To);
                    w.WriteEndArray();
                }
                break;
            case ScoreMetric s:
                w.WriteString("fn", "score");
                w.WritePropertyName("of");
                WriteMetric(w, s.Of);
                w.WriteStartArray("thresholds");
                foreach (var t in s.Thresholds)
                    w.WriteNumberValue(t);
                w.WriteEndArray();
                if (s.Descending)
                    w.WriteString("order", "descending");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(metric), metric.GetType().Name, "Unknown metric.");
        }
        w.WriteEndObject();
    }

    private static void WriteFilter(Utf8JsonWriter w, EventFilter filter)
    {
        w.WriteStartObject();
        WriteStrings(w, "name", [.. filter.Names.Order(StringComparer.Ordinal)]);
        WriteStrings(w, "type", [.. filter.Types.Order(StringComparer.Ordinal)]);
        if (filter.Where.Count > 0)
        {
            w.WriteStartArray("where");
            foreach (var p in filter.Where)
                WritePredicate(w, p);
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    private static void WritePredicate(Utf8JsonWriter w, PropertyPredicate p)
    {
        w.WriteStartObject();
        w.WriteString("path", p.Path.ToString());
        WriteComparison(w, p.Operator, p.Values, (writer, v) => v.WriteTo(writer));
        w.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter w, string key, IReadOnlyList<string> values)
    {
        if (values.Count == 1)
        {
            w.WriteString(key, values[0]);
        }
        else if (values.Count > 1)
        {
            w.WriteStartArray(key);
            foreach (var v in values)
                w.WriteStringValue(v);
            w.WriteEndArray();
        }
    }

    public static string FunctionName(MetricFunction function) => function switch
    {
        MetricFunction.ShareOfHours => "shareOfHours",
        MetricFunction.DaysSince => "daysSince",
        MetricFunction.HoursSince => "hoursSince",
        _ => function.ToString().ToLowerInvariant(),
    };
}

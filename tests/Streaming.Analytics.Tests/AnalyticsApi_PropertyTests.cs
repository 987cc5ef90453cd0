using System.Net;
using System.Text;
using CsCheck;

namespace Streaming.Analytics.Tests;

/// <summary>
/// Random JSON of the right shape (each endpoint's fields with odd values) and of the wrong shape
/// (any JSON, fields of the wrong type, cut or noisy bodies) thrown at the analytics API on a real
/// host over chDB never answers 5xx.
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class AnalyticsApi_PropertyTests(ClickHouseFixture fixture)
{
    private static readonly string[] Endpoints = ["trends", "funnel", "retention", "paths", "audiences/count", "audiences/export"];

    private static readonly string[] Keys =
    [
        "event", "steps", "filters", "property", "op", "value", "from", "to", "measure", "interval", "breakdown", "windowSeconds",
        "cohortEvent", "returnEvent", "period", "periods", "direction", "sessionGapSeconds", "limit", "condition", "tagCondition",
        "definition", "asOf", "sample", "all", "any", "not", "tag", "trait", "where", "atLeast", "withinDays", "metric", "fn",
        "window", "hours", "timeZone", "name", "path", "ago", "x", "",
    ];

    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.OneOf("", " ", "View", "Order", "revenue", "$day", "properties.a.b", "traits.plan", "eq", "gte", "in", "between",
            "count", "persons", "sum", "day", "hour", "month", "week", "after", "before", "UTC", "Asia/Shanghai", "30d", "\\u0000",
            "\\ud800", "'; DROP TABLE events; --", "{\\\"a\\\":1}", "2024-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"),
        Gen.Int[0, 3_000].Select(n => new string('x', n)),
        Gen.String[0, 40].Select(s => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)));

    private static readonly Gen<string> Scalar = Gen.OneOf(
        Gen.OneOf("null", "true", "false", "0", "-0.0", "-1", "1e308", "-1e308", "12345678901234567890123", "0.5", "2147483648", "-2147483649"),
        Gen.Long.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        Text.Select(t => "\"" + t + "\""));

    /// <summary>Any JSON up to a few levels deep, with the API's own key names.</summary>
    private static readonly Gen<string> Json = Gen.Recursive<string>((depth, json) => depth >= 4
        ? Scalar
        : Gen.Frequency(
            (4, Scalar),
            (2, json.Array[0, 5].Select(items => "[" + string.Join(",", items) + "]")),
            (3, Gen.Select(Gen.OneOf(Keys), json).Array[0, 6].Select(members => "{" + string.Join(",", members.Select(m => $"\"{m.Item1}\":{m.Item2}")) + "}"))));

    private static readonly Gen<string> Date = Gen.OneOf(
        Gen.OneOf("\"2024-01-01T00:00:00Z\"", "\"2024-02-01T00:00:00Z\"", "\"2020-01-01T00:00:00Z\"", "\"0001-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59Z\""),
        Scalar);

    /// <summary>A filter in the condition language's form, or in the old form read for one release.</summary>
    private static readonly Gen<string> Filter = Gen.OneOf(
        Gen.Select(Text, Gen.OneOf("eq", "ne", "gt", "gte", "lt", "lte", "between", "in", "notIn", "contains", "startsWith", "exists", "bad"), Json,
            (p, op, v) => $"{{\"path\":\"{p}\",\"op\":\"{op}\",\"value\":{v}}}"),
        Gen.Select(Text, Gen.OneOf("eq", "neq", "gt", "gte", "lt", "lte", "contains", "bad"), Scalar,
            (p, op, v) => $"{{\"property\":\"{p}\",\"op\":\"{op}\",\"value\":{v}}}"));

    private static readonly Gen<string> Filters = Gen.OneOf(Filter.Array[0, 4].Select(f => "[" + string.Join(",", f) + "]"), Json);

    /// <summary>An audience condition: tag/trait/event leaves under all/any/not, with odd values.</summary>
    private static readonly Gen<string> Audience = Gen.Recursive<string>((depth, node) => depth >= 3
        ? Leaf()
        : Gen.Frequency(
            (3, Leaf()),
            (1, Gen.Select(Gen.OneOf("all", "any"), node.Array[0, 4], (k, items) => $"{{\"{k}\":[{string.Join(",", items)}]}}")),
            (1, node.Select(inner => $"{{\"not\":{inner}}}")),
            (1, Json)));

    private static Gen<string> Leaf() => Gen.OneOf(
        Text.Select(t => $"{{\"tag\":\"{t}\"}}"),
        Gen.Select(Scalar, Scalar, Scalar, (t, op, v) => $"{{\"trait\":{t},\"op\":{op},\"value\":{v}}}"),
        Gen.Select(Text, Scalar, Scalar, Filters, (e, a, w, f) => $"{{\"event\":\"{e}\",\"atLeast\":{a},\"withinDays\":{w},\"where\":{f}}}"));

    /// <summary>A tag-language condition with odd values.</summary>
    private static readonly Gen<string> TagCondition = Gen.OneOf(
        Gen.Select(Scalar, Gen.OneOf("\"eq\"", "\"in\"", "\"between\"", "\"gte\"", "5"), Json, (t, op, v) => $"{{\"trait\":{t},\"op\":{op},\"value\":{v}}}"),
        Gen.Select(Json, Json, (m, v) => $"{{\"metric\":{m},\"op\":\"gte\",\"value\":{v}}}"),
        Gen.Select(Text, Scalar, Json, (e, w, where) => $"{{\"metric\":{{\"fn\":\"count\",\"event\":{{\"name\":\"{e}\",\"where\":{where}}},\"window\":{w}}},\"op\":\"gte\",\"value\":1}}"),
        Json);

    private static Gen<string> RightShape(string endpoint) => endpoint switch
    {
        "trends" => Gen.Select(Text, Date, Date, Gen.OneOf("count", "persons", "sum", "x"), Text, Gen.OneOf("hour", "day", "week", "month", "year"), Filters,
            (e, f, t, m, p, i, fs) => $"{{\"event\":\"{e}\",\"from\":{f},\"to\":{t},\"measure\":\"{m}\",\"property\":\"{p}\",\"interval\":\"{i}\",\"breakdown\":\"{p}\",\"filters\":{fs}}}"),
        "funnel" => Gen.Select(Gen.Select(Text, Filters, (e, fs) => $"{{\"event\":\"{e}\",\"filters\":{fs}}}").Array[0, 22], Date, Date, Scalar,
            (steps, f, t, w) => $"{{\"steps\":[{string.Join(",", steps)}],\"from\":{f},\"to\":{t},\"windowSeconds\":{w}}}"),
        "retention" => Gen.Select(Date, Date, Text, Text, Gen.OneOf("day", "week", "month", "hour"), Scalar,
            (f, t, c, r, p, n) => $"{{\"from\":{f},\"to\":{t},\"cohortEvent\":\"{c}\",\"returnEvent\":\"{r}\",\"period\":\"{p}\",\"periods\":{n}}}"),
        "paths" => Gen.Select(Text, Date, Date, Gen.OneOf("after", "before", "sideways"), Scalar, Scalar, Scalar,
            (e, f, t, d, s, g, l) => $"{{\"event\":\"{e}\",\"from\":{f},\"to\":{t},\"direction\":\"{d}\",\"steps\":{s},\"sessionGapSeconds\":{g},\"limit\":{l}}}"),
        _ => Gen.OneOf(
            Gen.Select(Audience, Scalar, (c, s) => $"{{\"condition\":{c},\"sample\":{s}}}"),
            Gen.Select(TagCondition, Date, (c, at) => $"{{\"tagCondition\":{c},\"asOf\":{at}}}"),
            Gen.Select(TagCondition, Scalar, (c, tz) => $"{{\"tagCondition\":{{\"timeZone\":{tz},\"condition\":{c}}}}}"),
            Text.Select(d => $"{{\"definition\":\"{d}\"}}")),
    };

    /// <summary>Wrong shape: any JSON, the right shape cut short, or a byte replaced.</summary>
    private static Gen<string> WrongShape(string endpoint) => Gen.OneOf(
        Json,
        Gen.Select(RightShape(endpoint), Gen.Double[0, 1], (json, cut) => json[..(int)(json.Length * cut)]),
        Gen.Select(RightShape(endpoint), Gen.Double[0, 1], Gen.Char, (json, at, c) =>
            json.Length == 0 ? json : json.Remove((int)((json.Length - 1) * at), 1).Insert((int)((json.Length - 1) * at), c.ToString())));

    [Fact]
    public async Task Api_never_answers_5xx_to_random_json_of_the_right_or_the_wrong_shape()
    {
        var db = await fixture.NewDatabaseAsync();
        await using var app = await AnalyticsApiHost.StartAsync(db);
        using var http = AnalyticsApiHost.Client(app, "shop");
        var request = Gen.OneOf(Endpoints).SelectMany(endpoint =>
            Gen.OneOf(RightShape(endpoint), WrongShape(endpoint)).Select(body => (endpoint, body)));

        await request.SampleAsync(async pair =>
        {
            using var response = await http.PostAsync($"/api/analytics/{pair.endpoint}", new StringContent(pair.body, Encoding.UTF8, "application/json"));
            var answer = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {pair.endpoint} {Shorten(pair.body)}: {Shorten(answer)}");
        }, iter: 150, threads: 1);

        // The host still answers a good query afterwards.
        using var good = await http.PostAsync("/api/analytics/trends", new StringContent(
            """{"event": "View", "from": "2024-01-01T00:00:00Z", "to": "2024-02-01T00:00:00Z"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    private static string Shorten(string text) => text.Length <= 2_000 ? text : text[..2_000] + "…";
}

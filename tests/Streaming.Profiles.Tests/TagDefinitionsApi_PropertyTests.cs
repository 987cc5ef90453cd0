using System.Net;
using System.Text;
using CsCheck;

namespace Streaming.Profiles.Tests;

/// <summary>
/// The tag definitions API on a real host (embedded Kafka, Redis): random definitions of the right
/// shape and of the wrong shape, in JSON and YAML, never answer 5xx; the YAML bombs answer 400.
/// </summary>
public sealed class TagDefinitionsApi_PropertyTests : IAsyncLifetime
{
    private ProfilesFixture _host = null!;

    public async Task InitializeAsync() => _host = await ProfilesFixture.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static readonly string[] Keys =
    [
        "name", "description", "category", "timeZone", "condition", "all", "any", "not", "metric", "trait", "op", "value",
        "fn", "event", "property", "window", "hours", "of", "thresholds", "order", "type", "where", "path", "ago", "times", "plus", "x",
    ];

    private static readonly Gen<string> Text = Gen.OneOf(
        Gen.OneOf("", "plan", "Order Completed", "count", "sum", "first", "daysSince", "score", "eq", "in", "between", "gte", "30d", "0d",
            "91d", "UTC", "Mars/Olympus", "$channel", "$nope", "properties.a.b", "traits.", "track", "\\ud800", "2025-01-31T00:00:00Z"),
        Gen.Int[0, 1_500].Select(n => new string('y', n)),
        Gen.String[0, 20].Select(s => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)));

    private static readonly Gen<string> Scalar = Gen.OneOf(
        Gen.OneOf("null", "true", "false", "0", "-1", "1e308", "-0.0", "79228162514264337593543950336", "0.5", "24"),
        Text.Select(t => "\"" + t + "\""));

    private static readonly Gen<string> Json = Gen.Recursive<string>((depth, json) => depth >= 5
        ? Scalar
        : Gen.Frequency(
            (4, Scalar),
            (2, json.Array[0, 5].Select(items => "[" + string.Join(",", items) + "]")),
            (3, Gen.Select(Gen.OneOf(Keys), json).Array[0, 5].Select(members => "{" + string.Join(",", members.Select(m => $"\"{m.Item1}\":{m.Item2}")) + "}"))));

    private static readonly Gen<string> Metric = Gen.Select(Gen.OneOf("count", "sum", "distinct", "first", "shareOfHours", "daysSince", "score", "nope"), Text, Scalar, Json,
        (fn, e, w, where) => $"{{\"fn\":\"{fn}\",\"event\":{{\"name\":\"{e}\",\"where\":{where}}},\"window\":{w},\"property\":\"{e}\"}}");

    private static readonly Gen<string> Condition = Gen.Recursive<string>((depth, node) => depth >= 3
        ? Gen.OneOf(
            Gen.Select(Metric, Gen.OneOf("gte", "eq", "in", "between", "isSet", "x"), Json, (m, op, v) => $"{{\"metric\":{m},\"op\":\"{op}\",\"value\":{v}}}"),
            Gen.Select(Scalar, Gen.OneOf("eq", "in", "between", "isSet", "x"), Json, (t, op, v) => $"{{\"trait\":{t},\"op\":\"{op}\",\"value\":{v}}}"))
        : Gen.Frequency(
            (2, Gen.Select(Gen.OneOf("all", "any"), node.Array[0, 4], (k, items) => $"{{\"{k}\":[{string.Join(",", items)}]}}")),
            (1, node.Select(inner => $"{{\"not\":{inner}}}")),
            (1, Json)));

    private static readonly Gen<string> RightShape = Gen.Select(Text, Scalar, Condition,
        (name, tz, condition) => $"{{\"name\":\"{name}\",\"timeZone\":{tz},\"condition\":{condition}}}");

    /// <summary>JSON of the right or wrong shape, cut, or turned into YAML-looking text.</summary>
    private static readonly Gen<(string Body, string ContentType)> Definition = Gen.OneOf(
        RightShape.Select(b => (b, "application/json")),
        Json.Select(b => (b, "application/json")),
        Gen.Select(RightShape, Gen.Double[0, 1], (b, cut) => (b[..(int)(b.Length * cut)], "application/json")),
        Gen.Select(RightShape, Gen.Int[1, 40], (b, depth) => ($"name: y\ncondition: {new string('[', depth)}{b}{new string(']', depth)}\n", "application/yaml")),
        Gen.Select(Text, Gen.Int[1, 9], (t, width) => ($"name: &a [{string.Join(", ", Enumerable.Repeat(t.Length == 0 ? "x" : "x" + t.Length, width))}]\nb: &b [{string.Join(", ", Enumerable.Repeat("*a", width))}]\nc: [*b, *b, *b]\n", "application/yaml")),
        Gen.String[0, 200].Select(s => (s, "application/yaml")));

    [Fact]
    public async Task Tag_definitions_api_never_answers_5xx_to_random_definitions()
    {
        var tenant = "t" + Guid.NewGuid().ToString("N")[..8];

        await Definition.SampleAsync(async pair =>
        {
            using var response = await _host.PutTagAsync(tenant, "random", pair.Body, pair.ContentType);
            var answer = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {pair.ContentType} {Shorten(pair.Body)}: {Shorten(answer)}");
        }, iter: 300, threads: 1);
    }

    [Fact]
    public async Task Tag_definitions_api_answers_400_to_yaml_alias_bombs_and_deep_nesting()
    {
        var tenant = "t" + Guid.NewGuid().ToString("N")[..8];
        var bomb = new StringBuilder("name: bomb\na: &a [x, x, x, x, x, x, x, x]\n");
        for (var level = 'b'; level <= 'g'; level++)
            bomb.Append(level).Append(": &").Append(level).Append(" [").Append(string.Join(", ", Enumerable.Repeat("*" + (char)(level - 1), 8))).Append("]\n");
        var deep = "name: deep\ncondition: " + new string('[', 30_000) + new string(']', 30_000) + "\n";

        using var bombed = await _host.PutTagAsync(tenant, "bomb", bomb.ToString(), "application/yaml");
        using var nested = await _host.PutTagAsync(tenant, "deep", deep, "application/yaml");

        Assert.Equal(HttpStatusCode.BadRequest, bombed.StatusCode);
        Assert.Contains("expands to more than 10000 values", await bombed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, nested.StatusCode);
        Assert.Contains("nested deeper than 64 levels", await nested.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static string Shorten(string text) => text.Length <= 1_500 ? text : text[..1_500] + "…";
}

using System.Text.Json;
using Streaming.Conditions.Evaluation;
using Streaming.Conditions.Model;
using Streaming.Conditions.Parsing;
using Streaming.Contracts.Records;

namespace Streaming.Conditions.Tests;

public class EventView_PropertiesTests
{
    private static EventView View(string properties = "{}", string context = "{}", string traits = "{}", string type = "track", string name = "Order Completed") =>
        new(new TrackingEvent
        {
            MessageId = "m1", Type = type, Event = name, Tenant = "t", Source = "shop",
            Timestamp = 1_750_000_000_000, Properties = properties, Context = context, Traits = traits,
        });

    /// <summary>The filter of a count metric whose <c>where</c> is the given JSON list.</summary>
    private static EventFilter Where(string predicates) =>
        ConditionParser.ParseCondition(JsonDocument.Parse($$$"""
            {"metric":{"fn":"count","event":{"where":{{{predicates}}}}},"op":"gte","value":1}
            """).RootElement).GetValueOrThrow() is MetricCondition { Metric: EventMetric m }
            ? m.Event
            : throw new InvalidOperationException("not an event metric");

    private static Scalar? Value(EventView view, params string[] segments) => view.Value(FieldPath.Property(segments), TimeZoneInfo.Utc);

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"revenue\": 10,}")]
    [InlineData("{\"revenue\": 10} trailing")]
    [InlineData("/* comment */ {\"revenue\": 10}")]
    [InlineData("{'revenue': 10}")]
    [InlineData("")]
    [InlineData("   ")]
    public void EventView_treats_unreadable_properties_as_missing(string properties)
    {
        var view = View(properties);

        Assert.Equal(JsonValueKind.Undefined, view.Properties.ValueKind);
        Assert.Null(Value(view, "revenue"));
        Assert.True(view.Matches(Where("""[{"path":"revenue","op":"notExists"}]"""), TimeZoneInfo.Utc));
        Assert.False(view.Matches(Where("""[{"path":"revenue","op":"exists"}]"""), TimeZoneInfo.Utc));
        Assert.False(view.Matches(Where("""[{"path":"revenue","op":"ne","value":5}]"""), TimeZoneInfo.Utc));
    }

    [Theory]
    [InlineData("null", JsonValueKind.Null)]
    [InlineData("[{\"revenue\": 10}]", JsonValueKind.Array)]
    [InlineData("\"revenue\"", JsonValueKind.String)]
    public void EventView_reads_no_values_from_properties_that_are_not_an_object(string properties, JsonValueKind kind)
    {
        var view = View(properties);

        Assert.Equal(kind, view.Properties.ValueKind);
        Assert.Null(Value(view, "revenue"));
        Assert.True(view.Matches(Where("""[{"path":"revenue","op":"notExists"}]"""), TimeZoneInfo.Utc));
    }

    [Fact]
    public void EventView_reads_unicode_and_escaped_names_and_values()
    {
        var view = View("""{"caf\u00e9": "\u4e2d\u6587 \ud83d\ude00", "名前": "値", "quote\"d": "a\\b", "emoji😀": true}""");

        Assert.Equal(Scalar.Of("中文 😀"), Value(view, "café"));
        Assert.Equal(Scalar.Of("値"), Value(view, "名前"));
        Assert.Equal(Scalar.Of("a\\b"), Value(view, "quote\"d"));
        Assert.Equal(Scalar.Of(true), Value(view, "emoji😀"));
        Assert.True(view.Matches(Where("""[{"path":"café","op":"startsWith","value":"中文"},{"path":"名前","op":"in","value":["x","値"]}]"""), TimeZoneInfo.Utc));
        Assert.False(view.Matches(Where("""[{"path":"名前","op":"eq","value":"値 "}]"""), TimeZoneInfo.Utc));
    }

    [Fact]
    public void EventView_reads_numbers_as_exact_decimals()
    {
        var view = View("""{"price": 19.99, "sci": 1.5e2, "count": 10, "negative": -0.1, "huge": 1e400}""");

        Assert.Equal(Scalar.Of(19.99m), Value(view, "price"));
        Assert.Equal(Scalar.Of(150m), Value(view, "sci"));
        Assert.True(Value(view, "count")!.Value.ValueEquals(Scalar.Of(10.0m)));
        Assert.Equal(Scalar.Of(-0.1m), Value(view, "negative"));
        Assert.Null(Value(view, "huge"));
        Assert.True(view.Matches(Where("""[{"path":"price","op":"between","value":[19.99, 20]},{"path":"sci","op":"eq","value":150.0}]"""), TimeZoneInfo.Utc));
        Assert.False(view.Matches(Where("""[{"path":"price","op":"gt","value":19.99}]"""), TimeZoneInfo.Utc));
    }

    [Fact]
    public void EventView_walks_nested_paths_in_properties_context_and_traits()
    {
        var view = View(
            properties: """{"product": {"sku": "A-1", "tags": ["x"], "dims": {"w": 2}}, "plain": "text"}""",
            context: """{"app": {"version": "2.0"}}""",
            traits: """{"address": {"city": "Berlin"}}""",
            type: "identify");

        Assert.Equal(Scalar.Of("A-1"), Value(view, "product", "sku"));
        Assert.Equal(Scalar.Of(2m), Value(view, "product", "dims", "w"));
        Assert.Null(Value(view, "product", "missing"));
        Assert.Null(Value(view, "product", "tags"));
        Assert.Null(Value(view, "product", "dims"));
        Assert.Null(Value(view, "plain", "deeper"));
        Assert.Equal(Scalar.Of("2.0"), view.Value(new FieldPath(FieldRoot.Context, ["app", "version"]), TimeZoneInfo.Utc));
        Assert.Equal(Scalar.Of("Berlin"), view.Value(new FieldPath(FieldRoot.Traits, ["address", "city"]), TimeZoneInfo.Utc));
        Assert.True(view.Matches(Where("""[{"path":"product.dims.w","op":"gte","value":2},{"path":"context.app.version","op":"eq","value":"2.0"},{"path":"traits.address.city","op":"eq","value":"Berlin"}]"""), TimeZoneInfo.Utc));
    }

    [Fact]
    public void EventView_filters_with_in_and_notIn_lists_by_kind_and_value()
    {
        var view = View("""{"plan": "gold", "tier": 2}""");

        Assert.True(view.Matches(Where("""[{"path":"plan","op":"in","value":["silver","gold"]}]"""), TimeZoneInfo.Utc));
        Assert.False(view.Matches(Where("""[{"path":"plan","op":"in","value":["silver","bronze"]}]"""), TimeZoneInfo.Utc));
        Assert.True(view.Matches(Where("""[{"path":"tier","op":"in","value":[1, 2.0, 3]}]"""), TimeZoneInfo.Utc));
        Assert.False(view.Matches(Where("""[{"path":"tier","op":"in","value":["2"]}]"""), TimeZoneInfo.Utc));
        Assert.True(view.Matches(Where("""[{"path":"plan","op":"notIn","value":["silver","bronze"]}]"""), TimeZoneInfo.Utc));
        Assert.False(view.Matches(Where("""[{"path":"plan","op":"notIn","value":["gold"]}]"""), TimeZoneInfo.Utc));
        Assert.False(view.Matches(Where("""[{"path":"missing","op":"notIn","value":["gold"]}]"""), TimeZoneInfo.Utc));
        Assert.False(view.Matches(Where("""[{"path":"plan","op":"in","value":["gold"]},{"path":"tier","op":"in","value":[3]}]"""), TimeZoneInfo.Utc));
    }

    [Theory]
    [InlineData("""{"channel": "kiosk", "app": {}}""", "kiosk")]
    [InlineData("""{"channel": "", "app": {}}""", "app")]
    [InlineData("""{"channel": 7, "page": {}}""", "web")]
    [InlineData("""{"miniprogram": {}, "app": {}, "page": {}}""", "miniprogram")]
    [InlineData("""{"app": null, "page": {}}""", "app")]
    [InlineData("""{"userAgent": "Mozilla/5.0"}""", "web")]
    [InlineData("""{"ip": "8.8.8.8"}""", "server")]
    [InlineData("""{"ch\u0061nnel": "k\u00efosk"}""", "kïosk")]
    [InlineData("[]", "server")]
    [InlineData("{broken", "server")]
    [InlineData("", "server")]
    public void EventView_channel_comes_from_the_context(string context, string channel)
    {
        var view = View(context: context);

        Assert.Equal(channel, view.Channel);
        Assert.Equal(Scalar.Of(channel), view.Value(FieldPath.Attribute(FieldPath.Channel), TimeZoneInfo.Utc));
    }

    [Fact]
    public void EventView_filters_by_names_and_types()
    {
        var page = View(type: "page", name: "Home");

        Assert.Equal("Home", page.Name);
        Assert.True(page.Matches(new EventFilter(["Other", "Home"], ["page"], []), TimeZoneInfo.Utc));
        Assert.False(page.Matches(new EventFilter(["home"], [], []), TimeZoneInfo.Utc));
        Assert.False(page.Matches(new EventFilter([], ["track", "screen"], []), TimeZoneInfo.Utc));
        Assert.True(page.Matches(EventFilter.AnyEvent, TimeZoneInfo.Utc));
    }
}

using Streaming.Conditions.Evaluation;
using Streaming.Conditions.Model;
using Streaming.Contracts.Records;

namespace Streaming.Conditions.Tests;

/// <summary>The one naming rule (<see cref="EventNames"/>) as the language sees it, and the identifier attributes.</summary>
public sealed class EventView_NamesTests
{
    private static TrackingEvent Event(string type, string? name = null, string? @event = null, string properties = "{}", string? userId = null, string? anonymousId = "a1") => new()
    {
        MessageId = "m1", Type = type, Name = name, Event = @event, Tenant = "t", Source = "web", Timestamp = 1_750_000_000_000,
        Properties = properties, UserId = userId, AnonymousId = anonymousId,
    };

    [Theory]
    [InlineData("track", null, "Order Completed", "{}", "Order Completed")]
    [InlineData("page", "Home", null, """{"category": "Docs"}""", "Docs Home")]
    [InlineData("page", "Home", null, "{}", "Home")]
    [InlineData("screen", "Checkout", null, """{"category": 5}""", "Checkout")]
    [InlineData("page", null, null, """{"category": "Docs"}""", "Docs")]
    [InlineData("page", null, null, "{}", "page")]
    [InlineData("screen", "", null, "{}", "screen")]
    [InlineData("identify", null, null, "{}", "identify")]
    [InlineData("alias", null, null, "{}", "alias")]
    public void Event_name_is_the_same_in_the_language_and_in_the_stores_for_every_call_type(string type, string? name, string? @event, string properties, string expected)
    {
        var e = Event(type, name, @event, properties);

        Assert.Equal(expected, new EventView(e).Name);
        Assert.Equal(expected, EventNames.Of(e));
    }

    [Fact]
    public void UserId_attribute_is_missing_for_a_guest_event_and_present_for_a_member_event()
    {
        var guest = new EventView(Event("track", @event: "Order Completed"));
        var member = new EventView(Event("track", @event: "Order Completed", userId: "17850", anonymousId: null));

        Assert.Null(guest.Value(FieldPath.Attribute(FieldPath.UserId), TimeZoneInfo.Utc));
        Assert.Equal(Scalar.Of("a1"), guest.Value(FieldPath.Attribute(FieldPath.AnonymousId), TimeZoneInfo.Utc));
        Assert.Equal(Scalar.Of("17850"), member.Value(FieldPath.Attribute(FieldPath.UserId), TimeZoneInfo.Utc));
        Assert.Null(member.Value(FieldPath.Attribute(FieldPath.AnonymousId), TimeZoneInfo.Utc));
    }
}

using Microsoft.Extensions.Time.Testing;
using Streaming.Conditions.Parsing;
using Streaming.Contracts.Records;
using Streaming.Profiles.Model;
using Streaming.Profiles.Pipeline;
using Streaming.Profiles.Tags;

namespace Streaming.Profiles.Tests;

/// <summary>The built-in packs on a profile, with a test clock: each tag entered and left when it should.</summary>
public sealed class BuiltInTags_PacksTests
{
    private const string Tenant = "t";
    private static readonly TenantTags Packs = TagCatalog.Compile(Tenant,
        BuiltInPacks.All.SelectMany(p => p.Tags).Select(t => (t.Id, 1L, t.Definition)),
        (id, _, errors) => throw new InvalidOperationException($"{id}: {errors}"));

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly ProfileState _state = new();
    private int _offset;

    [Fact]
    public void Every_built_in_pack_definition_is_valid_and_round_trips()
    {
        Assert.Equal(["behaviour", "lifecycle", "rfm"], BuiltInPacks.All.Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var tag in BuiltInPacks.All.SelectMany(p => p.Tags))
        {
            var parsed = ConditionParser.ParseTagDefinition(tag.Definition);
            Assert.True(parsed.IsValid, $"{tag.Id}: {string.Join("; ", parsed.Errors)}");
            Assert.Equal(ConditionWriter.Write(parsed.Value!), ConditionWriter.Write(ConditionParser.ParseTagDefinition(ConditionWriter.Write(parsed.Value!)).GetValueOrThrow()));
        }
    }

    [Fact]
    public void Lapsed_visitor_is_entered_after_seven_days_without_a_visit_and_left_on_the_next_visit()
    {
        Send("Page Viewed", type: "page");
        Advance(TimeSpan.FromDays(6) + TimeSpan.FromHours(23));
        Assert.DoesNotContain("lapsed-visitor", Tags());
        Advance(TimeSpan.FromHours(1));
        Assert.Contains("lapsed-visitor", Tags());
        Send("Page Viewed", type: "page");
        Assert.DoesNotContain("lapsed-visitor", Tags());
    }

    [Fact]
    public void Frequent_visitor_needs_three_days_in_a_week_and_leaves_when_the_window_slides()
    {
        Send("Page Viewed", type: "page");
        Advance(TimeSpan.FromDays(1));
        Send("Page Viewed", type: "page");
        Send("Page Viewed", type: "page");
        Assert.DoesNotContain("frequent-visitor", Tags());
        Advance(TimeSpan.FromDays(1));
        Send("Page Viewed", type: "page");
        Assert.Contains("frequent-visitor", Tags());
        // "7d" is today and the 6 days before: the first visit day drops out on day 7.
        Advance(TimeSpan.FromDays(4));
        Assert.Contains("frequent-visitor", Tags());
        Advance(TimeSpan.FromDays(1));
        Assert.DoesNotContain("frequent-visitor", Tags());
    }

    [Fact]
    public void Cart_abandoner_is_entered_an_hour_after_adding_and_left_by_an_order()
    {
        Send("Product Added");
        Advance(TimeSpan.FromMinutes(59));
        Assert.DoesNotContain("cart-abandoner", Tags());
        Advance(TimeSpan.FromMinutes(1));
        Assert.Contains("cart-abandoner", Tags());
        Send("Order Completed", """{"revenue": 20}""");
        Assert.DoesNotContain("cart-abandoner", Tags());
        Assert.Null(_state.CartOpenSince);
    }

    [Fact]
    public void Quick_first_order_holds_only_for_an_order_within_a_day_of_signing_up()
    {
        Send("Signed Up");
        Advance(TimeSpan.FromHours(23));
        var changes = Send("Order Completed", """{"revenue": 20}""");
        Assert.Contains(changes, c => c is { Kind: ProfileChangeKind.TagEntered, TagId: "quick-first-order" });

        var slow = new BuiltInTags_PacksTests();
        slow.Send("Signed Up");
        slow.Advance(TimeSpan.FromHours(25));
        slow.Send("Order Completed", """{"revenue": 20}""");
        Assert.DoesNotContain("quick-first-order", slow.Tags());
    }

    [Fact]
    public void Big_order_and_frequent_buyer_follow_order_amounts_and_the_30_day_window()
    {
        Send("Order Completed", """{"revenue": 999.99}""");
        Assert.DoesNotContain("big-order", Tags());
        Advance(TimeSpan.FromDays(2));
        Send("Order Completed", """{"revenue": 1000}""");
        Assert.Contains("big-order", Tags());
        Assert.Contains("frequent-buyer", Tags());
        Advance(TimeSpan.FromDays(27));
        Assert.Contains("frequent-buyer", Tags());
        Advance(TimeSpan.FromDays(1));
        Assert.DoesNotContain("frequent-buyer", Tags());
        Assert.Contains("big-order", Tags());
    }

    [Fact]
    public void Night_browser_prefers_app_and_coupon_claimer_read_event_details()
    {
        _clock.SetUtcNow(new DateTimeOffset(2026, 3, 2, 21, 0, 0, TimeSpan.Zero));
        for (var i = 0; i < 3; i++)
            Send("Home", type: "screen", context: """{"app":{"version":"1.2"}}""");
        Send("Coupon Claimed", context: """{"app":{"version":"1.2"}}""");
        Assert.Contains("night-browser", Tags());
        Assert.Contains("prefers-app", Tags());
        Assert.Contains("coupon-claimer", Tags());
        _clock.Advance(TimeSpan.FromHours(12));
        for (var i = 0; i < 5; i++)
            Send("Home", type: "page", context: """{"page":{"path":"/"}}""");
        Assert.DoesNotContain("night-browser", Tags());
        Assert.DoesNotContain("prefers-app", Tags());
    }

    [Fact]
    public void Rfm_segment_moves_from_champions_to_at_risk_as_the_last_order_ages()
    {
        for (var i = 0; i < 5; i++)
        {
            Send("Order Completed", """{"revenue": 50}""");
            Advance(TimeSpan.FromDays(1));
        }
        Assert.Equal(["rfm-champions"], Tags().Where(t => t.StartsWith("rfm-", StringComparison.Ordinal)));
        Advance(TimeSpan.FromDays(130));
        Assert.Equal(["rfm-at-risk"], Tags().Where(t => t.StartsWith("rfm-", StringComparison.Ordinal)));
    }

    [Fact]
    public void Lifecycle_goes_new_active_dormant_churned_then_reactivated()
    {
        Send("Page Viewed", type: "page");
        Assert.Equal(["lifecycle-new"], Lifecycle());
        Advance(TimeSpan.FromDays(8));
        Send("Page Viewed", type: "page");
        Assert.Equal(["lifecycle-active"], Lifecycle());
        Advance(TimeSpan.FromDays(30));
        Assert.Equal(["lifecycle-dormant"], Lifecycle());
        Advance(TimeSpan.FromDays(60));
        Assert.Equal(["lifecycle-churned"], Lifecycle());
        Send("Page Viewed", type: "page");
        Assert.Equal(["lifecycle-active", "lifecycle-reactivated"], Lifecycle());
    }

    [Fact]
    public void Late_event_never_overwrites_a_newer_trait_but_set_once_keeps_the_earliest()
    {
        Send("identify", type: "identify", traits: """{"plan":"pro"}""");
        var late = Send("identify", type: "identify", traits: """{"plan":"free"}""", at: Now - 60_000);
        Assert.Equal("\"pro\"", _state.Traits["plan"].Json);
        Assert.DoesNotContain(late, c => c.Kind == ProfileChangeKind.TraitChanged);

        Send("Signed Up", """{"$set_once":{"channel":"ads"}}""");
        Send("Signed Up", """{"$set_once":{"channel":"seo"}}""");
        Send("Signed Up", """{"$set_once":{"channel":"email"}}""", at: Now - 60_000);
        Assert.Equal("\"email\"", _state.Traits["channel"].Json);
    }

    private long Now => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    private void Advance(TimeSpan by) => _clock.Advance(by);

    private List<ProfileChange> Send(string name, string properties = "{}", string type = "track", string traits = "{}", string context = "{}", long? at = null)
    {
        var e = ProfilesFixture.Event(Tenant, 1, name, at ?? Now, properties, type, traits: traits, context: context);
        return ProfilePipeline.Run(_state, 1, e, $"events.identified/0/{_offset++}", Packs, Now);
    }

    private List<string> Tags()
    {
        EvaluateTagsStep.Evaluate(_state, Packs, Now);
        return [.. _state.Tags.Keys.Order(StringComparer.Ordinal)];
    }

    private List<string> Lifecycle() => [.. Tags().Where(t => t.StartsWith("lifecycle-", StringComparison.Ordinal))];
}

using System.Text.Json;
using Microsoft.Extensions.Options;
using Streaming.Contracts.Records;
using Streaming.Journeys.Definitions;
using Streaming.Journeys.Engine;
using Streaming.Journeys.Model;

namespace Streaming.Journeys.Tests;

/// <summary>
/// Message pressure as pure logic on explicit instants (the engine's clock is the transition's
/// time): per-channel and tenant-wide caps, calendar days in the person's zone, the strictest rule,
/// a tenant's own caps, consent, quiet hours and mustDeliver.
/// </summary>
public sealed class MessagePressure_WindowTests
{
    private static readonly QuietHours None = new(TimeOnly.MinValue, TimeOnly.MinValue);
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static long Utc(int day, int hour, int minute = 0) => new DateTimeOffset(2026, 3, day, hour, minute, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static IReadOnlyList<FrequencyCap> Caps(string text)
    {
        Assert.True(FrequencyCap.TryParseAll(text, out var caps, out var error), error);
        return caps;
    }

    [Fact]
    public void Calendar_day_cap_opens_at_the_persons_local_midnight()
    {
        // 15:00 UTC is 23:00 in Shanghai; at 16:30 UTC (00:30 there) it is already the next local day.
        List<SentMessage> sent = [new("sms", Utc(2, 15))];
        var shanghai = MessagePressure.Window(sent, "sms", Utc(2, 16, 30), Shanghai, Caps("sms:1/day"), None);
        Assert.True(shanghai.IsNow(Utc(2, 16, 30)));

        // For a person in UTC the same instant is the same day: held until UTC midnight, by the cap.
        var utc = MessagePressure.Window(sent, "sms", Utc(2, 16, 30), TimeZoneInfo.Utc, Caps("sms:1/day"), None);
        Assert.Equal(Utc(3, 0), utc.At);
        Assert.True(utc.ByCap);
        Assert.Equal("cap sms:1/day", utc.HeldBy);
    }

    [Fact]
    public void Channel_cap_holds_only_its_channel_and_the_strictest_rule_wins()
    {
        var caps = Caps("2/24h, push:1/day");
        List<SentMessage> sent = [new("push", Utc(2, 9))];
        var now = Utc(2, 10);

        // The push rule (1 a local day) holds a second push until midnight; e-mail is under the tenant-wide 2/24h.
        Assert.Equal(Utc(3, 0), MessagePressure.Window(sent, "push", now, TimeZoneInfo.Utc, caps, None).At);
        Assert.True(MessagePressure.Window(sent, "email", now, TimeZoneInfo.Utc, caps, None).IsNow(now));

        // After an e-mail too, the tenant-wide rule is the stricter for push: 24 h after the first message.
        sent.Add(new("email", now));
        var push = MessagePressure.Window(sent, "push", now, TimeZoneInfo.Utc, caps, None);
        Assert.Equal(Utc(3, 9) + 1, push.At);
        Assert.Equal("cap 2/24h", push.HeldBy);
    }

    [Fact]
    public void A_tenant_with_its_own_caps_uses_them_instead_of_the_services()
    {
        var settings = new JourneySettings(Options.Create(new JourneysOptions
        {
            FrequencyCaps = "2/24h",
            TenantFrequencyCaps = new() { ["strict"] = "1/7d", ["free"] = "" },
        }));
        Assert.Equal("1/7d", Assert.Single(settings.CapsFor("strict")).Text);
        Assert.Empty(settings.CapsFor("free"));
        Assert.Equal("2/24h", Assert.Single(settings.CapsFor("other")).Text);
    }

    private static (Transition Transition, JourneyInstance Instance) Run(string steps, long now, bool consent, string tenant = "t")
    {
        var parsed = JourneyParser.Parse($$"""{"name": "p", "trigger": {"api": true}, "quietHours": {"from": "21:00", "to": "08:00"}, "steps": [{{steps}}]}""");
        Assert.True(parsed.IsValid, string.Join("; ", parsed.Errors));
        var definition = parsed.Value!;
        var state = new PersonState();
        if (consent)
            state.Traits["consent_push"] = JsonSerializer.SerializeToElement(true);
        var instance = JourneyInstance.Start("i1", "p", 1, definition, now, null, []);
        state.Instances.Add(instance);
        var t = new Transition(tenant, 1, state, now, "test");
        new StepRunner(new JourneySettings(Options.Create(new JourneysOptions()))).Run(t, instance, definition);
        return (t, instance);
    }

    [Fact]
    public void Marketing_send_without_consent_is_suppressed_and_the_instance_goes_on()
    {
        var (t, _) = Run("""{"id": "promo", "type": "send", "channel": "push", "template": "x"}""", Utc(2, 10), consent: false);

        Assert.Empty(t.Dispatches);
        var suppressed = Assert.Single(t.Events, e => e.Kind == JourneyEventKind.Suppressed);
        Assert.Contains("consent_push", suppressed.Detail, StringComparison.Ordinal);
        Assert.Contains(t.Events, e => e.Kind == JourneyEventKind.Exited && e.Detail == "completed");
    }

    [Fact]
    public void MustDeliver_bypasses_consent_and_quiet_hours_and_does_not_count_towards_caps()
    {
        // 23:00 UTC: inside quiet hours, no consent.
        var (t, _) = Run("""{"id": "receipt", "type": "send", "channel": "push", "template": "r", "mustDeliver": true}""", Utc(2, 23), consent: false);

        var request = Assert.Single(t.Dispatches);
        Assert.Null(request.ExpiresAt);
        Assert.Empty(t.State.Sent);
    }

    [Fact]
    public void Marketing_send_in_quiet_hours_is_held_until_they_end()
    {
        var (t, instance) = Run("""{"id": "promo", "type": "send", "channel": "push", "template": "x", "expiresAfter": "2d"}""", Utc(2, 23), consent: true);

        Assert.Empty(t.Dispatches);
        Assert.Equal(WaitKind.Hold, instance.Waiting);
        Assert.Equal(Utc(3, 8), instance.WakeAt);
        Assert.Contains(t.Events, e => e.Kind == JourneyEventKind.Held);
    }
}

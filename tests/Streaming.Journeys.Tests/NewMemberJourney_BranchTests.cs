using Streaming.Contracts.Records;
using Streaming.Journeys.Templates;

namespace Streaming.Journeys.Tests;

/// <summary>The built-in D1 push / D3 SMS / D7 call-task journey through each of its branches, with receipts fed back.</summary>
public sealed class NewMemberJourney_BranchTests : IAsyncLifetime
{
    private const string Tenant = "t-new-member";
    private JourneysFixture _host = null!;

    public async Task InitializeAsync()
    {
        _host = await JourneysFixture.StartAsync();
        await _host.PublishAsync(Tenant, "new-member", BuiltInJourneys.NewMemberCoupon);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Journey_takes_the_clicked_the_used_and_the_neither_branch_by_engagement()
    {
        // 1 clicks the day-1 push, 2 uses the coupon on day 2, 3 does neither.
        foreach (var person in new long[] { 1, 2, 3 })
            await _host.SendAsync(_host.Consent(Tenant, person), JourneysFixture.Event(Tenant, person, "Signed Up", _host.Now));
        foreach (var person in new long[] { 1, 2, 3 })
            await _host.WaitForDispatch(d => d.PersonId == person && d.StepId == "d1-push", $"the day-1 push of person {person}");

        var push1 = _host.Dispatches.Single(d => d.PersonId == 1 && d.StepId == "d1-push");
        Assert.Equal("push", push1.Channel);
        Assert.Equal("new-member-coupon", push1.TemplateId);
        Assert.Equal("new-member", push1.JourneyId);
        await _host.ReceiptAsync(push1, ReceiptStatus.Delivered);
        await _host.ReceiptAsync(push1, ReceiptStatus.Clicked);
        // A receipt moves no step by itself; the instance keeps it for the day-3 branch.
        await JourneysFixture.WaitUntilAsync(async () => (await _host.StateAsync(Tenant, 1)).Instances.Single().Events.Any(e => e.Event == "Message Clicked"), "person 1's click to reach the instance");

        // The waits start from the moment each instance reaches them: advance the clock only once all are waiting.
        await WaitingAt("wait-d3", 1, 2, 3);
        _host.Advance(TimeSpan.FromDays(1));
        await _host.SendAsync(JourneysFixture.Event(Tenant, 2, "Coupon Used", _host.Now));
        await _host.WaitForEvent(e => e.PersonId == 2 && e.Kind == JourneyEventKind.Converted, "person 2 to convert");

        _host.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        var nudge = await _host.WaitForDispatch(d => d.PersonId == 1 && d.Channel == "sms", "person 1's day-3 SMS");
        var reminder = await _host.WaitForDispatch(d => d.PersonId == 3 && d.Channel == "sms", "person 3's day-3 SMS");
        Assert.Equal("d3-sms-nudge", nudge.StepId);
        Assert.Equal("d3-sms", reminder.StepId);

        await WaitingAt("wait-d7", 1, 3);
        _host.Advance(TimeSpan.FromDays(4) + TimeSpan.FromMinutes(1));
        await _host.WaitForDispatch(d => d.PersonId == 1 && d.Channel == "webhook", "person 1's day-7 call task");
        await _host.WaitForDispatch(d => d.PersonId == 3 && d.Channel == "webhook", "person 3's day-7 call task");
        await _host.WaitForEvent(e => e.PersonId == 3 && e.Kind == JourneyEventKind.Exited, "person 3's instance to end");

        Assert.DoesNotContain(_host.Dispatches, d => d.PersonId == 2 && d.StepId != "d1-push");
        Assert.Equal(["d1-push", "d3-sms-nudge", "d7-call"], _host.Dispatches.Where(d => d.PersonId == 1).Select(d => d.StepId!).ToArray());
        Assert.Equal(["d1-push", "d3-sms", "d7-call"], _host.Dispatches.Where(d => d.PersonId == 3).Select(d => d.StepId!).ToArray());
        Assert.Contains(_host.Events, e => e.PersonId == 1 && e.Kind == JourneyEventKind.Branched && e.Detail == "clicked");
        Assert.Contains(_host.Events, e => e.PersonId == 3 && e.Kind == JourneyEventKind.Branched && e.Detail == "otherwise");

        var stats = await _host.GetJsonAsync(Tenant, "/api/journeys/new-member/stats");
        Assert.Equal(3, stats.GetProperty("entered").GetInt64());
        Assert.Equal(1, stats.GetProperty("converted").GetInt64());
        var instances = await _host.GetJsonAsync(Tenant, "/api/journeys/instances?type=userId&value=U1");
        Assert.Equal(0, instances.GetProperty("instances").GetArrayLength());
    }

    private async Task WaitingAt(string stepId, params long[] persons)
    {
        foreach (var person in persons)
            await _host.WaitForEvent(e => e.PersonId == person && e.Kind == JourneyEventKind.StepStarted && e.StepId == stepId, $"person {person} to wait at {stepId}");
    }
}

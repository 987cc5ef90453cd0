using System.Globalization;
using System.Net;

namespace Streaming.EndToEnd.Tests;

/// <summary>
/// Segment's <c>alias(userId, previousId)</c>: identity links the previousId to the member's person
/// (as an anonymousId when no userId has that value), and the profile must learn it too, from
/// identity's list of linked identifiers, so the profile lookup by it answers like identity's.
/// </summary>
public sealed class WholeSystem_AliasTests
{
    private static readonly TimeSpan Limit = Eventually.Limit;

    [Fact]
    public async Task Profile_lookup_finds_the_person_by_an_alias_previous_id_when_identity_does()
    {
        await using var system = await RunningSystem.StartAsync("alias");
        var userId = "member-" + Guid.NewGuid().ToString("N")[..12];
        var previousId = "cookie-" + Guid.NewGuid().ToString("N");
        var at = DateTimeOffset.UtcNow.AddMinutes(-5).ToString("O", CultureInfo.InvariantCulture);

        await Accepted(system, "v1/track", $$"""{"userId": "{{userId}}", "event": "Signed Up", "messageId": "{{userId}}-1", "timestamp": "{{at}}"}""");
        await Accepted(system, "v1/alias", $$"""{"userId": "{{userId}}", "previousId": "{{previousId}}", "messageId": "{{userId}}-2", "timestamp": "{{at}}"}""");

        var person = await Eventually.Async("identity links the previousId as an anonymousId", async () =>
            await system.GetAsync($"/api/identity/lookup?type=anonymousId&value={previousId}"), Limit);
        var personId = person["personId"]!.GetValue<long>();
        var profile = await Eventually.Async("the profile lookup by the previousId answers", async () =>
            await system.GetAsync($"/api/profiles/lookup?type=anonymousId&value={previousId}"), Limit);

        Assert.Equal(personId, profile["personId"]!.GetValue<long>());
        var identifiers = profile["identifiers"]!.AsArray().Select(i => (string)i!).ToList();
        Assert.Contains("anonymousId:" + previousId, identifiers);
        Assert.Contains("userId:" + userId, identifiers);
        Assert.Equal(personId, (await system.GetAsync($"/api/profiles/lookup?type=userId&value={userId}"))!["personId"]!.GetValue<long>());
    }

    private static async Task Accepted(RunningSystem system, string path, string json)
    {
        using var response = await system.SendAsync(path, json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
    }
}

using System.Globalization;
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;

namespace Streaming.Profiles.Tests;

/// <summary>
/// A score published on profiles.changes (as the scoring service publishes <c>churn_score</c>) is an
/// ordinary trait of the live profile: a tag rule on it is entered and left, the profile API shows
/// it, and an older score that arrives late does not overwrite a newer one.
/// </summary>
public sealed class ProfilesService_ScoreTraitTests : IAsyncLifetime
{
    private const string AtRisk = """{"name":"At risk","condition":{"trait":"churn_score","op":"gte","value":75}}""";
    private ProfilesFixture _host = null!;

    public async Task InitializeAsync() => _host = await ProfilesFixture.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Tag_rule_on_churn_score_follows_the_scores_published_on_profiles_changes()
    {
        const string tenant = "t-scores";
        const long person = 31;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.True((await _host.PutTagAsync(tenant, "at-risk", AtRisk)).IsSuccessStatusCode);
        await _host.SendAsync(ProfilesFixture.Event(tenant, person, "Order Completed", now - 60_000, """{"revenue": 20}"""));
        await ProfilesFixture.WaitFor(() => _host.ProfileAsync(tenant, $"/api/profiles/{person}"), TimeSpan.FromSeconds(60), "the profile to exist");

        await PublishScoreAsync(tenant, person, "s1", null, 83, now);
        var entered = await _host.WaitForChange(c => c is { Tenant: tenant, PersonId: person, Kind: ProfileChangeKind.TagEntered, TagId: "at-risk" }, TimeSpan.FromSeconds(60), "at-risk entered on churn_score 83");
        Assert.NotNull(entered.ChangeId);
        // The tag change is produced before the profile is written (a crash in between re-sends it): wait for the write.
        var profile = await ScoreAsync(tenant, person, 83);
        Assert.Contains(profile.GetProperty("tags").EnumerateArray(), t => t.GetProperty("id").GetString() == "at-risk");

        // A score from before the last one, delivered late, changes nothing (applied, it would leave the
        // tag and the next score would enter it again); the newer ones are applied in order.
        await PublishScoreAsync(tenant, person, "s0", 90, 40, now - 1_000);
        await PublishScoreAsync(tenant, person, "s2", 83, 79, now + 1_000);
        await PublishScoreAsync(tenant, person, "s3", 79, 60, now + 2_000);
        await _host.WaitForChange(c => c is { Tenant: tenant, PersonId: person, Kind: ProfileChangeKind.TagLeft, TagId: "at-risk" }, TimeSpan.FromSeconds(60), "at-risk left on churn_score 60");
        await ScoreAsync(tenant, person, 60);
        Assert.Single(_host.Changes, c => c is { PersonId: person, Kind: ProfileChangeKind.TagEntered });
        Assert.Single(_host.Changes, c => c is { PersonId: person, Kind: ProfileChangeKind.TagLeft });
        // The score change is not announced a second time as a trait change.
        Assert.DoesNotContain(_host.Changes, c => c is { PersonId: person, Kind: ProfileChangeKind.TraitChanged, Trait: "churn_score" });
    }

    private Task<System.Text.Json.JsonElement> ScoreAsync(string tenant, long person, int score) =>
        ProfilesFixture.WaitFor(async () =>
        {
            var profile = await _host.ProfileAsync(tenant, $"/api/profiles/{person}");
            return profile is { } p && p.GetProperty("traits").TryGetProperty("churn_score", out var trait) && trait.GetInt32() == score ? profile : null;
        }, TimeSpan.FromSeconds(60), $"churn_score {score} on the profile");

    private Task PublishScoreAsync(string tenant, long person, string id, int? old, int score, long at) =>
        _host.Producer.ProduceAsync(TopicCatalog.ProfilesChanges, PartitionKey.For(tenant, person), new ProfileChange
        {
            ChangeId = id,
            Tenant = tenant,
            PersonId = person,
            Kind = ProfileChangeKind.ScoreChanged,
            Trait = "churn_score",
            OldValue = old?.ToString(CultureInfo.InvariantCulture),
            NewValue = score.ToString(CultureInfo.InvariantCulture),
            At = at,
        });
}

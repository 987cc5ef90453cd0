using System.Globalization;
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Profiles.Storage;
using Streaming.Scoring.Features;
using Streaming.Scoring.Model;
using Streaming.Scoring.Storage;

namespace Streaming.Scoring.Scoring;

/// <summary>Why a person was not scored.</summary>
public enum NotScored
{
    None,
    NoModel,
    NoProfile,
    NoOrder,
}

/// <summary>
/// Scores one person from the live profile and decides what to publish: a <c>score_changed</c>
/// change for <see cref="ScoreTrait"/> and one for <see cref="BandTrait"/>, only when the score or
/// the band moved since the last publication. Change ids come from the cause, so a replay sends the same ids.
/// </summary>
public sealed class Rescoring(ModelCatalog models, ProfileStore profiles, ScoreStore scores)
{
    public const string ScoreTrait = "churn_score";
    public const string BandTrait = "churn_band";

    /// <summary>The person's score now, without publishing anything (the API's answer).</summary>
    public async Task<(ChurnScore? Score, NotScored Why)> ScoreAsync(string tenant, long personId, long now)
    {
        if (models.For(tenant) is not { } scorer)
            return (null, NotScored.NoModel);
        var profile = await profiles.LoadCurrentAsync(tenant, personId);
        if (profile.Version == 0)
            return (null, NotScored.NoProfile);
        var vector = OnlineChurnFeatures.Of(profile.State, now);
        // Churn is defined for customers: a person who never ordered has no risk of stopping to order.
        if (vector[ChurnFeatures.OrdersTotal] <= 0)
            return (null, NotScored.NoOrder);
        return (scorer.Score(vector, now), NotScored.None);
    }

    /// <summary>The changes to publish for <paramref name="cause"/> (none when nothing moved), already recorded as published.</summary>
    public async Task<(IReadOnlyList<ProfileChange> Changes, NotScored Why)> RescoreAsync(string tenant, long personId, string cause, long now)
    {
        var (score, why) = await ScoreAsync(tenant, personId, now);
        if (score is null)
            return ([], why);
        var last = await scores.GetAsync(tenant, personId);
        if (last is not null && last.Cause == cause)
            return (last.Changes, NotScored.None);
        if (last is not null && last.Score == score.Score && last.Band == score.Band)
            return ([], NotScored.None);
        var changes = new List<ProfileChange>(2);
        var score100 = score.Score.ToString(CultureInfo.InvariantCulture);
        changes.Add(Change(tenant, personId, cause, ScoreTrait, last?.Score.ToString(CultureInfo.InvariantCulture), score100, now));
        if (last?.Band != score.Band)
            changes.Add(Change(tenant, personId, cause, BandTrait, last is null ? null : Json(last.Band), Json(score.Band), now));
        await scores.SetAsync(tenant, personId, new PublishedScore(score.Score, score.Band, score.ModelId, now, cause, changes));
        return (changes, NotScored.None);
    }

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text);

    private static ProfileChange Change(string tenant, long personId, string cause, string trait, string? oldValue, string newValue, long at) => new()
    {
        ChangeId = DeterministicId.From("scoring", cause, tenant, personId.ToString(CultureInfo.InvariantCulture), trait),
        Tenant = tenant,
        PersonId = personId,
        Kind = ProfileChangeKind.ScoreChanged,
        Trait = trait,
        OldValue = oldValue,
        NewValue = newValue,
        At = at,
        CauseMessageId = cause,
    };
}

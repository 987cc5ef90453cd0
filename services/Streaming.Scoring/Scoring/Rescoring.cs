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

    /// <summary>The person's score now with its reasons, without publishing anything (the API's answer).</summary>
    public async Task<(ChurnScore? Score, NotScored Why)> ScoreAsync(string tenant, long personId, long now)
    {
        var (scorer, vector, why) = await FeaturesAsync(tenant, personId, now);
        return scorer is null || vector is null ? (null, why) : (scorer.Score(vector, now), NotScored.None);
    }

    /// <summary>
    /// The changes to publish for <paramref name="cause"/> (none when nothing moved), already recorded
    /// as published. Reasons are not computed here: they are not published, and they cost a model
    /// evaluation per feature (the API computes them when asked).
    /// </summary>
    public async Task<(IReadOnlyList<ProfileChange> Changes, NotScored Why)> RescoreAsync(string tenant, long personId, string cause, long now)
    {
        var (scorer, vector, why) = await FeaturesAsync(tenant, personId, now);
        if (scorer is null || vector is null)
            return ([], why);
        var score = scorer.ScoreOf(vector);
        var band = scorer.Bands.Of(score);
        var last = await scores.GetAsync(tenant, personId);
        if (last is not null && last.Cause == cause)
            return (last.Changes, NotScored.None);
        if (last is not null && last.Score == score && last.Band == band)
            return ([], NotScored.None);
        var changes = new List<ProfileChange>(2);
        changes.Add(Change(tenant, personId, cause, ScoreTrait, last?.Score.ToString(CultureInfo.InvariantCulture), score.ToString(CultureInfo.InvariantCulture), now));
        if (last?.Band != band)
            changes.Add(Change(tenant, personId, cause, BandTrait, last is null ? null : Json(last.Band), Json(band), now));
        await scores.SetAsync(tenant, personId, new PublishedScore(score, band, scorer.ModelId, now, cause, changes));
        return (changes, NotScored.None);
    }

    private async Task<(ChurnScorer? Scorer, float[]? Vector, NotScored Why)> FeaturesAsync(string tenant, long personId, long now)
    {
        if (models.For(tenant) is not { } scorer)
            return (null, null, NotScored.NoModel);
        var profile = await profiles.LoadCurrentAsync(tenant, personId);
        if (profile.Version == 0)
            return (null, null, NotScored.NoProfile);
        var vector = OnlineChurnFeatures.Of(profile.State, now);
        // Churn is defined for customers: a person who never ordered has no risk of stopping to order.
        if (vector[ChurnFeatures.OrdersTotal] <= 0)
            return (null, null, NotScored.NoOrder);
        return (scorer, vector, NotScored.None);
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

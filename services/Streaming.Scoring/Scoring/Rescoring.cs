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

/// <summary>One person to rescore, and the input that caused it (the published changes' ids derive from it).</summary>
public readonly record struct RescoreRequest(long PersonId, string Cause);

/// <summary>
/// Scores persons from their live profiles and decides what to publish: a <c>score_changed</c>
/// change for <see cref="ScoreTrait"/> and one for <see cref="BandTrait"/>, only when the score or
/// the band moved since the last publication. Change ids come from the cause, so a replay sends the
/// same ids. Many persons of a tenant are rescored with three Redis round trips in all (profiles,
/// last scores, new scores), whatever their number.
/// </summary>
public sealed class Rescoring(ModelCatalog models, ProfileStore profiles, ScoreStore scores)
{
    public const string ScoreTrait = "churn_score";
    public const string BandTrait = "churn_band";

    /// <summary>The person's score now with its reasons, without publishing anything (the API's answer).</summary>
    public async Task<(ChurnScore? Score, NotScored Why)> ScoreAsync(string tenant, long personId, long now)
    {
        if (models.For(tenant) is not { } scorer)
            return (null, NotScored.NoModel);
        var profile = await profiles.LoadCurrentAsync(tenant, personId);
        if (profile.Version == 0)
            return (null, NotScored.NoProfile);
        var vector = OnlineChurnFeatures.Of(profile.State, now);
        return vector[ChurnFeatures.OrdersTotal] <= 0 ? (null, NotScored.NoOrder) : (scorer.Score(vector, now), NotScored.None);
    }

    /// <summary>The changes to publish for <paramref name="cause"/> (none when nothing moved), already recorded as published.</summary>
    public async Task<(IReadOnlyList<ProfileChange> Changes, NotScored Why)> RescoreAsync(string tenant, long personId, string cause, long now) =>
        (await RescoreManyAsync(tenant, [new RescoreRequest(personId, cause)], now))[0];

    /// <summary>
    /// <see cref="RescoreAsync"/> for many requests of one tenant, in order: each person is scored once,
    /// and a person's later requests see what the earlier ones published (as if handled one by one).
    /// Reasons are not computed here: they are not published, and the API computes them when asked.
    /// </summary>
    public async Task<(IReadOnlyList<ProfileChange> Changes, NotScored Why)[]> RescoreManyAsync(string tenant, IReadOnlyList<RescoreRequest> requests, long now)
    {
        var results = new (IReadOnlyList<ProfileChange> Changes, NotScored Why)[requests.Count];
        if (models.For(tenant) is not { } scorer)
        {
            Array.Fill(results, ([], NotScored.NoModel));
            return results;
        }
        var persons = requests.Select(r => r.PersonId).Distinct().ToArray();
        var loading = profiles.LoadCurrentEncodedManyAsync(tenant, persons);
        var published = await scores.GetManyAsync(tenant, persons);
        var scored = Score(scorer, await loading, now);
        var index = new Dictionary<long, int>(persons.Length);
        for (var i = 0; i < persons.Length; i++)
            index[persons[i]] = i;
        var moved = new Dictionary<long, PublishedScore>();
        for (var r = 0; r < requests.Count; r++)
        {
            var (personId, cause) = requests[r];
            var p = index[personId];
            var (score, why) = scored[p];
            if (why != NotScored.None)
            {
                results[r] = ([], why);
                continue;
            }
            var band = scorer.Bands.Of(score);
            var last = published[p];
            if (last is not null && last.Cause == cause)
            {
                results[r] = (last.Changes, NotScored.None);
                continue;
            }
            if (last is not null && last.Score == score && last.Band == band)
            {
                results[r] = ([], NotScored.None);
                continue;
            }
            var changes = new List<ProfileChange>(2)
            {
                Change(tenant, personId, cause, ScoreTrait, last?.Score.ToString(CultureInfo.InvariantCulture), score.ToString(CultureInfo.InvariantCulture), now),
            };
            if (last?.Band != band)
                changes.Add(Change(tenant, personId, cause, BandTrait, last is null ? null : Json(last.Band), Json(band), now));
            moved[personId] = published[p] = new PublishedScore(score, band, scorer.ModelId, now, cause, changes);
            results[r] = (changes, NotScored.None);
        }
        await scores.SetManyAsync(tenant, moved);
        return results;
    }

    /// <summary>The CPU part: features and score of every loaded profile, with one feature buffer.</summary>
    private static (int Score, NotScored Why)[] Score(ChurnScorer scorer, EncodedProfile[] loaded, long now)
    {
        var scored = new (int, NotScored)[loaded.Length];
        Span<float> vector = stackalloc float[ChurnFeatures.Count];
        for (var i = 0; i < loaded.Length; i++)
        {
            if (loaded[i].Data is not { } data)
            {
                scored[i] = (0, NotScored.NoProfile);
                continue;
            }
            OnlineChurnFeatures.Of(data, now, vector);
            // Churn is defined for customers: a person who never ordered has no risk of stopping to order.
            scored[i] = vector[ChurnFeatures.OrdersTotal] <= 0 ? (0, NotScored.NoOrder) : (scorer.ScoreOf(vector), NotScored.None);
        }
        return scored;
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

using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Streaming.Contracts.Records;
using Streaming.Journeys.Definitions;
using Streaming.Journeys.History;
using Streaming.ServiceDefaults.Admin;
using Streaming.ServiceDefaults.Definitions;

namespace Streaming.Journeys.Api;

/// <summary>
/// <c>POST /api/journeys/{id}/backtest {"from", "to", "version"?}</c>: how many persons would have
/// entered over that history and what each step would have requested (<see cref="JourneyBacktest"/>).
/// It reads aggregates of ClickHouse history, so it needs the analytics permission.
/// </summary>
public static class JourneyBacktestApi
{
    /// <summary>Longest range one backtest reads.</summary>
    public static readonly TimeSpan MaxRange = TimeSpan.FromDays(366);

    public static void MapJourneyBacktestApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/journeys").RequireApiKey(ApiPermission.AnalyticsRead).MapPost("/{id}/backtest", async (HttpContext http, string id, DefinitionStore store, JourneyHistory history, JourneyBacktest backtest, CancellationToken cancellationToken) =>
        {
            var tenant = http.Tenant();
            if (store.Get(tenant, DefinitionKind.Journey, id) is not { Deleted: false } document)
                return AdminAuthorization.Problem(404, "unknown journey", $"No journey '{id}' in tenant '{tenant}'.");
            JsonElement body;
            try
            {
                body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body, cancellationToken: cancellationToken);
            }
            catch (JsonException ex)
            {
                return Bad($"The body must be JSON {{\"from\": \"2026-11-01T00:00:00Z\", \"to\": \"2026-12-01T00:00:00Z\"}}: {ex.Message}");
            }
            if (body.ValueKind != JsonValueKind.Object)
                return Bad("The body must be an object {\"from\": \"2026-11-01T00:00:00Z\", \"to\": \"2026-12-01T00:00:00Z\"}.");
            if (Time(body, "from") is not { } from)
                return Bad("from must be an ISO-8601 time with a zone, e.g. \"2026-11-01T00:00:00Z\": the start of the history to replay.");
            if (Time(body, "to") is not { } to)
                return Bad("to must be an ISO-8601 time with a zone, e.g. \"2026-12-01T00:00:00Z\": the end of the history to replay.");
            if (to <= from || to - from > MaxRange)
                return Bad($"to must be after from and at most {MaxRange.TotalDays.ToString(CultureInfo.InvariantCulture)} days later.");
            var journey = JourneyDocument.Read(document.Body);
            long? wanted = null;
            if (body.TryGetProperty("version", out var v))
            {
                if (!v.TryGetInt64(out var number) || journey.Versions.All(p => p.Version != number))
                    return Bad($"version must be a published version of '{id}' ({string.Join(", ", journey.Versions.Select(p => p.Version))}); leave it out to backtest the draft.");
                wanted = number;
            }
            // The draft by default: a journey is backtested before it goes live.
            var (version, json) = wanted is { } chosen
                ? (chosen, journey.Versions.First(p => p.Version == chosen).Definition.ToJsonString())
                : journey.Draft is { } draft ? (0L, draft.ToJsonString()) : (journey.Live ?? 0, journey.Versions.LastOrDefault()?.Definition.ToJsonString());
            if (json is null || JourneyParser.Parse(json) is not { IsValid: true } parsed)
                return AdminAuthorization.Problem(409, "nothing to backtest", $"Journey '{id}' has no valid draft or version; PUT a definition first.");
            if (!history.Configured)
                return AdminAuthorization.Problem(503, "no history", JourneyHistory.NotConfigured);
            var (result, problem) = await backtest.RunAsync(tenant, id, version, parsed.Value!, from, to, cancellationToken);
            if (problem is not null)
                return Bad(problem);
            return Results.Ok(new
            {
                id,
                version = version == 0 ? "draft" : version.ToString(CultureInfo.InvariantCulture),
                from,
                to,
                persons = result!.Persons,
                messages = result.Steps.Sum(s => s.Messages),
                steps = result.Steps,
            });
        });
    }

    private static DateTimeOffset? Time(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
        && DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;

    private static IResult Bad(string detail) => AdminAuthorization.Problem(400, "bad backtest request", detail);
}

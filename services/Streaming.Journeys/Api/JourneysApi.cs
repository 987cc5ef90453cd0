using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Streaming.Contracts;
using Streaming.Contracts.Records;
using Streaming.Contracts.Topics;
using Streaming.Journeys.Definitions;
using Streaming.Journeys.Engine;
using Streaming.Journeys.Model;
using Streaming.Journeys.Storage;
using Streaming.ServiceDefaults.Admin;
using Streaming.ServiceDefaults.Kafka;

namespace Streaming.Journeys.Api;

/// <summary>
/// <c>POST /api/journeys/{id}/trigger</c> (an API-triggered entry), <c>GET /api/journeys/{id}/stats</c>
/// (persons per step now and in total) and <c>GET /api/journeys/instances?type=userId&amp;value=U1</c>
/// (where a person is and why).
/// </summary>
public static class JourneysApi
{
    public static void MapJourneysApi(this IEndpointRouteBuilder app)
    {
        var run = app.MapGroup("/api/journeys").RequireApiKey(ApiPermission.DefinitionsWrite);
        run.MapPost("/{id}/trigger", async (HttpContext http, string id, JourneyCatalog catalog, IEventProducer producer, TimeProvider time, CancellationToken cancellationToken) =>
        {
            var tenant = http.Tenant();
            if (catalog.Find(tenant, id) is not { } journey)
                return AdminAuthorization.Problem(404, "unknown journey", $"No journey '{id}' in tenant '{tenant}'.");
            if (journey.Entering?.Trigger is not ApiTrigger)
                return AdminAuthorization.Problem(409, "not API-triggered", $"Journey '{id}' is {journey.Status} and {(journey.Entering is null ? "takes no entries" : "is not triggered by the API")}; publish a version with \"trigger\": {{\"api\": true}}.");
            JsonElement body;
            try
            {
                body = await JsonSerializer.DeserializeAsync<JsonElement>(http.Request.Body, cancellationToken: cancellationToken);
            }
            catch (JsonException ex)
            {
                return AdminAuthorization.Problem(400, "bad body", $"The body must be JSON {{\"userId\": \"U1\", \"payload\": {{...}}}}: {ex.Message}");
            }
            string? Text(string name) => body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 and <= 256 } s ? s : null;
            var userId = Text("userId");
            var anonymousId = Text("anonymousId");
            if (userId is null && anonymousId is null)
                return AdminAuthorization.Problem(400, "missing identifier", "userId or anonymousId (1-256 characters) names the person to enter, e.g. {\"userId\": \"U1\", \"payload\": {\"coupon\": \"WELCOME\"}}.");
            var payload = body.TryGetProperty("payload", out var p) ? p : default;
            if (payload.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Object))
                return AdminAuthorization.Problem(400, "bad payload", "payload must be a JSON object; its keys reach the journey as properties of the trigger event.");
            var properties = new Dictionary<string, JsonElement>();
            if (payload.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in payload.EnumerateObject())
                    properties[property.Name] = property.Value;
            }
            properties["journeyId"] = JsonSerializer.SerializeToElement(id);
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            // The trigger travels as a tracked event so identity resolves the person and the person's
            // partition orders it with their other events; a caller's messageId makes a retry a duplicate.
            var trackingEvent = new TrackingEvent
            {
                MessageId = Text("messageId") ?? Guid.NewGuid().ToString(),
                Type = "track",
                Event = JourneyEngine.TriggerEventName,
                Tenant = tenant,
                Source = "journeys-api",
                UserId = userId,
                AnonymousId = anonymousId,
                Timestamp = now,
                ReceivedAt = now,
                Properties = JsonSerializer.Serialize(properties),
            };
            await producer.ProduceAsync(TopicCatalog.EventsRaw, PartitionKey.For(tenant, trackingEvent.BestIdentifier!), trackingEvent, cancellationToken);
            return Results.Accepted(value: new { messageId = trackingEvent.MessageId });
        });

        var read = app.MapGroup("/api/journeys").RequireApiKey(ApiPermission.ProfilesRead);
        read.MapGet("/{id}/stats", async (HttpContext http, string id, JourneyCatalog catalog, PersonStateStore store) =>
        {
            var tenant = http.Tenant();
            if (catalog.Find(tenant, id) is not { } journey)
                return AdminAuthorization.Problem(404, "unknown journey", $"No journey '{id}' in tenant '{tenant}'.");
            var counters = await store.StatsAsync(tenant, id);
            var steps = journey.Versions.Values.SelectMany(v => v.Steps).Select(s => s.Id).Distinct().ToList();
            return Results.Ok(new
            {
                id,
                status = journey.Status,
                entered = counters.GetValueOrDefault("entered"),
                converted = counters.GetValueOrDefault("converted"),
                exited = counters.GetValueOrDefault("exited"),
                steps = steps.Select(s => new
                {
                    id = s,
                    now = counters.GetValueOrDefault("now:" + s),
                    total = counters.GetValueOrDefault("total:" + s),
                    messages = counters.GetValueOrDefault("messages:" + s),
                }),
            });
        });

        read.MapGet("/instances", async (HttpContext http, string? type, string? value, PersonStateStore store) =>
        {
            if (string.IsNullOrEmpty(type) || string.IsNullOrEmpty(value) || type.Length > 64 || value.Length > 256)
                return AdminAuthorization.Problem(400, "missing identifier", "type and value name the person, e.g. ?type=userId&value=U1");
            var tenant = http.Tenant();
            if (await store.LookupAsync(tenant, type, value) is not { } personId)
                return AdminAuthorization.Problem(404, "unknown identifier", $"Journeys have seen no event of {type} '{value}' in tenant '{tenant}'.");
            var (state, _) = await store.LoadAsync(tenant, personId);
            return Results.Ok(new
            {
                personId,
                instances = state.Instances.Select(i => new
                {
                    id = i.Id,
                    journeyId = i.JourneyId,
                    version = i.Version,
                    step = i.StepId,
                    enteredAt = i.EnteredAt,
                    stepStartedAt = i.StepStartedAt,
                    waiting = i.Waiting,
                    wakeAt = i.Waiting is null ? (long?)null : i.WakeAt,
                    reason = i.Reason,
                    correlation = i.Correlation,
                    requested = i.Requests.Keys,
                }),
                entries = state.Entries.Select(e => new { journeyId = e.Key, count = e.Value.Count, lastEnteredAt = e.Value.LastEnteredAt }),
            });
        });
    }
}

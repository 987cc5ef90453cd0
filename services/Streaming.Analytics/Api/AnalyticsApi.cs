using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Streaming.Analytics.Queries;
using Streaming.Conditions.Model;
using Streaming.Conditions.Parsing;
using Streaming.ServiceDefaults.Admin;
using Streaming.ServiceDefaults.Definitions;

namespace Streaming.Analytics.Api;

/// <summary>
/// <c>/api/analytics/*</c> (admin key, tenant from <c>X-Tenant</c>): POST trends, funnel, retention,
/// paths, audiences/count, audiences/export. Bad input is a 400 that names the field and the fix.
/// </summary>
internal static class AnalyticsApi
{
    /// <summary>
    /// An audience: <see cref="TagCondition"/>, a condition of the language of docs/conditions.md (a bare
    /// condition, or <c>{"timeZone": .., "condition": ..}</c>), or <see cref="Definition"/>, the id of a
    /// stored tag definition, evaluated as of <see cref="AsOf"/> (default now). <see cref="Condition"/>
    /// is the audience language before it, read into it for one release (<see cref="LegacyAudience"/>).
    /// </summary>
    public sealed record AudienceRequest(JsonElement Condition = default, int Sample = 20, JsonElement TagCondition = default, string? Definition = null, DateTimeOffset? AsOf = null)
    {
        public string? Problem() =>
            Sample is < 0 or > 10_000 ? "sample must be between 0 and 10000."
            : RequestLimits.Name(Definition, "definition");
    }

    /// <summary>The definition kind Profiles stores tags under in config.definitions.</summary>
    private const string TagKind = "tag";

    /// <summary>The audience's document and the path its errors start with, or the problem; <c>Deprecation</c> when it came in the old form.</summary>
    private sealed record Audience(ConditionDocument? Document, string Path, string? Problem, string? Deprecation = null);

    public static RouteGroupBuilder MapAnalyticsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/trends", (HttpContext http, AnalyticsQueries queries, CancellationToken ct) =>
            Run<TrendsRequest>(http, r => r.Problem(), async request =>
                Answer(http, new { points = await queries.TrendsAsync(http.Tenant(), request, ct) }, request.Deprecations()), ct));
        api.MapPost("/funnel", (HttpContext http, AnalyticsQueries queries, CancellationToken ct) =>
            Run<FunnelRequest>(http, r => r.Problem(), async request =>
            {
                var funnel = await queries.FunnelAsync(http.Tenant(), request, ct);
                return Answer(http, funnel, request.Deprecations());
            }, ct));
        api.MapPost("/retention", (HttpContext http, AnalyticsQueries queries, CancellationToken ct) =>
            Run<RetentionRequest>(http, r => r.Problem(), async request => Results.Ok(await queries.RetentionAsync(http.Tenant(), request, ct)), ct));
        api.MapPost("/paths", (HttpContext http, AnalyticsQueries queries, CancellationToken ct) =>
            Run<PathsRequest>(http, r => r.Problem(), async request => Results.Ok(new { paths = await queries.PathsAsync(http.Tenant(), request, ct) }), ct));
        api.MapPost("/audiences/count", (HttpContext http, AnalyticsQueries queries, DefinitionStore definitions, CancellationToken ct) =>
            RunAudience(http, definitions, async (request, audience) =>
            {
                var (count, sample, problem) = await queries.AudienceAsync(http.Tenant(), audience.Document!, request.Sample, request.AsOf, ct, audience.Path);
                return problem is null ? Answer(http, new { count, sample }, audience.Deprecation is { } note ? [note] : []) : Bad(problem);
            }, ct));
        api.MapPost("/audiences/export", (HttpContext http, AnalyticsQueries queries, DefinitionStore definitions, CancellationToken ct) =>
            RunAudience(http, definitions, async (request, audience) =>
            {
                var buffer = new StringWriter();
                if (await queries.AudienceCsvAsync(http.Tenant(), audience.Document!, request.AsOf, buffer, ct, audience.Path) is { } problem)
                    return Bad(problem);
                if (audience.Deprecation is not null)
                    MarkDeprecated(http);
                return Results.Text(buffer.ToString(), "text/csv");
            }, ct));
        return api;
    }

    /// <summary>The audience's condition from whichever field carries it, or a problem naming every wrong part.</summary>
    private static async Task<Audience> AudienceAsync(AudienceRequest request, string tenant, DefinitionStore definitions, CancellationToken ct)
    {
        var hasTag = !ConditionJson.IsAbsent(request.TagCondition);
        var hasLegacy = !ConditionJson.IsAbsent(request.Condition);
        var hasDefinition = request.Definition is not null;
        if ((hasTag ? 1 : 0) + (hasLegacy ? 1 : 0) + (hasDefinition ? 1 : 0) != 1)
            return new(null, "", "send exactly one of tagCondition (a condition, docs/conditions.md) or definition (a stored tag id); condition (the old audience language) is read until the next release.");
        if (hasLegacy)
        {
            var (condition, problem) = LegacyAudience.Translate(request.Condition);
            if (problem is not null)
                return new(null, "", problem);
            var document = new ConditionDocument(condition!, TimeZoneInfo.Utc);
            return new(document, "condition", null,
                $"condition is the old audience language, read until the next release; it was read as the tagCondition {ConditionWriter.Write(condition!)}. Send that instead (docs/analytics.md).");
        }
        if (hasDefinition)
            return await DefinitionAsync(request.Definition!, tenant, definitions, ct);
        var (tagDocument, tagProblem) = ConditionJson.Read(request.TagCondition, "tagCondition");
        var path = request.TagCondition.ValueKind == JsonValueKind.Object && request.TagCondition.TryGetProperty("condition", out _) ? "tagCondition.condition" : "tagCondition";
        return new(tagDocument, path, tagProblem);
    }

    private static async Task<Audience> DefinitionAsync(string id, string tenant, DefinitionStore definitions, CancellationToken ct)
    {
        try
        {
            await definitions.CaughtUp.WaitAsync(TimeSpan.FromSeconds(5), ct);
        }
        catch (TimeoutException)
        {
            return new(null, "", "definition: tag definitions are not loaded yet (config.definitions unreadable); retry, or send tagCondition.");
        }
        if (definitions.Get(tenant, TagKind, id) is not { } stored)
            return new(null, "", $"definition: no tag '{id}' in this tenant; list them with GET /api/definitions/tags.");
        var tag = ConditionParser.ParseTagDefinition(stored.Body);
        return tag.IsValid
            ? new(tag.Value!.Document, $"definition '{id}': condition", null)
            : new(null, "", $"definition '{id}' is invalid: " + string.Join("; ", tag.Errors));
    }

    /// <summary>
    /// 200 with the result; when the request used a form read for one release only, the
    /// <c>Deprecation</c> header and a <c>deprecations</c> field saying what to send instead.
    /// </summary>
    private static IResult Answer(HttpContext http, object result, IReadOnlyList<string> deprecations)
    {
        if (deprecations.Count == 0)
            return Results.Ok(result);
        MarkDeprecated(http);
        var body = JsonSerializer.SerializeToNode(result, http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions)!.AsObject();
        body["deprecations"] = new JsonArray([.. deprecations.Select(d => JsonValue.Create(d))]);
        return Results.Ok(body);
    }

    /// <summary>When the old audience language and filter form became deprecated (issue 16), as RFC 9745's <c>Deprecation: @&lt;epoch seconds&gt;</c>.</summary>
    private static readonly string DeprecatedSince = "@" + new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void MarkDeprecated(HttpContext http) => http.Response.Headers["Deprecation"] = DeprecatedSince;

    /// <summary><see cref="Run{T}"/> for an audience request whose condition was found (else a 400 naming the part).</summary>
    private static Task<IResult> RunAudience(HttpContext http, DefinitionStore definitions, Func<AudienceRequest, Audience, Task<IResult>> query, CancellationToken ct) =>
        Run<AudienceRequest>(http, r => r.Problem(), async request =>
        {
            var audience = await AudienceAsync(request, http.Tenant(), definitions, ct);
            return audience.Problem is null ? await query(request, audience) : Bad(audience.Problem);
        }, ct);

    /// <summary>Reads the body (4xx naming the part when it does not fit), checks it, then runs the query.</summary>
    private static async Task<IResult> Run<T>(HttpContext http, Func<T, string?> problemOf, Func<T, Task<IResult>> query, CancellationToken ct) where T : class
    {
        var (request, failure) = await JsonRequest.ReadAsync<T>(http, ct);
        if (failure is not null)
            return failure;
        return problemOf(request!) is { } problem ? Bad(problem) : await query(request!);
    }

    private static IResult Bad(string detail) => JsonRequest.Bad(detail);
}

using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
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
    /// An audience: <see cref="Condition"/> in the audience JSON language; or, in the tag language,
    /// <see cref="TagCondition"/> (a bare condition, or <c>{"timeZone": .., "condition": ..}</c>) or
    /// <see cref="Definition"/> (the id of a stored tag definition), evaluated as of <see cref="AsOf"/> (default now).
    /// </summary>
    public sealed record AudienceRequest(JsonElement Condition = default, int Sample = 20, JsonElement TagCondition = default, string? Definition = null, DateTimeOffset? AsOf = null)
    {
        public string? Problem() =>
            Sample is < 0 or > 10_000 ? "sample must be between 0 and 10000."
            : RequestLimits.Name(Definition, "definition");
    }

    /// <summary>The definition kind Profiles stores tags under in config.definitions.</summary>
    private const string TagKind = "tag";

    private sealed record TagRequest(ConditionDocument? Document, string Path, string? Problem);

    public static RouteGroupBuilder MapAnalyticsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/trends", (HttpContext http, AnalyticsQueries queries, CancellationToken ct) =>
            Run<TrendsRequest>(http, r => r.Problem(), async request => Results.Ok(new { points = await queries.TrendsAsync(http.Tenant(), request, ct) }), ct));
        api.MapPost("/funnel", (HttpContext http, AnalyticsQueries queries, CancellationToken ct) =>
            Run<FunnelRequest>(http, r => r.Problem(), async request => Results.Ok(await queries.FunnelAsync(http.Tenant(), request, ct)), ct));
        api.MapPost("/retention", (HttpContext http, AnalyticsQueries queries, CancellationToken ct) =>
            Run<RetentionRequest>(http, r => r.Problem(), async request => Results.Ok(await queries.RetentionAsync(http.Tenant(), request, ct)), ct));
        api.MapPost("/paths", (HttpContext http, AnalyticsQueries queries, CancellationToken ct) =>
            Run<PathsRequest>(http, r => r.Problem(), async request => Results.Ok(new { paths = await queries.PathsAsync(http.Tenant(), request, ct) }), ct));
        api.MapPost("/audiences/count", (HttpContext http, AnalyticsQueries queries, DefinitionStore definitions, CancellationToken ct) =>
            Run<AudienceRequest>(http, r => r.Problem(), async request =>
            {
                var tag = await TagDocumentAsync(request, http.Tenant(), definitions, ct);
                if (tag.Problem is not null)
                    return Bad(tag.Problem);
                var (count, sample, problem) = tag.Document is not null
                    ? await queries.TagAudienceAsync(http.Tenant(), tag.Document, request.Sample, request.AsOf, ct, tag.Path)
                    : await queries.AudienceAsync(http.Tenant(), request.Condition, request.Sample, ct);
                return problem is null ? Results.Ok(new { count, sample }) : Bad(problem);
            }, ct));
        api.MapPost("/audiences/export", (HttpContext http, AnalyticsQueries queries, DefinitionStore definitions, CancellationToken ct) =>
            Run<AudienceRequest>(http, r => r.Problem(), async request =>
            {
                var tag = await TagDocumentAsync(request, http.Tenant(), definitions, ct);
                if (tag.Problem is not null)
                    return Bad(tag.Problem);
                var buffer = new StringWriter();
                var problem = tag.Document is not null
                    ? await queries.TagAudienceCsvAsync(http.Tenant(), tag.Document, request.AsOf, buffer, ct, tag.Path)
                    : await queries.AudienceCsvAsync(http.Tenant(), request.Condition, buffer, ct);
                return problem is null ? Results.Text(buffer.ToString(), "text/csv") : Bad(problem);
            }, ct));
        return api;
    }

    /// <summary>The tag-language document of the request (none when it uses <c>condition</c>), or a problem naming every wrong part.</summary>
    private static async Task<TagRequest> TagDocumentAsync(AudienceRequest request, string tenant, DefinitionStore definitions, CancellationToken ct)
    {
        var hasTag = request.TagCondition.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);
        var hasAudience = request.Condition.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);
        var hasDefinition = request.Definition is not null;
        if ((hasTag ? 1 : 0) + (hasAudience ? 1 : 0) + (hasDefinition ? 1 : 0) != 1)
            return new(null, "", "send exactly one of condition (audience language), tagCondition (tag language, docs/conditions.md) or definition (a stored tag id).");
        if (hasAudience)
            return new(null, "", request.AsOf is null ? null : "asOf applies to tagCondition and definition only.");
        if (hasDefinition)
        {
            try
            {
                await definitions.CaughtUp.WaitAsync(TimeSpan.FromSeconds(5), ct);
            }
            catch (TimeoutException)
            {
                return new(null, "", "definition: tag definitions are not loaded yet (config.definitions unreadable); retry, or send tagCondition.");
            }
            if (definitions.Get(tenant, TagKind, request.Definition!) is not { } stored)
                return new(null, "", $"definition: no tag '{request.Definition}' in this tenant; list them with GET /api/definitions/tags.");
            var tag = ConditionParser.ParseTagDefinition(stored.Body);
            return tag.IsValid
                ? new(tag.Value!.Document, $"definition '{request.Definition}': condition", null)
                : new(null, "", $"definition '{request.Definition}' is invalid: " + string.Join("; ", tag.Errors));
        }
        var node = request.TagCondition;
        if (node.ValueKind == JsonValueKind.Object && node.TryGetProperty("condition", out _))
        {
            var parsed = ConditionParser.ParseDocument(node);
            return parsed.IsValid
                ? new(parsed.Value, "tagCondition.condition", null)
                : new(null, "", string.Join("; ", parsed.Errors.Select(e => $"tagCondition.{e}")));
        }
        var bare = ConditionParser.ParseCondition(node, "tagCondition");
        return bare.IsValid
            ? new(new ConditionDocument(bare.Value!, TimeZoneInfo.Utc), "tagCondition", null)
            : new(null, "", string.Join("; ", bare.Errors));
    }

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

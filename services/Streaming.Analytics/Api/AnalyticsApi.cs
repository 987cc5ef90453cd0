using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Streaming.Analytics.Queries;
using Streaming.Conditions.Model;
using Streaming.Conditions.Parsing;
using Streaming.ServiceDefaults.Admin;

namespace Streaming.Analytics.Api;

/// <summary>
/// <c>/api/analytics/*</c> (admin key, tenant from <c>X-Tenant</c>): POST trends, funnel, retention,
/// paths, audiences/count, audiences/export. Bad input is a 400 that names the field and the fix.
/// </summary>
internal static class AnalyticsApi
{
    /// <summary>
    /// An audience: <see cref="Condition"/> in the audience JSON language, or <see cref="TagCondition"/> in the
    /// tag language (a bare condition, or <c>{"timeZone": .., "condition": ..}</c>) evaluated as of <see cref="AsOf"/> (default now).
    /// </summary>
    public sealed record AudienceRequest(JsonElement Condition = default, int Sample = 20, JsonElement TagCondition = default, DateTimeOffset? AsOf = null);

    public static RouteGroupBuilder MapAnalyticsApi(this RouteGroupBuilder api)
    {
        api.MapPost("/trends", (TrendsRequest request, HttpContext http, AnalyticsQueries queries, CancellationToken ct) =>
            Run(request.Problem(), async () => Results.Ok(new { points = await queries.TrendsAsync(http.Tenant(), request, ct) })));
        api.MapPost("/funnel", (FunnelRequest request, HttpContext http, AnalyticsQueries queries, CancellationToken ct) =>
            Run(request.Problem(), async () => Results.Ok(await queries.FunnelAsync(http.Tenant(), request, ct))));
        api.MapPost("/retention", (RetentionRequest request, HttpContext http, AnalyticsQueries queries, CancellationToken ct) =>
            Run(request.Problem(), async () => Results.Ok(await queries.RetentionAsync(http.Tenant(), request, ct))));
        api.MapPost("/paths", (PathsRequest request, HttpContext http, AnalyticsQueries queries, CancellationToken ct) =>
            Run(request.Problem(), async () => Results.Ok(new { paths = await queries.PathsAsync(http.Tenant(), request, ct) })));
        api.MapPost("/audiences/count", async (AudienceRequest request, HttpContext http, AnalyticsQueries queries, CancellationToken ct) =>
        {
            if (request.Sample is < 0 or > 10_000)
                return Bad("sample must be between 0 and 10000.");
            if (TagDocument(request, out var document, out var path) is { } invalid)
                return Bad(invalid);
            var (count, sample, problem) = document is not null
                ? await queries.TagAudienceAsync(http.Tenant(), document, request.Sample, request.AsOf, ct, path)
                : await queries.AudienceAsync(http.Tenant(), request.Condition, request.Sample, ct);
            return problem is null ? Results.Ok(new { count, sample }) : Bad(problem);
        });
        api.MapPost("/audiences/export", async (AudienceRequest request, HttpContext http, AnalyticsQueries queries, CancellationToken ct) =>
        {
            if (TagDocument(request, out var document, out var path) is { } invalid)
                return Bad(invalid);
            var buffer = new StringWriter();
            var problem = document is not null
                ? await queries.TagAudienceCsvAsync(http.Tenant(), document, request.AsOf, buffer, ct, path)
                : await queries.AudienceCsvAsync(http.Tenant(), request.Condition, buffer, ct);
            return problem is null ? Results.Text(buffer.ToString(), "text/csv") : Bad(problem);
        });
        return api;
    }

    /// <summary>The tag-language document of the request (null when it uses <c>condition</c>), or a problem naming every wrong part.</summary>
    private static string? TagDocument(AudienceRequest request, out ConditionDocument? document, out string path)
    {
        document = null;
        path = "tagCondition";
        var hasTag = request.TagCondition.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);
        var hasAudience = request.Condition.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);
        if (hasTag == hasAudience)
            return "send exactly one of condition (audience language) or tagCondition (tag language, docs/conditions.md).";
        if (!hasTag)
            return request.AsOf is null ? null : "asOf applies to tagCondition only.";
        var node = request.TagCondition;
        if (node.ValueKind == JsonValueKind.Object && node.TryGetProperty("condition", out _))
        {
            path = "tagCondition.condition";
            var parsed = ConditionParser.ParseDocument(node);
            document = parsed.Value;
            return parsed.IsValid ? null : string.Join("; ", parsed.Errors.Select(e => $"tagCondition.{e}"));
        }
        var bare = ConditionParser.ParseCondition(node, "tagCondition");
        document = bare.IsValid ? new ConditionDocument(bare.Value!, TimeZoneInfo.Utc) : null;
        return bare.IsValid ? null : string.Join("; ", bare.Errors);
    }

    private static async Task<IResult> Run(string? problem, Func<Task<IResult>> query) =>
        problem is not null ? Bad(problem) : await query();

    private static IResult Bad(string detail) => AdminAuthorization.Problem(StatusCodes.Status400BadRequest, "bad analytics query", detail);
}

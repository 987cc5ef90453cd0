using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Streaming.Analytics.Queries;
using Streaming.ServiceDefaults.Admin;

namespace Streaming.Analytics.Api;

/// <summary>
/// <c>/api/analytics/*</c> (admin key, tenant from <c>X-Tenant</c>): POST trends, funnel, retention,
/// paths, audiences/count, audiences/export. Bad input is a 400 that names the field and the fix.
/// </summary>
internal static class AnalyticsApi
{
    public sealed record AudienceRequest(JsonElement Condition, int Sample = 20);

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
            var (count, sample, problem) = await queries.AudienceAsync(http.Tenant(), request.Condition, request.Sample, ct);
            return problem is null ? Results.Ok(new { count, sample }) : Bad(problem);
        });
        api.MapPost("/audiences/export", async (AudienceRequest request, HttpContext http, AnalyticsQueries queries, CancellationToken ct) =>
        {
            var buffer = new StringWriter();
            var problem = await queries.AudienceCsvAsync(http.Tenant(), request.Condition, buffer, ct);
            return problem is null ? Results.Text(buffer.ToString(), "text/csv") : Bad(problem);
        });
        return api;
    }

    private static async Task<IResult> Run(string? problem, Func<Task<IResult>> query) =>
        problem is not null ? Bad(problem) : await query();

    private static IResult Bad(string detail) => AdminAuthorization.Problem(StatusCodes.Status400BadRequest, "bad analytics query", detail);
}

using System.Net;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Streaming.ServiceDefaults.Admin;

namespace Streaming.EndToEnd.Tests.Security;

/// <summary>
/// Walks the real route table of the standalone host (every service's endpoints) and checks each
/// <c>/api/*</c> endpoint against the table below with no key, a wrong key, another tenant's key and a
/// key of each role. An endpoint missing from the table, or declaring another permission, fails the
/// test: a new endpoint cannot ship without a decision about who may call it (docs/security.md).
/// </summary>
public sealed class ApiRoutes_AuthorizationTests
{
    private const string Admin = "admin", Marketer = "marketer", Analyst = "analyst";

    /// <summary>Every /api endpoint: method, route pattern, declared permission, roles that may call it.</summary>
    private static readonly (string Method, string Pattern, ApiPermission Permission, string[] Roles)[] Table =
    [
        ("POST", "/api/keys/", ApiPermission.TenantAdmin, [Admin]),
        ("GET", "/api/keys/", ApiPermission.TenantAdmin, [Admin]),
        ("DELETE", "/api/keys/{id}", ApiPermission.TenantAdmin, [Admin]),
        ("POST", "/api/sources/", ApiPermission.TenantAdmin, [Admin]),
        ("GET", "/api/sources/", ApiPermission.DefinitionsRead, [Admin, Marketer, Analyst]),
        ("GET", "/api/identity/lookup", ApiPermission.IdentityRead, [Admin, Marketer]),
        ("GET", "/api/identity/persons/{personId:long}", ApiPermission.IdentityRead, [Admin, Marketer]),
        ("GET", "/api/identity/rules", ApiPermission.IdentityRead, [Admin, Marketer]),
        ("PUT", "/api/identity/rules", ApiPermission.TenantAdmin, [Admin]),
        ("GET", "/api/profiles/lookup", ApiPermission.ProfilesRead, [Admin, Marketer, Analyst]),
        ("GET", "/api/profiles/{personId:long}", ApiPermission.ProfilesRead, [Admin, Marketer, Analyst]),
        ("GET", "/api/definitions/tags/", ApiPermission.DefinitionsRead, [Admin, Marketer, Analyst]),
        ("GET", "/api/definitions/tags/packs", ApiPermission.DefinitionsRead, [Admin, Marketer, Analyst]),
        ("POST", "/api/definitions/tags/packs/{pack}", ApiPermission.DefinitionsWrite, [Admin, Marketer]),
        ("GET", "/api/definitions/tags/{id}", ApiPermission.DefinitionsRead, [Admin, Marketer, Analyst]),
        ("PUT", "/api/definitions/tags/{id}", ApiPermission.DefinitionsWrite, [Admin, Marketer]),
        ("DELETE", "/api/definitions/tags/{id}", ApiPermission.DefinitionsWrite, [Admin, Marketer]),
        ("GET", "/api/definitions/journeys/", ApiPermission.DefinitionsRead, [Admin, Marketer, Analyst]),
        ("GET", "/api/definitions/journeys/templates", ApiPermission.DefinitionsRead, [Admin, Marketer, Analyst]),
        ("GET", "/api/definitions/journeys/{id}", ApiPermission.DefinitionsRead, [Admin, Marketer, Analyst]),
        ("PUT", "/api/definitions/journeys/{id}", ApiPermission.DefinitionsWrite, [Admin, Marketer]),
        ("POST", "/api/definitions/journeys/{id}/publish", ApiPermission.DefinitionsWrite, [Admin, Marketer]),
        ("POST", "/api/definitions/journeys/{id}/pause", ApiPermission.DefinitionsWrite, [Admin, Marketer]),
        ("POST", "/api/definitions/journeys/{id}/resume", ApiPermission.DefinitionsWrite, [Admin, Marketer]),
        ("POST", "/api/definitions/journeys/{id}/archive", ApiPermission.DefinitionsWrite, [Admin, Marketer]),
        ("POST", "/api/journeys/{id}/trigger", ApiPermission.DefinitionsWrite, [Admin, Marketer]),
        ("GET", "/api/journeys/{id}/stats", ApiPermission.ProfilesRead, [Admin, Marketer, Analyst]),
        ("POST", "/api/journeys/{id}/backtest", ApiPermission.AnalyticsRead, [Admin, Marketer, Analyst]),
        ("GET", "/api/journeys/instances", ApiPermission.ProfilesRead, [Admin, Marketer, Analyst]),
        ("GET", "/api/scoring/persons/{personId:long}", ApiPermission.ProfilesRead, [Admin, Marketer, Analyst]),
        ("GET", "/api/scoring/models/", ApiPermission.DefinitionsRead, [Admin, Marketer, Analyst]),
        ("GET", "/api/scoring/models/{id}", ApiPermission.DefinitionsRead, [Admin, Marketer, Analyst]),
        ("PUT", "/api/scoring/models/{id}", ApiPermission.DefinitionsWrite, [Admin, Marketer]),
        ("GET", "/api/definitions/templates/", ApiPermission.DefinitionsRead, [Admin, Marketer, Analyst]),
        ("GET", "/api/definitions/templates/{id}", ApiPermission.DefinitionsRead, [Admin, Marketer, Analyst]),
        ("PUT", "/api/definitions/templates/{id}", ApiPermission.DefinitionsWrite, [Admin, Marketer]),
        ("DELETE", "/api/definitions/templates/{id}", ApiPermission.DefinitionsWrite, [Admin, Marketer]),
        ("GET", "/api/definitions/channels/", ApiPermission.DefinitionsRead, [Admin, Marketer, Analyst]),
        ("GET", "/api/definitions/channels/{id}", ApiPermission.DefinitionsRead, [Admin, Marketer, Analyst]),
        ("PUT", "/api/definitions/channels/{id}", ApiPermission.TenantAdmin, [Admin]),
        ("DELETE", "/api/definitions/channels/{id}", ApiPermission.TenantAdmin, [Admin]),
        ("POST", "/api/templates/{id}/preview", ApiPermission.IdentityRead, [Admin, Marketer]),
        ("PUT", "/api/dispatch/contacts/{personId:long}", ApiPermission.TenantAdmin, [Admin]),
        ("DELETE", "/api/dispatch/contacts/{personId:long}", ApiPermission.TenantAdmin, [Admin]),
        ("PUT", "/api/dispatch/suppressions/{personId:long}", ApiPermission.TenantAdmin, [Admin]),
        ("DELETE", "/api/dispatch/suppressions/{personId:long}", ApiPermission.TenantAdmin, [Admin]),
        ("POST", "/api/dispatch/wechat-credits/{personId:long}/{templateId}", ApiPermission.TenantAdmin, [Admin]),
        ("POST", "/api/analytics/trends", ApiPermission.AnalyticsRead, [Admin, Marketer, Analyst]),
        ("POST", "/api/analytics/funnel", ApiPermission.AnalyticsRead, [Admin, Marketer, Analyst]),
        ("POST", "/api/analytics/retention", ApiPermission.AnalyticsRead, [Admin, Marketer, Analyst]),
        ("POST", "/api/analytics/paths", ApiPermission.AnalyticsRead, [Admin, Marketer, Analyst]),
        ("POST", "/api/analytics/audiences/count", ApiPermission.AnalyticsRead, [Admin, Marketer, Analyst]),
        ("POST", "/api/analytics/audiences/export", ApiPermission.AnalyticsRead, [Admin, Marketer, Analyst]),
    ];

    /// <summary>Endpoints not protected by an API key and how they are protected instead; anything else fails the test.</summary>
    private static readonly (string Prefix, string Protection)[] NonApi =
    [
        ("v1/", "write key (Basic auth user name), checked below"),
        ("healthz", "open: liveness, no data"),
        ("readyz", "open: readiness of Kafka/Redis/ClickHouse, no data"),
        ("streaming.ingest.v1.Ingest/", "write key (x-write-key metadata), tests/Streaming.Gateway.Tests"),
        ("{unimplementedService}/{unimplementedMethod", "gRPC's answer for unknown services: UNIMPLEMENTED"),
        ("m/", "signed token in the link (open pixel, click redirect, unsubscribe), tests/Streaming.Dispatch.Tests and WholeSystem_DispatchTests"),
        ("api/dispatch/callbacks/", "the provider's HMAC-SHA256 signature over the body (401 without it), tests/Streaming.Dispatch.Tests"),
    ];

    [Fact]
    public async Task Every_api_endpoint_refuses_missing_wrong_and_foreign_keys_and_admits_exactly_its_roles()
    {
        await using var system = await RunningSystem.StartAsync("routes");
        var keys = new Dictionary<string, string>
        {
            [Admin] = await KeyedSystem.CreateKeyAsync(system, "tenant-a", Admin),
            [Marketer] = await KeyedSystem.CreateKeyAsync(system, "tenant-a", Marketer),
            [Analyst] = await KeyedSystem.CreateKeyAsync(system, "tenant-a", Analyst),
        };
        var otherTenantsAdmin = await KeyedSystem.CreateKeyAsync(system, "tenant-b", Admin);
        var wrongKeys = new[] { "sk_aaaaaaaaaaaa_" + new string('b', 40), RunningSystem.AdminKey + "x", keys[Admin][..^1] + (keys[Admin][^1] == 'z' ? 'y' : 'z') };

        var endpoints = system.Host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => (Method: m, Endpoint: e)))
            .ToList();
        var problems = new List<string>();
        var seen = new HashSet<(string, string)>();
        using var http = new HttpClient { BaseAddress = system.Host.HttpUrl };
        foreach (var (method, endpoint) in endpoints)
        {
            var pattern = endpoint.RoutePattern.RawText ?? "";
            if (NonApi.Any(n => pattern.TrimStart('/').StartsWith(n.Prefix, StringComparison.Ordinal)))
                continue;
            if (!pattern.StartsWith("/api/", StringComparison.Ordinal))
            {
                problems.Add($"{method} {pattern}: not under /api and not listed in NonApi; decide how it is authenticated.");
                continue;
            }
            var row = Table.FirstOrDefault(r => r.Method == method && r.Pattern == pattern);
            if (row.Pattern is null)
            {
                problems.Add($"{method} {pattern}: not in the table; add a row with its permission and roles (and to docs/security.md).");
                continue;
            }
            seen.Add((method, pattern));
            var declared = endpoint.Metadata.GetMetadata<RequiresPermission>();
            if (declared?.Permission != row.Permission)
                problems.Add($"{method} {pattern}: declares {declared?.Permission.ToString() ?? "no permission"}, the table says {row.Permission}.");

            var path = Path(pattern);
            var body = method is "GET" or "DELETE" ? null : "{}";
            await Expect(HttpStatusCode.Unauthorized, "no key", null, null);
            foreach (var wrong in wrongKeys)
                await Expect(HttpStatusCode.Unauthorized, "a wrong key", wrong, null);
            await Expect(HttpStatusCode.Forbidden, "tenant-b's admin key with X-Tenant tenant-a", otherTenantsAdmin, "tenant-a");
            await Expect(HttpStatusCode.Forbidden, "tenant-a's admin key with X-Tenant tenant-b", keys[Admin], "tenant-b");
            foreach (var (role, key) in keys)
            {
                if (!row.Roles.Contains(role))
                {
                    await Expect(HttpStatusCode.Forbidden, $"role {role}", key, null);
                    continue;
                }
                using var request = KeyedSystem.Request(new HttpMethod(method), path, key, null, body);
                using var response = await http.SendAsync(request);
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || (int)response.StatusCode >= 500)
                    problems.Add($"{method} {path} with role {role}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            async Task Expect(HttpStatusCode expected, string who, string? key, string? tenant)
            {
                using var request = KeyedSystem.Request(new HttpMethod(method), path, key, tenant, body);
                using var response = await http.SendAsync(request);
                if (response.StatusCode != expected)
                    problems.Add($"{method} {path} with {who}: {(int)response.StatusCode}, expected {(int)expected}.");
            }
        }
        foreach (var row in Table.Where(r => !seen.Contains((r.Method, r.Pattern))))
            problems.Add($"{row.Method} {row.Pattern}: in the table but not served; remove the row.");

        // The Segment endpoints keep write-key auth: no key, a wrong key and an API key are refused.
        foreach (var (path, json) in new[] { ("/v1/track", "{\"event\":\"x\",\"userId\":\"u\"}"), ("/v1/batch", "{\"batch\":[{\"type\":\"track\",\"event\":\"x\",\"userId\":\"u\"}]}") })
        {
            foreach (var (who, header) in new[] { ("no key", (string?)null), ("a wrong write key", "Basic " + Convert.ToBase64String("wk_wrong:"u8.ToArray())), ("an admin API key", "Bearer " + keys[Admin]) })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
                if (header is not null)
                    request.Headers.TryAddWithoutValidation("Authorization", header);
                using var response = await http.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.Unauthorized)
                    problems.Add($"POST {path} with {who}: {(int)response.StatusCode}, expected 401.");
            }
        }
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    /// <summary>A concrete path for a pattern: numbers for numeric parameters, names nothing has for the others.</summary>
    private static string Path(string pattern) => System.Text.RegularExpressions.Regex.Replace(pattern, @"\{([^}:]+)(:[^}]*)?\}",
        m => m.Groups[2].Value.Contains("long", StringComparison.Ordinal) || m.Groups[2].Value.Contains("int", StringComparison.Ordinal)
            ? "999999"
            : m.Groups[1].Value == "id" ? "nosuchid0000" : "no-such-" + m.Groups[1].Value);
}

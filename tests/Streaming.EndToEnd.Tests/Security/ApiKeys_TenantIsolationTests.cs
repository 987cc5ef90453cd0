using System.Net;
using System.Text.Json.Nodes;

namespace Streaming.EndToEnd.Tests.Security;

/// <summary>
/// Keys made with <c>POST /api/keys</c> on the whole system: a tenant's key sees its tenant only and
/// needs no X-Tenant, only an all-tenant admin makes all-tenant keys, a revoked key stops working,
/// listings never show a key, and an analyst sees profiles with PII masked.
/// </summary>
public sealed class ApiKeys_TenantIsolationTests
{
    [Fact]
    public async Task Tenant_key_reads_only_its_tenant_and_stops_working_when_revoked()
    {
        await using var system = await RunningSystem.StartAsync("keys");
        await system.SendAdminAsync(HttpMethod.Put, "/api/definitions/tags/b-secret", "{\"name\":\"B only\",\"condition\":{\"trait\":\"plan\",\"op\":\"eq\",\"value\":\"gold\"}}");
        using var tenantB = KeyedSystem.Request(HttpMethod.Put, "/api/definitions/tags/b-secret", RunningSystem.AdminKey, "tenant-b",
            "{\"name\":\"B only\",\"condition\":{\"trait\":\"plan\",\"op\":\"eq\",\"value\":\"gold\"}}");
        Assert.Equal(HttpStatusCode.OK, (await system.Admin.SendAsync(tenantB)).StatusCode);
        var key = await KeyedSystem.CreateKeyAsync(system, "tenant-a", "marketer");
        using var http = new HttpClient { BaseAddress = system.Host.HttpUrl };

        // No X-Tenant: the key's own tenant, which has no tags.
        using (var response = await http.SendAsync(KeyedSystem.Request(HttpMethod.Get, "/api/definitions/tags/", key)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Empty(JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray());
        }
        foreach (var other in new[] { "tenant-b", "default" })
        {
            using var response = await http.SendAsync(KeyedSystem.Request(HttpMethod.Get, "/api/definitions/tags/b-secret", key, other));
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains($"X-Tenant '{other}' is not one of its tenants", body, StringComparison.Ordinal);
            Assert.DoesNotContain("gold", body, StringComparison.Ordinal);
        }

        // A tenant's admin makes keys of its tenant only, and never of all tenants.
        var tenantAdmin = await KeyedSystem.CreateKeyAsync(system, "tenant-a", "admin");
        using (var response = await http.SendAsync(KeyedSystem.Request(HttpMethod.Post, "/api/keys/", tenantAdmin, null, "{\"name\":\"ops\",\"role\":\"admin\",\"allTenants\":true}")))
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);

        // Listing shows ids, roles and names, never a key or its hash.
        string listing;
        using (var response = await http.SendAsync(KeyedSystem.Request(HttpMethod.Get, "/api/keys/", tenantAdmin)))
            listing = await response.Content.ReadAsStringAsync();
        var id = key.Split('_')[1];
        Assert.Contains(id, listing, StringComparison.Ordinal);
        Assert.DoesNotContain(key, listing, StringComparison.Ordinal);
        Assert.DoesNotContain("sha256", listing, StringComparison.Ordinal);
        Assert.Equal(2, JsonNode.Parse(listing)!.AsArray().Count);

        // Tenant B's admin cannot revoke tenant A's key; tenant A's admin can, and then it is refused.
        var tenantBAdmin = await KeyedSystem.CreateKeyAsync(system, "tenant-b", "admin");
        using (var response = await http.SendAsync(KeyedSystem.Request(HttpMethod.Delete, $"/api/keys/{id}", tenantBAdmin)))
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using (var response = await http.SendAsync(KeyedSystem.Request(HttpMethod.Delete, $"/api/keys/{id}", tenantAdmin)))
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using (var response = await http.SendAsync(KeyedSystem.Request(HttpMethod.Get, "/api/definitions/tags/", key)))
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Analyst_key_sees_profiles_with_identifiers_and_personal_traits_masked()
    {
        await using var system = await RunningSystem.StartAsync("analyst");
        using (var sent = await system.SendAsync("/v1/identify",
            "{\"userId\":\"u-analyst-1\",\"traits\":{\"Email\":\"ann@example.com\",\"phone_number\":\"+86 138 0013 8000\",\"contact\":\"ann@example.org\",\"plan\":\"gold\"}}"))
        {
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        }

        var full = await Eventually.Async("the profile of u-analyst-1", () => system.GetAsync("/api/profiles/lookup?type=userId&value=u-analyst-1"), Eventually.Limit);
        Assert.Contains("u-analyst-1", full.ToJsonString(), StringComparison.Ordinal);

        var analyst = await KeyedSystem.CreateKeyAsync(system, "default", "analyst");
        using var http = new HttpClient { BaseAddress = system.Host.HttpUrl };
        var masked = await Eventually.Async("the analyst's view of u-analyst-1", async () =>
        {
            using var response = await http.SendAsync(KeyedSystem.Request(HttpMethod.Get, "/api/profiles/lookup?type=userId&value=u-analyst-1", analyst));
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                return null; // Redis busy on a loaded machine: ask again.
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return JsonNode.Parse(await response.Content.ReadAsStringAsync());
        }, TimeSpan.FromSeconds(120));
        var text = masked.ToJsonString();
        Assert.DoesNotContain("u-analyst-1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ann@", text, StringComparison.Ordinal);
        Assert.DoesNotContain("138 0013", text, StringComparison.Ordinal); // not a bare "138": ids and timestamps may hold it
        Assert.Equal("gold", masked["traits"]!["plan"]!.GetValue<string>());
        // The gateway keeps the e-mail, phone and e-mail-valued contact only as hashes; the analyst sees none of them.
        var personal = masked["traits"]!.AsObject().Where(t => t.Key != "plan").ToList();
        Assert.True(personal.Count >= 3, masked["traits"]!.ToJsonString());
        Assert.All(personal, t => Assert.Equal("***", t.Value!.GetValue<string>()));
        Assert.Contains("userId:***", masked["identifiers"]!.AsArray().Select(i => i!.GetValue<string>()));
        Assert.Equal(full["metrics"]!.ToJsonString(), masked["metrics"]!.ToJsonString());
    }
}

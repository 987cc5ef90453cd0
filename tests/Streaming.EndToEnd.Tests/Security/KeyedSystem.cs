using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Streaming.EndToEnd.Tests.Security;

/// <summary>A running standalone host plus API keys created through <c>POST /api/keys</c> with the bootstrap key.</summary>
internal static class KeyedSystem
{
    /// <summary>Creates a key of <paramref name="role"/> for <paramref name="tenant"/> and returns it (the only time it is shown).</summary>
    public static async Task<string> CreateKeyAsync(RunningSystem system, string tenant, string role, bool allTenants = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/keys/")
        {
            Content = JsonContent.Create(new { name = $"{role} of {tenant}", role, allTenants }),
        };
        request.Headers.Add("X-Tenant", tenant);
        using var response = await system.Admin.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST /api/keys ({role} of {tenant}): {(int)response.StatusCode} {body}");
        var key = JsonNode.Parse(body)!["key"]!.GetValue<string>();
        Assert.StartsWith("sk_", key, StringComparison.Ordinal);
        return key;
    }

    public static HttpRequestMessage Request(HttpMethod method, string path, string? key, string? tenant = null, string? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (tenant is not null)
            request.Headers.Add("X-Tenant", tenant);
        if (json is not null)
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        return request;
    }
}

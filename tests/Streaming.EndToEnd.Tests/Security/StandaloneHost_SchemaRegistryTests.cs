using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Streaming.Standalone;

namespace Streaming.EndToEnd.Tests.Security;

/// <summary>The standalone host serves its Schema Registry behind the password it prints and keeps.</summary>
public sealed class StandaloneHost_SchemaRegistryTests
{
    [Fact]
    public async Task Standalone_Schema_Registry_serves_the_credentials_in_the_banner_and_refuses_a_client_without_them()
    {
        await using var system = await RunningSystem.StartAsync("schema-registry");
        var url = system.Host.SchemaRegistryUrl;
        using var anonymous = new HttpClient { BaseAddress = url };
        using var client = new HttpClient { BaseAddress = url };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(system.Host.SchemaRegistryUserInfo)));

        using var refused = await anonymous.GetAsync("subjects");
        using var registered = await client.PostAsync("subjects/standalone-value/versions",
            new StringContent("""{"schema":"{\"type\":\"string\"}"}""", Encoding.UTF8, "application/vnd.schemaregistry.v1+json"));
        var stored = await File.ReadAllTextAsync(system.Host.Credentials.FilePath);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, registered.StatusCode);
        Assert.Contains(url.ToString(), system.Host.Describe(), StringComparison.Ordinal);
        Assert.Contains(system.Host.SchemaRegistryUserInfo, system.Host.Describe(), StringComparison.Ordinal);
        Assert.Contains(system.Host.Credentials[Credentials.SchemaRegistryPassword], stored, StringComparison.Ordinal);
        Assert.EndsWith(":" + system.Host.Credentials[Credentials.SchemaRegistryPassword], system.Host.SchemaRegistryUserInfo, StringComparison.Ordinal);
    }

    [Fact]
    public void Listen_policy_names_the_schema_registry_when_it_has_no_authentication()
    {
        ExposedEndpoint[] endpoints = [new("HTTP API", true, "keys"), new("Schema Registry", false, "HTTP basic authentication")];

        var refusal = ListenPolicy.Refusal("0.0.0.0", endpoints);

        Assert.Contains("Schema Registry has no authentication", refusal, StringComparison.Ordinal);
    }
}

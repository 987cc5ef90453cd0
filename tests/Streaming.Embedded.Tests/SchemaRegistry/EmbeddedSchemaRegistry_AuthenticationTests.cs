using System.Net;
using System.Text.Json;
using Confluent.SchemaRegistry;

namespace Streaming.Embedded.Tests.SchemaRegistry;

/// <summary>Every request needs the registry's basic credentials, and browsers' cross-site requests are refused.</summary>
public sealed class EmbeddedSchemaRegistry_AuthenticationTests
{
    [Fact]
    public async Task EmbeddedSchemaRegistry_refuses_the_confluent_client_when_the_password_is_wrong()
    {
        await using var registry = await RegistryUnderTest.StartAsync();
        using var wrong = registry.Client(password: "not-the-password");
        using var right = registry.Client();

        var refused = await Assert.ThrowsAsync<SchemaRegistryException>(
            () => wrong.RegisterSchemaAsync("users-value", new Schema(RegistrySchemas.UserV1, SchemaType.Avro)));
        var subjects = await right.GetAllSubjectsAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Equal(401, refused.ErrorCode);
        Assert.Empty(subjects);
    }

    [Theory]
    [InlineData(null, null, HttpStatusCode.Unauthorized, 401)]
    [InlineData("Basic !!!", null, HttpStatusCode.Unauthorized, 401)]
    [InlineData("Basic c3RyZWFtaW5nOg==", null, HttpStatusCode.Unauthorized, 401)] // streaming: with no password
    [InlineData("Bearer abc", null, HttpStatusCode.Unauthorized, 401)]
    [InlineData("", "http://evil.example", HttpStatusCode.Forbidden, 40301)]
    public async Task EmbeddedSchemaRegistry_refuses_a_request_when_it_lacks_credentials_or_comes_from_a_web_page(
        string? authorization, string? origin, HttpStatusCode expected, int expectedCode)
    {
        await using var registry = await RegistryUnderTest.StartAsync();
        using var http = registry.Http(password: authorization == "" ? RegistryUnderTest.Password : null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "subjects");
        if (!string.IsNullOrEmpty(authorization))
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        if (origin is not null)
            request.Headers.TryAddWithoutValidation("Origin", origin);

        using var response = await http.SendAsync(request);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(expectedCode, body.RootElement.GetProperty("error_code").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(body.RootElement.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task EmbeddedSchemaRegistry_refuses_a_host_name_when_it_is_not_localhost_or_an_address()
    {
        await using var registry = await RegistryUnderTest.StartAsync();
        using var http = registry.Http();
        using var request = new HttpRequestMessage(HttpMethod.Get, "subjects");
        request.Headers.Host = "attacker.example:" + registry.Server.Port;

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}

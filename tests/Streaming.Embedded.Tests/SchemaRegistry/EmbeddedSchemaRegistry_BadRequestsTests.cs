using System.Net;
using System.Text;
using System.Text.Json;

namespace Streaming.Embedded.Tests.SchemaRegistry;

/// <summary>Whatever a client sends, the answer is the registry's 4xx error naming what is wrong, never a 500.</summary>
public sealed class EmbeddedSchemaRegistry_BadRequestsTests
{
    public static TheoryData<string, string, string?, HttpStatusCode, int> Requests => new()
    {
        { "POST", "subjects/s-value/versions", "not json", HttpStatusCode.BadRequest, 400 },
        { "POST", "subjects/s-value/versions", "[1,2]", HttpStatusCode.BadRequest, 400 },
        { "POST", "subjects/s-value/versions", null, HttpStatusCode.BadRequest, 400 },
        { "POST", "subjects/s-value/versions", """{"schemaType":"AVRO"}""", HttpStatusCode.UnprocessableEntity, 42201 },
        { "POST", "subjects/s-value/versions", """{"schema":42}""", HttpStatusCode.UnprocessableEntity, 42201 },
        { "POST", "subjects/s-value/versions", """{"schema":"{\"type\":\"record\"}"}""", HttpStatusCode.UnprocessableEntity, 42201 },
        { "POST", "subjects/s-value/versions", """{"schema":"{\"type\":\"nosuchtype\"}"}""", HttpStatusCode.UnprocessableEntity, 42201 },
        { "POST", "subjects/s-value/versions", """{"schema":"{not json"}""", HttpStatusCode.UnprocessableEntity, 42201 },
        { "POST", "subjects/s-value/versions", """{"schema":"{\"type\":\"string\"}","schemaType":"PROTOBUF"}""", HttpStatusCode.UnprocessableEntity, 42201 },
        { "POST", "subjects/s-value/versions", """{"schema":"{\"type\":\"string\"}","references":[{"name":"x","subject":"y","version":1}]}""", HttpStatusCode.UnprocessableEntity, 42201 },
        { "POST", "subjects/s-value/versions", """{"schema":"{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\",\"default\":\"x\"}]}"}""", HttpStatusCode.UnprocessableEntity, 42201 },
        { "POST", "subjects/s-value/versions", "{\"schema\":\"" + new string('[', 5000) + "\"}", HttpStatusCode.UnprocessableEntity, 42201 },
        { "POST", "subjects/s-value/versions", new string('[', 5000), HttpStatusCode.BadRequest, 400 },
        { "POST", "subjects/s-value/versions", "{\"schema\":\"" + new string('x', 2 << 20) + "\"}", HttpStatusCode.UnprocessableEntity, 42209 },
        { "POST", "subjects/%01bad/versions", """{"schema":"\"string\""}""", HttpStatusCode.UnprocessableEntity, 42208 },
        { "GET", "subjects/missing-value/versions", null, HttpStatusCode.NotFound, 40401 },
        { "GET", "subjects/missing-value/versions/latest", null, HttpStatusCode.NotFound, 40401 },
        { "GET", "subjects/s-value/versions/zero", null, HttpStatusCode.UnprocessableEntity, 42202 },
        { "GET", "subjects/s-value/versions/0", null, HttpStatusCode.UnprocessableEntity, 42202 },
        { "GET", "subjects/s-value/versions/99999999999", null, HttpStatusCode.UnprocessableEntity, 42202 },
        { "GET", "schemas/ids/12345", null, HttpStatusCode.NotFound, 40403 },
        { "GET", "schemas/ids/abc", null, HttpStatusCode.NotFound, 40403 },
        { "PUT", "config", """{"compatibility":"SIDEWAYS"}""", HttpStatusCode.UnprocessableEntity, 42203 },
        { "PUT", "config", "{}", HttpStatusCode.UnprocessableEntity, 42203 },
        { "PUT", "config/s-value", """{"compatibility":7}""", HttpStatusCode.UnprocessableEntity, 42203 },
        { "DELETE", "config", null, HttpStatusCode.MethodNotAllowed, 405 },
        { "PATCH", "subjects", null, HttpStatusCode.MethodNotAllowed, 405 },
        { "GET", "nowhere", null, HttpStatusCode.NotFound, 404 },
        { "POST", "compatibility/subjects/missing-value/versions/3", """{"schema":"\"string\""}""", HttpStatusCode.NotFound, 40401 },
        { "POST", "compatibility/subjects/s-value/versions/x", """{"schema":"\"string\""}""", HttpStatusCode.UnprocessableEntity, 42202 },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task EmbeddedSchemaRegistry_answers_the_registry_error_when_the_request_is_wrong(
        string method, string path, string? body, HttpStatusCode expectedStatus, int expectedCode)
    {
        await using var registry = await RegistryUnderTest.StartAsync();
        using var http = registry.Http();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
            request.Content = new StringContent(body, Encoding.UTF8, "application/vnd.schemaregistry.v1+json");

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        using var error = JsonDocument.Parse(text);

        Assert.Equal(expectedStatus, response.StatusCode);
        Assert.Equal(expectedCode, error.RootElement.GetProperty("error_code").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(error.RootElement.GetProperty("message").GetString()), text);
    }
}

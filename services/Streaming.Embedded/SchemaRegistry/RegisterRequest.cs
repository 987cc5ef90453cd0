using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Streaming.Embedded.SchemaRegistry;

/// <summary>
/// The body Confluent clients send to register, look up or check a schema:
/// <c>{"schema": "...", "schemaType": "AVRO", "references": []}</c>; <c>metadata</c> and <c>ruleSet</c> are accepted and not kept.
/// </summary>
internal sealed record RegisterRequest(string? Schema)
{
    private static readonly JsonDocumentOptions Json = new() { MaxDepth = 32 };

    /// <summary>Reads and checks the body; what is wrong with it comes back as the registry's error naming the field.</summary>
    public static async Task<(RegisterRequest? Request, RegistryError? Error)> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        var (root, error) = await ReadObjectAsync(request, limit, cancellationToken);
        if (root is null)
            return (null, error);
        using (root)
        {
            var body = root.RootElement;
            if (!body.TryGetProperty("schema", out var schema) || schema.ValueKind != JsonValueKind.String)
                return (null, RegistryError.InvalidSchema("{schema=null}: the body needs \"schema\", the Avro schema as a JSON string: {\"schema\": \"{\\\"type\\\": \\\"string\\\"}\"}."));
            if (body.TryGetProperty("schemaType", out var type) && type.ValueKind != JsonValueKind.Null
                && !string.Equals(type.ToString(), "AVRO", StringComparison.OrdinalIgnoreCase))
            {
                return (null, RegistryError.InvalidSchema($"{{schemaType={type}}}: this registry serves AVRO schemas only; leave schemaType out or send \"AVRO\"."));
            }

            if (body.TryGetProperty("references", out var references) && references.ValueKind == JsonValueKind.Array && references.GetArrayLength() > 0)
                return (null, RegistryError.InvalidSchema("{references=[...]}: schema references are not supported here; inline the referenced types in the schema."));
            return (new RegisterRequest(schema.GetString()), null);
        }
    }

    /// <summary>The level of a PUT /config body, <c>{"compatibility": "BACKWARD"}</c>.</summary>
    public static async Task<(string? Level, RegistryError? Error)> ReadConfigAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        var (root, error) = await ReadObjectAsync(request, limit, cancellationToken);
        if (root is null)
            return (null, error);
        using (root)
        {
            return root.RootElement.TryGetProperty("compatibility", out var level) && level.ValueKind == JsonValueKind.String
                ? (level.GetString(), null)
                : (null, RegistryError.InvalidCompatibilityLevel("(missing)"));
        }
    }

    private static async Task<(JsonDocument? Document, RegistryError? Error)> ReadObjectAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
            return (null, RegistryError.SchemaTooLarge(limit));
        using var buffer = new MemoryStream();
        var chunk = new byte[16 << 10];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                    return (null, RegistryError.SchemaTooLarge(limit));
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, RegistryError.SchemaTooLarge(limit));
        }
        if (buffer.Length == 0)
            return (null, RegistryError.BadRequest("The request has no body; send a JSON object, e.g. {\"schema\": \"{\\\"type\\\": \\\"string\\\"}\"}."));
        try
        {
            var document = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), Json);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
                return (document, null);
            document.Dispose();
            return (null, RegistryError.BadRequest("The body must be a JSON object, e.g. {\"schema\": \"{\\\"type\\\": \\\"string\\\"}\"}."));
        }
        catch (JsonException e)
        {
            return (null, RegistryError.BadRequest($"The body is not JSON ({e.Message}); send a JSON object, e.g. {{\"schema\": \"{{\\\"type\\\": \\\"string\\\"}}\"}}."));
        }
    }
}

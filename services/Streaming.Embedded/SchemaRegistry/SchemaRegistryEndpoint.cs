using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Streaming.Embedded.ClickHouse;

namespace Streaming.Embedded.SchemaRegistry;

/// <summary>
/// Confluent Schema Registry's REST API (the part Confluent's clients and serdes use) over a <see cref="SchemaStore"/>:
/// subjects and versions, schemas by id, <c>/config</c> compatibility levels and compatibility checks, answering in
/// <c>application/vnd.schemaregistry.v1+json</c> with the registry's <c>{"error_code", "message"}</c> bodies.
/// Every request must carry HTTP basic credentials; browsers' cross-site requests are refused as on the ClickHouse endpoint.
/// </summary>
internal sealed class SchemaRegistryEndpoint(SchemaStore store, string userName, string password)
{
    public const string ContentType = "application/vnd.schemaregistry.v1+json";

    /// <summary>Largest request body read: a schema with thousands of fields fits; a flood does not.</summary>
    public const int MaxRequestBytes = 1 << 20;

    private const int MaxSubjectLength = 1000;

    private readonly byte[] _expectedCredentials = SHA256.HashData(Encoding.UTF8.GetBytes(userName + ":" + password));

    public async Task HandleAsync(HttpContext context)
    {
        var error = RequestOriginCheck.Refusal(context.Request) is { } refusal
            ? new RegistryError(403, 40301, refusal + ".")
            : Authenticate(context.Request);
        if (error is null)
        {
            try
            {
                error = await RouteAsync(context);
            }
            catch (IOException e) when (!context.RequestAborted.IsCancellationRequested)
            {
                // The log could not be written: the change was not made, and the client may retry.
                error = new RegistryError(500, 50001, $"Register operation failed while writing to the store: {e.Message}");
            }
        }
        if (error is not null)
        {
            if (error.Status == 401)
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"schema-registry\", charset=\"UTF-8\"";
            await WriteAsync(context, error.Status, w =>
            {
                w.WriteNumber("error_code", error.ErrorCode);
                w.WriteString("message", error.Message);
            });
        }
    }

    private RegistryError? Authenticate(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            return new RegistryError(401, 401, "Unauthorized: send HTTP basic credentials (basic.auth.user.info=<user>:<password> in Confluent clients).");
        byte[] given;
        try
        {
            given = Convert.FromBase64String(header[6..].Trim());
        }
        catch (FormatException)
        {
            return new RegistryError(401, 401, "Unauthorized: the Authorization header is not base64 of <user>:<password>.");
        }
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(given), _expectedCredentials)
            ? null
            : new RegistryError(401, 401, "Unauthorized: wrong user name or password.");
    }

    private async Task<RegistryError?> RouteAsync(HttpContext context)
    {
        var request = context.Request;
        // Path.Value keeps %2F escaped, so a subject with a slash stays one segment until it is unescaped here.
        var segments = (request.Path.Value ?? "/").Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var method = request.Method.ToUpperInvariant();
        var deleted = Flag(request, "deleted");
        switch (segments)
        {
            case []:
                return method == "GET" ? await WriteAsync(context, 200, _ => { }) : NotAllowed(method);
            case ["subjects"] when method == "GET":
                return await WriteListAsync(context, Ok(store.Subjects(deleted)), (w, s) => w.WriteStringValue(s));
            case ["subjects", var subject] when method == "POST":
                return await WithSchemaAsync(context, subject, schema => VersionAsync(context, store.Lookup(subject, schema, deleted), withSubject: true));
            case ["subjects", var subject] when method == "DELETE":
                return await WriteListAsync(context, store.DeleteSubject(subject, Flag(request, "permanent")), (w, v) => w.WriteNumberValue(v));
            case ["subjects", var subject, "versions"] when method == "GET":
                return await WriteListAsync(context, store.VersionNumbers(subject, deleted), (w, v) => w.WriteNumberValue(v));
            case ["subjects", var subject, "versions"] when method == "POST":
                return await WithSchemaAsync(context, subject, schema => RegisteredAsync(context, store.Register(subject, schema)));
            case ["subjects", var subject, "versions", var version] when method is "GET" or "DELETE":
                if (ParseVersion(version) is not { } number)
                    return RegistryError.InvalidVersion(version);
                return method == "GET"
                    ? await VersionAsync(context, store.Version(subject, number, deleted), withSubject: true)
                    : await WriteResultAsync(context, store.DeleteVersion(subject, number, Flag(request, "permanent")), (w, v) => w.WriteNumberValue(v));
            case ["subjects", var subject, "versions", var version, "schema"] when method == "GET":
                if (ParseVersion(version) is not { } wanted)
                    return RegistryError.InvalidVersion(version);
                return await RawSchemaAsync(context, store.Version(subject, wanted, deleted) is var (found, error) && found is not null ? found.Schema : null, error);
            case ["schemas", "types"] when method == "GET":
                return await WriteListAsync(context, Ok<string>(["AVRO"]), (w, t) => w.WriteStringValue(t));
            case ["schemas", "ids", var id, .. var rest] when method == "GET" && rest.Length <= 1:
                return await SchemaByIdAsync(context, id, rest.FirstOrDefault(), deleted);
            case ["config"] or ["config", _] when method is "GET" or "PUT" or "DELETE":
                return await ConfigAsync(context, method, segments.Length == 2 ? segments[1] : null);
            case ["compatibility", "subjects", var subject, "versions", .. var rest] when method == "POST" && rest.Length <= 1:
                var against = rest.Length == 0 ? SchemaStore.Latest : ParseVersion(rest[0]);
                if (against is null)
                    return RegistryError.InvalidVersion(rest[0]);
                return await WithSchemaAsync(context, subject, schema => CompatibilityAsync(context, store.CompatibilityProblems(subject, against.Value, schema)));
            case ["mode"] or ["mode", _] when method == "GET":
                return await WriteAsync(context, 200, w => w.WriteString("mode", "READWRITE"));
            case ["subjects"] or ["subjects", ..] or ["schemas", ..] or ["config", ..] or ["compatibility", ..] or ["mode", ..]:
                return NotAllowed(method);
            default:
                return new RegistryError(404, 404, $"HTTP 404 Not Found: there is no {request.Path}. This endpoint serves Confluent Schema Registry's "
                    + "/subjects, /schemas/ids, /config and /compatibility resources.");
        }
    }

    /// <summary>Reads the request's schema, checks the subject's name, then runs <paramref name="action"/>.</summary>
    private static async Task<RegistryError?> WithSchemaAsync(HttpContext context, string subject, Func<AvroSchemaText, Task<RegistryError?>> action)
    {
        if (InvalidSubject(subject) is { } invalid)
            return invalid;
        var (body, error) = await RegisterRequest.ReadAsync(context.Request, MaxRequestBytes, context.RequestAborted);
        if (error is not null)
            return error;
        var (schema, parseError) = AvroSchemaText.Parse(body!.Schema);
        return parseError ?? await action(schema!);
    }

    private async Task<RegistryError?> SchemaByIdAsync(HttpContext context, string idText, string? part, bool deleted)
    {
        if (!int.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            return RegistryError.SchemaNotFound($"Schema {idText} not found: an id is a positive whole number");
        switch (part)
        {
            case null:
                var (schema, error) = store.SchemaById(id);
                return error ?? await WriteAsync(context, 200, w => w.WriteString("schema", schema!.Canonical));
            case "schema":
                var (raw, rawError) = store.SchemaById(id);
                return await RawSchemaAsync(context, raw?.Canonical, rawError);
            case "versions":
                return await WriteListAsync(context, store.VersionsOfId(id, deleted), (w, v) =>
                {
                    w.WriteStartObject();
                    w.WriteString("subject", v.Subject);
                    w.WriteNumber("version", v.Version);
                    w.WriteEndObject();
                });
            case "subjects":
                var (versions, versionsError) = store.VersionsOfId(id, deleted);
                return versionsError ?? await WriteListAsync(context, Ok(versions!.Select(v => v.Subject).Distinct().ToList()), (w, s) => w.WriteStringValue(s));
            default:
                return new RegistryError(404, 404, $"HTTP 404 Not Found: /schemas/ids/{id}/{part}; use /schemas/ids/{id}, /schema, /versions or /subjects.");
        }
    }

    private async Task<RegistryError?> ConfigAsync(HttpContext context, string method, string? subject)
    {
        if (subject is not null && InvalidSubject(subject) is { } invalid)
            return invalid;
        if (method == "GET")
        {
            var level = subject is null ? store.GlobalLevel : store.SubjectLevel(subject);
            if (level is null && Flag(context.Request, "defaultToGlobal"))
                level = store.GlobalLevel;
            return level is null
                ? RegistryError.SubjectCompatibilityNotConfigured(subject!)
                : await WriteAsync(context, 200, w => w.WriteString("compatibilityLevel", level.Value.ToWire()));
        }
        if (method == "DELETE")
        {
            if (subject is null)
                return NotAllowed(method);
            var (removed, error) = store.RemoveSubjectLevel(subject);
            return error ?? await WriteAsync(context, 200, w => w.WriteString("compatibilityLevel", removed.ToWire()));
        }

        var (body, readError) = await RegisterRequest.ReadConfigAsync(context.Request, MaxRequestBytes, context.RequestAborted);
        if (readError is not null)
            return readError;
        if (CompatibilityLevels.FromWire(body) is not { } newLevel)
            return RegistryError.InvalidCompatibilityLevel(body);
        if (subject is null)
            store.SetGlobalLevel(newLevel);
        else
            store.SetSubjectLevel(subject, newLevel);
        return await WriteAsync(context, 200, w => w.WriteString("compatibility", newLevel.ToWire()));
    }

    private static async Task<RegistryError?> RegisteredAsync(HttpContext context, RegistryResult<SubjectVersion> result) =>
        result.Error ?? await WriteAsync(context, 200, w =>
        {
            w.WriteNumber("id", result.Value!.Id);
            w.WriteNumber("version", result.Value.Version);
            w.WriteString("schema", result.Value.Schema);
        });

    private static async Task<RegistryError?> VersionAsync(HttpContext context, RegistryResult<SubjectVersion> result, bool withSubject) =>
        result.Error ?? await WriteAsync(context, 200, w =>
        {
            if (withSubject)
                w.WriteString("subject", result.Value!.Subject);
            w.WriteNumber("version", result.Value!.Version);
            w.WriteNumber("id", result.Value.Id);
            w.WriteString("schema", result.Value.Schema);
        });

    private static async Task<RegistryError?> CompatibilityAsync(HttpContext context, RegistryResult<IReadOnlyList<string>> result)
    {
        if (result.Error is not null)
            return result.Error;
        var verbose = Flag(context.Request, "verbose");
        return await WriteAsync(context, 200, w =>
        {
            w.WriteBoolean("is_compatible", result.Value!.Count == 0);
            if (verbose)
            {
                w.WriteStartArray("messages");
                foreach (var problem in result.Value)
                    w.WriteStringValue(problem);
                w.WriteEndArray();
            }
        });
    }

    /// <summary>The schema text itself as the body (…/schema routes), as the registry answers them.</summary>
    private static async Task<RegistryError?> RawSchemaAsync(HttpContext context, string? schema, RegistryError? error)
    {
        if (error is not null)
            return error;
        context.Response.StatusCode = 200;
        context.Response.ContentType = ContentType;
        await context.Response.WriteAsync(schema!, context.RequestAborted);
        return null;
    }

    private static Task<RegistryError?> WriteListAsync<T>(HttpContext context, RegistryResult<IReadOnlyList<T>> result, Action<Utf8JsonWriter, T> item) =>
        WriteResultAsync(context, result, (w, items) =>
        {
            w.WriteStartArray();
            foreach (var value in items)
                item(w, value);
            w.WriteEndArray();
        });

    private static async Task<RegistryError?> WriteResultAsync<T>(HttpContext context, RegistryResult<T> result, Action<Utf8JsonWriter, T> write)
    {
        if (result.Error is not null)
            return result.Error;
        await WriteJsonAsync(context, 200, w => write(w, result.Value!));
        return null;
    }

    /// <summary>Writes a JSON object whose members <paramref name="members"/> writes.</summary>
    private static async Task<RegistryError?> WriteAsync(HttpContext context, int status, Action<Utf8JsonWriter> members)
    {
        await WriteJsonAsync(context, status, w =>
        {
            w.WriteStartObject();
            members(w);
            w.WriteEndObject();
        });
        return null;
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            write(writer);
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        context.Response.ContentLength = buffer.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
            await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }

    private static RegistryResult<IReadOnlyList<T>> Ok<T>(IReadOnlyList<T> values) => new(values, null);

    private static int? ParseVersion(string text)
    {
        if (text.Equals("latest", StringComparison.OrdinalIgnoreCase) || text == "-1")
            return SchemaStore.Latest;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version >= 1 ? version : null;
    }

    private static RegistryError? InvalidSubject(string subject)
    {
        if (subject.Length == 0 || subject.Length > MaxSubjectLength)
            return RegistryError.InvalidSubject(subject.Length > 80 ? subject[..80] + "..." : subject, $"a subject has 1 to {MaxSubjectLength} characters");
        return subject.Any(char.IsControl) ? RegistryError.InvalidSubject(subject, "a subject has no control characters") : null;
    }

    private static bool Flag(HttpRequest request, string name) =>
        string.Equals(request.Query[name].ToString(), "true", StringComparison.OrdinalIgnoreCase);

    private static RegistryError NotAllowed(string method) =>
        new(405, 405, $"HTTP 405 Method Not Allowed: {method} is not served on this resource.");
}
